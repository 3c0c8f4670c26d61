package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

/** Pixelwise feature normalisation (ProGAN section 4.2; StyleGAN normalises z with it, section 2). */
public final class PixelNorm {

    /** Epsilon inside the root. */
    public static final float EPSILON = 1e-8f;

    private PixelNorm() {
    }

    /**
     * @param x input with features on axis 1
     * @return x / sqrt(mean over axis 1 of x^2 + 1e-8)
     */
    public static NDArray apply(NDArray x) {
        return x.div(x.square().mean(new int[] {1}, true).add(EPSILON).sqrt());
    }
}
