package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

/** Nearest-neighbour upscaling by an integer factor (each pixel copied into an f x f block), as in the official code. */
public final class Upscale2d {

    private Upscale2d() {
    }

    /**
     * @param x input [N, C, H, W]
     * @param factor integer factor (1 returns x)
     * @return [N, C, H*f, W*f]
     */
    public static NDArray apply(NDArray x, int factor) {
        if (factor == 1) {
            return x;
        }
        return x.repeat(2, factor).repeat(3, factor);
    }
}
