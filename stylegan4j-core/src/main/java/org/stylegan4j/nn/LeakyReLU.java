package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Leaky ReLU with slope 0.2 (appendix C; the gain lives in the weights' He scaling, not here). */
public final class LeakyReLU {

    /** Negative slope. */
    public static final float ALPHA = 0.2f;

    private LeakyReLU() {
    }

    /**
     * @param x input
     * @return max(x, 0.2 x)
     */
    public static NDArray apply(NDArray x) {
        return Activation.leakyRelu(x, ALPHA);
    }
}
