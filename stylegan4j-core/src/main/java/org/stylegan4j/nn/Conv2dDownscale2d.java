package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The 2x downsampling convolution of D (appendix C): 3x3 conv then 2x2 average below 128x128, and
 * from 128x128 up the official fused form, a stride-2 4x4 convolution with a quarter of the
 * 4-tap summed kernel (exactly equal to conv + average pooling).
 */
public final class Conv2dDownscale2d {

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
        if (!fused) {
            return Downscale2d.apply(conv.forward(x), 2);
        }
        NDArray k = Tensors.scale(Upscale2dConv2d.fusedKernel(conv.effectiveWeight()), 0.25);
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, k, null,
                new Shape(2, 2), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
    }

    /**
     * @param hIn input height
     * @param wIn input width
     * @return multiply-adds times two for one sample
     */
    public long flops(int hIn, int wIn) {
        if (fused) {
            return 2L * 16 * conv.in() * conv.out() * (hIn / 2) * (wIn / 2);
        }
        return conv.flops(hIn, wIn);
    }
}
