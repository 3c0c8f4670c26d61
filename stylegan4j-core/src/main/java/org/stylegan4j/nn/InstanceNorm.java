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
        int[] hw = {2, 3};
        NDArray centred = x.sub(x.mean(hw, true));
        return centred.div(centred.square().mean(hw, true).add(EPSILON).sqrt());
    }
}
