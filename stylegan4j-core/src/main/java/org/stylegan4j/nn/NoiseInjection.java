package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Per-pixel noise with learned per-channel strength, the paper's B (section 2, figure 1b):
 * x + noise[N, 1, H, W] * weight[C], weight initialised to zero.
 */
public final class NoiseInjection {

    private final NDArray weight;
    private final int channels;

    /**
     * Registers {@code <name>.Noise.weight} [C].
     *
     * @param store parameter store
     * @param name scope name of the layer
     * @param channels channels C
     */
    public NoiseInjection(ParameterStore store, String name, int channels) {
        this.channels = channels;
        this.weight = store.create(name + ".Noise.weight", new Shape(channels), true, ParameterStore.Init.zeros());
    }

    /**
     * @param x input [N, C, H, W]
     * @param noise single-channel noise [N or 1, 1, H, W], or null for no noise
     * @return x plus the scaled noise, a new tensor (x itself for no noise)
     */
    public NDArray forward(NDArray x, NDArray noise) {
        if (noise == null) {
            return x;
        }
        NDArray term = noise.mul(weight.reshape(1, channels, 1, 1));
        // x is added into the scaled noise, a tensor of our own that the product's gradient does not need
        return term.getShape().equals(x.getShape()) ? term.addi(x) : x.add(term);
    }
}
