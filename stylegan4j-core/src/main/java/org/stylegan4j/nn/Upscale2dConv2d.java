package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The 2x upsampling convolution of G (appendix C): nearest upscale then 3x3 conv below 128x128,
 * and from 128x128 up the official fused form, a stride-2 transposed convolution with the
 * 4-tap summed 4x4 kernel (no division by 4; equal to nearest + conv with the flipped kernel).
 * DJL's PyTorch engine has no transposed convolution, so the fused form runs as its exact polyphase
 * equivalent: one 2x2 convolution producing the four output phases, interleaved.
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
        return transposedStride2(x, fusedKernel(conv.effectiveWeight()));
    }

    /**
     * {@code conv_transpose2d(x, k, stride 2, padding 1)} with a 4x4 kernel, computed as four 2x2
     * convolutions: output pixel (2m + a, 2n + b) takes the taps {@code flip(k)[a::2, b::2]} over input
     * rows m - 1 + a .. m + a and columns n - 1 + b .. n + b (zero outside).
     *
     * @param x input [N, in, H, W]
     * @param k kernel [out, in, 4, 4]
     * @return [N, out, 2H, 2W]
     */
    private static NDArray transposedStride2(NDArray x, NDArray k) {
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long out = k.getShape().get(0);
        NDArray flipped = k.flip(2, 3);
        NDArray phases = NDArrays.concat(new NDList(
                flipped.get(":, :, 0::2, 0::2"), flipped.get(":, :, 0::2, 1::2"),
                flipped.get(":, :, 1::2, 0::2"), flipped.get(":, :, 1::2, 1::2")), 0);
        NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, phases, null,
                new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
        NDList rows = new NDList();
        for (int a = 0; a < 2; a++) {
            NDList cols = new NDList();
            for (int b = 0; b < 2; b++) {
                long c = (2L * a + b) * out;
                cols.add(y.get(":, " + c + ":" + (c + out) + ", " + a + ":" + (a + h) + ", " + b + ":" + (b + w)));
            }
            rows.add(NDArrays.stack(cols, 4));
        }
        return NDArrays.stack(rows, 3).reshape(n, out, 2 * h, 2 * w);
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
