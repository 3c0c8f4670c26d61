package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

/** The 1x1 convolution that turns features into an image at one resolution (appendix C): gain 1, bias, no activation. */
public final class ToRGB {

    private final Conv2d conv;

    /**
     * Registers {@code <name>.weight} [channels, in, 1, 1] and {@code <name>.bias}.
     *
     * @param store parameter store
     * @param name scope name, e.g. ToRGB_lod0
     * @param in feature channels
     * @param channels image channels (3 for RGB, 1 for grayscale)
     */
    public ToRGB(ParameterStore store, String name, int in, int channels) {
        this.conv = new Conv2d(store, name, in, channels, 1, 1.0, true);
    }

    /**
     * @param x features [N, in, H, W]
     * @return image [N, channels, H, W]
     */
    public NDArray forward(NDArray x) {
        return conv.forward(x);
    }

    /**
     * @param h height
     * @param w width
     * @return multiply-adds times two for one sample
     */
    public long flops(int h, int w) {
        return conv.flops(h, w);
    }
}
