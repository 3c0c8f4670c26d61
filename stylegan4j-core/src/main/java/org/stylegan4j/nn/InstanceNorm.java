package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

/** Instance normalisation, the normalising half of AdaIN (paper equation 1): per sample and channel over H, W. */
public final class InstanceNorm {

    /** Epsilon inside the root (the official 1e-8, not PyTorch's 1e-5). */
    public static final float EPSILON = 1e-8f;

    private InstanceNorm() {
    }

    /**
     * @param x input [N, C, H, W]
     * @return (x - mean) / sqrt(biased variance + 1e-8), per sample and channel
     */
    public static NDArray apply(NDArray x) {
        NDArray centred = x.sub(meanHw(x));
        return centred.div(meanHw(centred.square()).add(EPSILON).sqrt());
    }

    /** Mean over H and W, kept as [N, C, 1, 1] (the engine reduces one axis at a time). */
    private static NDArray meanHw(NDArray x) {
        return x.mean(new int[] {3}, true).mean(new int[] {2}, true);
    }
}
