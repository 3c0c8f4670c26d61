package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * Stride-1 'SAME' convolution with equalized learning rate (appendix C); weight stored as
 * [out, in, k, k] (PyTorch layout; the official TF layout [k, k, in, out] permuted by (3, 2, 0, 1)).
 * The bias is added after the convolution, not passed to it: with a bias, the convolution of DJL 0.36 /
 * PyTorch 2.7.1 on CPU returned wrong gradients with respect to its input (GradientCheckTest).
 */
public final class Conv2d {

    private final NDArray weight;
    private final NDArray bias;
    private final float coef;
    private final int in;
    private final int out;
    private final int kernel;

    /**
     * Creates the layer and registers {@code <name>.weight} (and {@code <name>.bias} if asked).
     *
     * @param store parameter store
     * @param name scope name
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size (1 or 3)
     * @param gain He gain
     * @param withBias whether the convolution adds its own bias
     */
    public Conv2d(ParameterStore store, String name, int in, int out, int kernel, double gain, boolean withBias) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.weight = store.create(name + ".weight", new Shape(out, in, kernel, kernel), true,
                ParameterStore.Init.normal(1.0));
        this.coef = EqualizedLr.coefficient(gain, (long) in * kernel * kernel, 1.0);
        this.bias = withBias ? store.create(name + ".bias", new Shape(out), true, ParameterStore.Init.zeros()) : null;
    }

    /**
     * @param x input [N, in, H, W]
     * @return output [N, out, H, W]
     */
    public NDArray forward(NDArray x) {
        if (kernel == 1) {
            return pointwise(x);
        }
        int p = kernel / 2;
        NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, effectiveWeight(), null,
                new Shape(1, 1), new Shape(p, p), new Shape(1, 1), 1).singletonOrThrow();
        return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
    }

    /**
     * A 1x1 convolution as a matrix product over channels. ToRGB and FromRGB have 1 or 3 image
     * channels on one side; oneDNN's convolution kernels of PyTorch 2.7.1 returned wrong or NaN
     * values for such channel counts on our CPUs, the matrix product does not.
     */
    private NDArray pointwise(NDArray x) {
        NDArray w = effectiveWeight().reshape(out, in);
        NDArray y = Linear.linear(x.transpose(0, 2, 3, 1), w, bias).singletonOrThrow();
        return y.transpose(0, 3, 1, 2);
    }

    /** @return the stored weight times its runtime coefficient, [out, in, k, k] */
    public NDArray effectiveWeight() {
        return Tensors.scale(weight, coef);
    }

    /**
     * @param h output height
     * @param w output width
     * @return multiply-adds times two for one sample
     */
    public long flops(int h, int w) {
        return 2L * in * out * kernel * kernel * h * w;
    }

    /** @return the bias, or null */
    public NDArray bias() {
        return bias;
    }

    /** @return input channels */
    public int in() {
        return in;
    }

    /** @return output channels */
    public int out() {
        return out;
    }
}
