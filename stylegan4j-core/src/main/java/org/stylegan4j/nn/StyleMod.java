package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * The learned affine transform A (section 2): w maps to a per-channel style (y_s, y_b) that
 * modulates the normalised activations as x * (y_s + 1) + y_b, gain 1, bias initialised to zero.
 */
public final class StyleMod {

    private final Dense dense;
    private final int channels;

    /**
     * Registers {@code <name>.StyleMod.weight} [2C, dlatent] and {@code <name>.StyleMod.bias} [2C].
     *
     * @param store parameter store
     * @param name scope name of the layer
     * @param dlatentSize size of w
     * @param channels channels C
     */
    public StyleMod(ParameterStore store, String name, int dlatentSize, int channels) {
        this.channels = channels;
        this.dense = new Dense(store, name + ".StyleMod", dlatentSize, 2 * channels, 1.0, 1.0, true);
    }

    /**
     * @param w this layer's w [N, dlatent]
     * @return the multiplier y_s + 1 and the shift y_b, each [N, C]
     */
    public NDArray[] scaleAndShift(NDArray w) {
        NDArray style = dense.forward(w);
        return new NDArray[] {style.get(":, :" + channels).add(1f), style.get(":, " + channels + ":")};
    }

    /** @return multiply-adds times two for one sample */
    public long flops() {
        return dense.flops();
    }
}
