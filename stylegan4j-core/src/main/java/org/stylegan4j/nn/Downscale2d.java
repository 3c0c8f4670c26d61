package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** Box-filter downscaling by an integer factor (f x f average, stride f), as in the official code. */
public final class Downscale2d {

    private Downscale2d() {
    }

    /**
     * @param x input [N, C, H, W]
     * @param factor integer factor (1 returns x)
     * @return [N, C, H/f, W/f]
     */
    public static NDArray apply(NDArray x, int factor) {
        if (factor == 1) {
            return x;
        }
        Shape k = new Shape(factor, factor);
        return Pool.avgPool2d(x, k, k, new Shape(0, 0), false, true);
    }
}
