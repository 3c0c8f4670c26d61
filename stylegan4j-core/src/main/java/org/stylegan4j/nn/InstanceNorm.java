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
 *
 * <p>Without autograd recording (generating images) a third form runs at every size: the direct form with the style
 * folded into the normalisation, (x - mean) * (scale / sqrt(mean((x - mean)^2) + 1e-8)) + shift, the official
 * two-pass formula in three passes over the activations (the centring, its square, and the multiply-add in place)
 * and two reductions. Warm, on one image, it takes 10.9 ms at 1024x1024 with 16 channels where batch norm takes
 * 18.4 ms, and 2.6 ms against 4.5 ms at 256x256 with 64 channels (docs/benchmark-history.md); like the direct form
 * it keeps a constant channel exact. Training keeps batch norm, whose backward pass is one operator.
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
        if (!Autograd.isRecording()) {
            return folded(x, scale, shift);
        }
        Shape shape = x.getShape();
        return shape.get(2) * shape.get(3) >= FUSED_MIN_PIXELS ? fused(x, scale, shift) : direct(x, scale, shift);
    }

    /** The direct form: {@link #apply}, then multiply and add. */
    static NDArray direct(NDArray x, NDArray scale, NDArray shift) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        return apply(x).mul(scale.reshape(n, c, 1, 1)).add(shift.reshape(n, c, 1, 1));
    }

    /**
     * The form without a gradient: centre, then one multiply-add in place with the per-channel gain
     * scale / sqrt(variance + 1e-8) and the shift. Only for tensors that nothing differentiates (it writes into its
     * own temporary in place).
     */
    static NDArray folded(NDArray x, NDArray scale, NDArray shift) {
        Shape shape = x.getShape();
        long nc = shape.get(0) * shape.get(1);
        NDArray rows = x.reshape(nc, shape.get(2) * shape.get(3));
        NDArray centred = rows.sub(rows.mean(new int[] {1}, true));
        NDArray variance = centred.square().mean(new int[] {1}, true);
        NDArray gain = scale.reshape(nc, 1).div(variance.add(EPSILON).sqrt());
        return centred.muli(gain).addi(shift.reshape(nc, 1)).reshape(shape);
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
