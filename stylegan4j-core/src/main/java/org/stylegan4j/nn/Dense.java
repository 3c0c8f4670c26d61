package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Fully-connected layer with equalized learning rate (appendix C); weight stored as [out, in]
 * (PyTorch's Linear layout; the official TF layout [in, out] is its transpose).
 */
public final class Dense {

    private final NDArray weight;
    private final NDArray bias;
    private final float coef;
    private final float biasMul;
    private final int in;
    private final int out;

    /**
     * Creates the layer and registers {@code <name>.weight} and, with a bias, {@code <name>.bias}.
     *
     * @param store parameter store
     * @param name scope name
     * @param in input features
     * @param out output features
     * @param gain He gain
     * @param lrMul learning-rate multiplier (also scales the bias)
     * @param withBias whether the layer has its own bias
     */
    public Dense(ParameterStore store, String name, int in, int out, double gain, double lrMul, boolean withBias) {
        this.in = in;
        this.out = out;
        this.weight = store.create(name + ".weight", new Shape(out, in), true,
                ParameterStore.Init.normal(EqualizedLr.initStd(lrMul)));
        this.coef = EqualizedLr.coefficient(gain, in, lrMul);
        this.bias = withBias ? store.create(name + ".bias", new Shape(out), true, ParameterStore.Init.zeros()) : null;
        this.biasMul = (float) lrMul;
    }

    /**
     * @param x input [N, in]
     * @return x W^T coef + b lrmul, [N, out]
     */
    public NDArray forward(NDArray x) {
        NDArray b = bias == null ? null : (biasMul == 1f ? bias : Tensors.scale(bias, biasMul));
        return EngineKernels.linear(x, Tensors.scale(weight, coef), b);
    }

    /** @return multiply-adds times two for one sample */
    public long flops() {
        return 2L * in * out;
    }

    /** @return the runtime weight coefficient */
    public float coefficient() {
        return coef;
    }
}
