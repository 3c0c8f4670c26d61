package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Instance normalisation, the normalising half of AdaIN (paper equation 1): per sample and channel over H, W,
 * (x - mean) / sqrt(biased variance + 1e-8), followed by a per-sample, per-channel scale and shift (the style).
 *
 * <p>From 8x8 up it runs as one engine operator, not as the seven element-wise passes of its direct form: instance
 * norm of [N, C, H, W] is batch norm in training mode of the same memory viewed as [1, N*C, H, W] (one "channel"
 * per sample and channel, statistics over H and W, the biased variance), and batch norm's per-channel affine weight
 * and bias are then exactly the per-sample style; the running statistics batch norm keeps are thrown away. At 4x4
 * the direct form stays: there the learned constant enters, all ones at initialisation, and only the direct form
 * keeps x - mean of a constant channel exactly zero (batch norm computes x * a + b, whose rounding 1/sqrt(1e-8)
 * would amplify). {@code LayersTest} checks the two forms against each other, values and gradients.
 */
public final class InstanceNorm {

    /** Epsilon inside the root (the official 1e-8, not PyTorch's 1e-5). */
    public static final float EPSILON = 1e-8f;

    /** Smallest number of pixels (H * W) normalised by the one-operator form. */
    static final long FUSED_MIN_PIXELS = 64;

    private InstanceNorm() {
    }

    /**
     * @param x input [N, C, H, W]
     * @return (x - mean) / sqrt(biased variance + 1e-8), per sample and channel
     */
    public static NDArray apply(NDArray x) {
        NDArray centred = x.sub(meanHw(x));
        return centred.div(meanHw(centred.square()).add(EPSILON).sqrt());
    }

    /**
     * Instance norm followed by a scale and shift per sample and channel.
     *
     * @param x input [N, C, H, W]
     * @param scale [N, C]
     * @param shift [N, C]
     * @return instance-normalised x times scale plus shift, [N, C, H, W]
     */
    public static NDArray modulate(NDArray x, NDArray scale, NDArray shift) {
        Shape shape = x.getShape();
        return shape.get(2) * shape.get(3) >= FUSED_MIN_PIXELS ? fused(x, scale, shift) : direct(x, scale, shift);
    }

    /** The direct form: {@link #apply}, then multiply and add. */
    static NDArray direct(NDArray x, NDArray scale, NDArray shift) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        return apply(x).mul(scale.reshape(n, c, 1, 1)).add(shift.reshape(n, c, 1, 1));
    }

    /** The one-operator form: batch norm over [1, N*C, H, W] with the style as its affine weight and bias. */
    static NDArray fused(NDArray x, NDArray scale, NDArray shift) {
        Shape shape = x.getShape();
        long nc = shape.get(0) * shape.get(1);
        NDManager m = x.getManager();
        NDArray runningMean = m.zeros(new Shape(nc));
        NDArray runningVar = m.ones(new Shape(nc));
        NDArray y = JniUtils.batchNorm((PtNDArray) x.reshape(1, nc, shape.get(2), shape.get(3)),
                (PtNDArray) runningMean, (PtNDArray) runningVar, (PtNDArray) scale.reshape(nc),
                (PtNDArray) shift.reshape(nc), true, 0.0, EPSILON);
        return y.reshape(shape);
    }

    /** Mean over H and W, kept as [N, C, 1, 1] (the engine reduces one axis at a time). */
    private static NDArray meanHw(NDArray x) {
        return x.mean(new int[] {3}, true).mean(new int[] {2}, true);
    }
}
