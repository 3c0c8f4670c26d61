package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * The 2x downsampling convolution of D (appendix C): 3x3 conv then 2x2 average below 128x128, and
 * from 128x128 up the official fused form, a stride-2 4x4 convolution with a quarter of the
 * 4-tap summed kernel (exactly equal to conv + average pooling). Being equal, the strided form also
 * computes the unfused layer from a 16x16 input up, in 4/9 of the multiply-adds, where it is the
 * faster of the two on our CPUs.
 */
public final class Conv2dDownscale2d {

    /** Smallest input height from which the unfused form runs as the strided convolution. */
    static final int STRIDED_MIN_INPUT = 16;

    private final Conv2d conv;
    private final boolean fused;

    /**
     * Registers {@code <name>.weight} [out, in, 3, 3] (no bias: the caller adds it).
     *
     * @param store parameter store
     * @param name scope name
     * @param in input channels
     * @param out output channels
     * @param fused whether to use the fused strided convolution
     */
    public Conv2dDownscale2d(ParameterStore store, String name, int in, int out, boolean fused) {
        this.conv = new Conv2d(store, name, in, out, 3, EqualizedLr.RELU_GAIN, false);
        this.fused = fused;
    }

    /**
     * @param x input [N, in, H, W]
     * @return output [N, out, H/2, W/2]
     */
    public NDArray forward(NDArray x) {
        if (!fused && x.getShape().get(2) < STRIDED_MIN_INPUT) {
            return Downscale2d.apply(conv.forward(x), 2);
        }
        NDArray k = Tensors.scale(Upscale2dConv2d.fusedKernel(conv.effectiveWeight()), 0.25);
        return Conv2d.correlate(x, k, 2, 1);
    }

    /**
     * @param hIn input height
     * @param wIn input width
     * @return multiply-adds times two for one sample
     */
    public long flops(int hIn, int wIn) {
        if (fused || hIn >= STRIDED_MIN_INPUT) {
            return 2L * 16 * conv.in() * conv.out() * (hIn / 2) * (wIn / 2);
        }
        return conv.flops(hIn, wIn);
    }
}
