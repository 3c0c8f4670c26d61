package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The 2x upsampling convolution of G (appendix C): nearest upscale then 3x3 conv below 128x128,
 * and from 128x128 up the official fused form, a stride-2 transposed convolution with the
 * 4-tap summed 4x4 kernel (no division by 4). That transposed convolution equals nearest upscale
 * plus a 3x3 convolution with the spatially flipped kernel, which is how it is computed here
 * (DJL's PyTorch engine has no transposed convolution).
 */
public final class Upscale2dConv2d {

    private final Conv2d conv;
    private final boolean fused;

    /**
     * Registers {@code <name>.weight} [out, in, 3, 3] (no bias: the layer epilogue adds it).
     *
     * @param store parameter store
     * @param name scope name
     * @param in input channels
     * @param out output channels
     * @param fused whether to use the fused transposed convolution
     */
    public Upscale2dConv2d(ParameterStore store, String name, int in, int out, boolean fused) {
        this.conv = new Conv2d(store, name, in, out, 3, EqualizedLr.RELU_GAIN, false);
        this.fused = fused;
    }

    /**
     * @param x input [N, in, H, W]
     * @return output [N, out, 2H, 2W]
     */
    public NDArray forward(NDArray x) {
        if (!fused) {
            return conv.forward(Upscale2d.apply(x, 2));
        }
        return ai.djl.nn.convolutional.Conv2d.conv2d(Upscale2d.apply(x, 2), conv.effectiveWeight().flip(2, 3), null,
                new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
    }

    /**
     * The official 4x4 fused kernel: zero-pad the 3x3 kernel to 5x5 and add its four shifted
     * 4x4 windows.
     *
     * @param w effective weight [out, in, 3, 3]
     * @return [out, in, 4, 4]
     */
    static NDArray fusedKernel(NDArray w) {
        NDArray p = w.pad(new Shape(1, 1, 1, 1), 0);
        return p.get(":, :, 1:, 1:").add(p.get(":, :, :-1, 1:")).add(p.get(":, :, 1:, :-1")).add(p.get(":, :, :-1, :-1"));
    }

    /** @return whether the fused form is used */
    public boolean fused() {
        return fused;
    }

    /**
     * @param hIn input height
     * @param wIn input width
     * @return multiply-adds times two for one sample
     */
    public long flops(int hIn, int wIn) {
        if (fused) {
            return 2L * 16 * conv.in() * conv.out() * hIn * wIn;
        }
        return conv.flops(2 * hIn, 2 * wIn);
    }
}
