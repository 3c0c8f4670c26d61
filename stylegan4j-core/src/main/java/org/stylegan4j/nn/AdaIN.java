package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * Adaptive instance normalisation, paper equation 1: instance norm followed by the style from A, computed as one
 * engine operator ({@link InstanceNorm#modulate}).
 */
public final class AdaIN {

    private final StyleMod styleMod;

    /**
     * @param store parameter store
     * @param name scope name of the layer
     * @param dlatentSize size of w
     * @param channels channels
     */
    public AdaIN(ParameterStore store, String name, int dlatentSize, int channels) {
        this.styleMod = new StyleMod(store, name, dlatentSize, channels);
    }

    /**
     * @param x activations [N, C, H, W]
     * @param w this layer's w [N, dlatent]
     * @return AdaIN(x, y)
     */
    public NDArray forward(NDArray x, NDArray w) {
        return Scoped.step(x, y -> {
            NDArray[] style = styleMod.scaleAndShift(w);
            return InstanceNorm.modulate(y, style[0], style[1]);
        });
    }

    /** @return multiply-adds times two of the affine transform, one sample */
    public long flops() {
        return styleMod.flops();
    }
}
