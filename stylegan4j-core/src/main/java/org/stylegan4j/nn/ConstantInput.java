package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** The learned constant 4x4 input that replaces the traditional latent input (section 2), initialised to ones. */
public final class ConstantInput {

    private final NDArray constant;

    /**
     * Registers {@code <name>.const} [1, C, 4, 4].
     *
     * @param store parameter store
     * @param name scope name
     * @param channels channels C
     */
    public ConstantInput(ParameterStore store, String name, int channels) {
        this.constant = store.create(name + ".const", new Shape(1, channels, 4, 4), true, ParameterStore.Init.ones());
    }

    /**
     * @param n batch size
     * @return the constant tiled to [n, C, 4, 4]
     */
    public NDArray forward(long n) {
        return constant.repeat(0, n);
    }
}
