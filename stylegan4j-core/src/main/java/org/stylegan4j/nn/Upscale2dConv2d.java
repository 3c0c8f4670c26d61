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
 * equivalent: one 2x2 convolution producing the four output phases, interleaved. The same
 * polyphase convolution, with the summed kernel unflipped, computes nearest upscale + 3x3 conv
 * exactly in 4/9 of the multiply-adds; it replaces it from an 8x8 input up, where it is the faster
 * of the two on our CPUs (the 4x4 input, with the widest layers and the fewest pixels, keeps the
 * direct form). The phases of the kernel are computed on every pass while training, once for a frozen network
 * ({@link DerivedWeight}).
 */
public final class Upscale2dConv2d {

    /** Smallest input height from which the unfused form runs as the polyphase convolution. */
    static final int POLYPHASE_MIN_INPUT = 8;

    /** The 0/1 matrix [9, 16] of {@link #fusedKernel}, built once. */
    private static final float[] FUSED_TAPS = fusedTaps();

    private final Conv2d conv;
    private final boolean fused;
    private final DerivedWeight phases;

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
        this.phases = new DerivedWeight(store, () -> phases(fused ? fusedKernel(conv.effectiveWeight()).flip(2, 3)
                : fusedKernel(conv.effectiveWeight())));
    }

    /**
     * @param x input [N, in, H, W]
     * @return output [N, out, 2H, 2W]
     */
    public NDArray forward(NDArray x) {
        if (!fused && x.getShape().get(2) < POLYPHASE_MIN_INPUT) {
            return conv.forward(Upscale2d.apply(x, 2));
        }
        return polyphase(x, phases.get());
    }

    /**
     * A 2x upsampling with a 4x4 kernel k, as one convolution producing its four output phases: output
     * pixel (2m + a, 2n + b) takes the taps {@code k[a::2, b::2]} over input
     * rows m - 1 + a .. m + a and columns n - 1 + b .. n + b (zero outside). With {@code k} the flipped
     * fused kernel this is {@code conv_transpose2d(x, fused, stride 2, padding 1)}; with the unflipped
     * summed kernel it is nearest upscale + 3x3 conv.
     *
     * @param x input [N, in, H, W]
     * @param phases the kernel's phases, [4 * out, in, 2, 2] (see {@link #phases})
     * @return [N, out, 2H, 2W]
     */
    private static NDArray polyphase(NDArray x, NDArray phases) {
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long out = phases.getShape().get(0) / 4;
        NDArray y = Conv2d.correlate(x, phases, 1, 1);
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
     * @param k kernel [out, in, 4, 4]
     * @return its four phases {@code k[a::2, b::2]} in the order (0, 0), (0, 1), (1, 0), (1, 1), [4 * out, in, 2, 2]
     */
    private static NDArray phases(NDArray k) {
        return NDArrays.concat(new NDList(k.get(":, :, 0::2, 0::2"), k.get(":, :, 0::2, 1::2"),
                k.get(":, :, 1::2, 0::2"), k.get(":, :, 1::2, 1::2")), 0);
    }

    /**
     * The official 4x4 fused kernel: zero-pad the 3x3 kernel to 5x5 and add its four shifted
     * 4x4 windows. Computed as one matrix product of the 9 taps with the 0/1 matrix that says which taps add up
     * to each of the 16 (tap (i, j) reaches rows i, i + 1 and columns j, j + 1), one pass over the weight where
     * padding, slicing and adding took eight (and as many again for its gradient).
     *
     * @param w effective weight [out, in, 3, 3]
     * @return [out, in, 4, 4]
     */
    static NDArray fusedKernel(NDArray w) {
        long out = w.getShape().get(0);
        long in = w.getShape().get(1);
        NDArray sum = Tensors.owned(w.getManager(), FUSED_TAPS, new Shape(9, 16));
        return w.reshape(out * in, 9).matMul(sum).reshape(out, in, 4, 4);
    }

    /** Row t = 3i + j: 1 at the 4x4 positions (r, c) that tap (i, j) reaches, r in {i, i+1}, c in {j, j+1}. */
    private static float[] fusedTaps() {
        float[] taps = new float[9 * 16];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int r = i; r <= i + 1; r++) {
                    for (int c = j; c <= j + 1; c++) {
                        taps[(i * 3 + j) * 16 + r * 4 + c] = 1f;
                    }
                }
            }
        }
        return taps;
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
        if (fused || hIn >= POLYPHASE_MIN_INPUT) {
            return 2L * 16 * conv.in() * conv.out() * hIn * wIn;
        }
        return conv.flops(2 * hIn, 2 * wIn);
    }
}
