package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Stride-1 'SAME' convolution with equalized learning rate (appendix C); weight stored as
 * [out, in, k, k] (PyTorch layout; the official TF layout [k, k, in, out] permuted by (3, 2, 0, 1)).
 * The bias is added after the convolution, not passed to it: with a bias, the convolution of DJL 0.36 /
 * PyTorch 2.7.1 on CPU returned wrong gradients with respect to its input (GradientCheckTest).
 */
public final class Conv2d {

    /** Channel counts of the engine's convolutions are padded to a multiple of this, AVX-512's 16 floats ({@link #correlate}). */
    static final int CHANNEL_BLOCK = 16;

    /** Largest single-image input PyTorch 2.7.1 keeps from oneDNN for small kernels ({@link #belowOneDnnThreshold}). */
    static final long ONEDNN_MIN_ELEMENTS = 20480;

    private final NDArray weight;
    private final NDArray bias;
    private final float coef;
    private final int in;
    private final int out;
    private final int kernel;

    /**
     * Creates the layer and registers {@code <name>.weight} (and {@code <name>.bias} if asked).
     *
     * @param store parameter store
     * @param name scope name
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size (1 or 3)
     * @param gain He gain
     * @param withBias whether the convolution adds its own bias
     */
    public Conv2d(ParameterStore store, String name, int in, int out, int kernel, double gain, boolean withBias) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.weight = store.create(name + ".weight", new Shape(out, in, kernel, kernel), true,
                ParameterStore.Init.normal(1.0));
        this.coef = EqualizedLr.coefficient(gain, (long) in * kernel * kernel, 1.0);
        this.bias = withBias ? store.create(name + ".bias", new Shape(out), true, ParameterStore.Init.zeros()) : null;
    }

    /**
     * @param x input [N, in, H, W]
     * @return output [N, out, H, W]
     */
    public NDArray forward(NDArray x) {
        if (kernel == 1) {
            return pointwise(x);
        }
        NDArray y = correlate(x, effectiveWeight(), 1, kernel / 2);
        return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
    }

    /**
     * Cross-correlation through the engine, exact for every channel count. oneDNN's direct convolution in
     * PyTorch 2.7.1 returned wrong values on our CPUs (errors of order 10, and NaN, at random between
     * identical calls) for input channel counts that are not a multiple of its vector block (8 floats for
     * AVX2, 16 for AVX-512: 24 input channels were wrong with AVX-512, 17 with both), such as the 129 or
     * 513 channels after D's minibatch-stddev layer, and wrong input gradients for small output channel
     * counts (2, 4). Zero channels appended to the input, the kernel and the output, up to a multiple of 16,
     * leave the result unchanged and avoid those kernels ({@code ConvChannelPaddingTest}, which runs with
     * whatever instruction set the CPU has; until the block was 16, training had to restrict oneDNN to AVX2).
     *
     * @param x input [N, in, H, W]
     * @param w kernel [out, in, k, k]
     * @param stride stride in both directions
     * @param padding zero padding on every side
     * @return [N, out, H', W']
     */
    public static NDArray correlate(NDArray x, NDArray w, int stride, int padding) {
        long in = w.getShape().get(1);
        long out = w.getShape().get(0);
        long extraIn = padding(in);
        long extraOut = padding(out);
        NDArray k = w;
        NDManager scope = x.getManager();
        if (extraIn > 0) {
            x = withZeroChannels(x, 1, extraIn, scope);
            k = withZeroChannels(k, 1, extraIn, scope);
        }
        if (extraOut > 0) {
            k = withZeroChannels(k, 0, extraOut, scope);
        }
        boolean pair = belowOneDnnThreshold(x, k);
        if (pair) {
            x = x.concat(x.zerosLike(), 0);
        }
        NDArray y = EngineKernels.conv2d(x, k, stride, padding, 1);
        if (pair) {
            y = y.get("0:1");
        }
        return extraOut > 0 ? y.get(":, 0:" + out) : y;
    }

    /**
     * {@code a} with {@code extra} zero slices appended along {@code axis}, attached to the input's scope: a padded
     * copy of a long-lived kernel (the digit classifier's) would otherwise stay in the kernel's manager for as long
     * as the network lives, one copy per call.
     */
    private static NDArray withZeroChannels(NDArray a, int axis, long extra, NDManager scope) {
        NDArray padded = a.pad(new Shape(axisPadding(a.getShape().dimension(), axis, extra)), 0);
        padded.attach(scope);
        return padded;
    }

    /** DJL's pad widths (last axis first, before and after) that append {@code extra} along {@code axis}. */
    private static long[] axisPadding(int dims, int axis, long extra) {
        long[] widths = new long[2 * (dims - axis)];
        widths[widths.length - 1] = extra;
        return widths;
    }

    /**
     * Whether PyTorch 2.7.1 would not give this convolution to oneDNN: one image of at most
     * {@value #ONEDNN_MIN_ELEMENTS} elements with a kernel of at most 3 in some direction
     * ({@code ConvParams::use_mkldnn}). Such a convolution runs im2col and a matrix product instead, and on its way
     * the engine probes NNPACK, which prints "Could not initialize NNPACK! Reason: Unsupported hardware." on
     * stderr on the CPUs NNPACK does not know (an Intel Xeon among ours). {@link #correlate} runs it as a batch of
     * two, the second image zero, and keeps the first result: the same values from oneDNN, no probe, no
     * warning ({@code ConvChannelPaddingTest} checks the backend with the engine's profiler).
     */
    private static boolean belowOneDnnThreshold(NDArray x, NDArray k) {
        Shape ks = k.getShape();
        return x.getShape().get(0) == 1 && x.size() <= ONEDNN_MIN_ELEMENTS && (ks.get(2) <= 3 || ks.get(3) <= 3);
    }

    /** Zero channels that bring a count to a multiple of {@value #CHANNEL_BLOCK}. */
    private static long padding(long channels) {
        return (CHANNEL_BLOCK - channels % CHANNEL_BLOCK) % CHANNEL_BLOCK;
    }

    /**
     * A 1x1 convolution as a matrix product over channels, the weight [out, in] times each image's [in, H*W]: no
     * transposes, the result already in [N, out, H, W] order. ToRGB and FromRGB have 1 or 3 image
     * channels on one side; oneDNN's convolution kernels of PyTorch 2.7.1 returned wrong or NaN
     * values for such channel counts on our CPUs, the matrix product does not.
     */
    private NDArray pointwise(NDArray x) {
        Shape s = x.getShape();
        NDArray y = effectiveWeight().reshape(out, in).matMul(x.reshape(s.get(0), in, s.get(2) * s.get(3)));
        if (bias != null) {
            y = y.add(bias.reshape(out, 1));
        }
        return y.reshape(s.get(0), out, s.get(2), s.get(3));
    }

    /** @return the stored weight times its runtime coefficient, [out, in, k, k] */
    public NDArray effectiveWeight() {
        return Tensors.scale(weight, coef);
    }

    /**
     * @param h output height
     * @param w output width
     * @return multiply-adds times two for one sample
     */
    public long flops(int h, int w) {
        return 2L * in * out * kernel * kernel * h * w;
    }

    /** @return the bias, or null */
    public NDArray bias() {
        return bias;
    }

    /** @return input channels */
    public int in() {
        return in;
    }

    /** @return output channels */
    public int out() {
        return out;
    }
}
