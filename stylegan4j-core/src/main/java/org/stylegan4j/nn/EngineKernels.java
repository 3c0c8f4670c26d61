package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's two heavy kernels as the networks call them, convolution and matrix product, and a record of the
 * calls a piece of work makes on its thread. The benchmarks replay the recorded calls one by one, each alone and
 * warm, to tell how fast a pass could be if it did nothing but its convolutions or matrix products at the engine's
 * own rate ({@code bench generate}: the convolution floor and the mapping network's matrix-product floor).
 * Every convolution and dense layer of the networks goes through here ({@link Conv2d#correlate}, {@link Blur},
 * {@link Dense}); recording costs one thread-local read per call when nothing records.
 */
public final class EngineKernels {

    /** What kind of kernel a call ran. */
    public enum Kind {
        /** A 2-D convolution. */
        CONVOLUTION,
        /** A matrix product x W^T (+ b) of a dense layer. */
        LINEAR
    }

    /**
     * One engine call, as made.
     *
     * @param kind the kernel
     * @param input input shape ([N, C, H, W] or [N, in])
     * @param weight kernel [O, C / groups, kh, kw] or dense weight [out, in]
     * @param stride convolution stride (1 for a matrix product)
     * @param padding convolution zero padding on every side (0 for a matrix product)
     * @param groups convolution groups (1 for a matrix product)
     * @param bias whether a matrix product added a bias
     */
    public record Call(Kind kind, Shape input, Shape weight, int stride, int padding, int groups, boolean bias) {

        /** @return multiply-adds times two */
        public long flops() {
            if (kind == Kind.LINEAR) {
                return 2L * input.get(0) * weight.get(0) * weight.get(1);
            }
            long oh = (input.get(2) + 2L * padding - weight.get(2)) / stride + 1;
            long ow = (input.get(3) + 2L * padding - weight.get(3)) / stride + 1;
            return 2L * input.get(0) * weight.get(0) * weight.get(1) * weight.get(2) * weight.get(3) * oh * ow;
        }
    }

    private static final ThreadLocal<List<Call>> RECORDING = new ThreadLocal<>();

    private EngineKernels() {
    }

    /**
     * @param work the work to run on this thread
     * @return the convolutions and matrix products it called, in order
     */
    public static List<Call> recordedDuring(Runnable work) {
        List<Call> outer = RECORDING.get();
        List<Call> calls = new ArrayList<>();
        RECORDING.set(calls);
        try {
            work.run();
        } finally {
            if (outer == null) {
                RECORDING.remove();
            } else {
                RECORDING.set(outer);
            }
        }
        return calls;
    }

    /**
     * The engine's convolution (cross-correlation), no bias.
     *
     * @param x input [N, C, H, W]
     * @param k kernel [O, C / groups, kh, kw]
     * @param stride stride in both directions
     * @param padding zero padding on every side
     * @param groups groups
     * @return the output
     */
    public static NDArray conv2d(NDArray x, NDArray k, int stride, int padding, int groups) {
        List<Call> calls = RECORDING.get();
        if (calls != null) {
            calls.add(new Call(Kind.CONVOLUTION, x.getShape(), k.getShape(), stride, padding, groups, false));
        }
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, k, null, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), groups).singletonOrThrow();
    }

    /**
     * The engine's matrix product of a dense layer.
     *
     * @param x input [N, in]
     * @param w weight [out, in]
     * @param b bias [out], or null
     * @return x W^T + b, [N, out]
     */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        List<Call> calls = RECORDING.get();
        if (calls != null) {
            calls.add(new Call(Kind.LINEAR, x.getShape(), w.getShape(), 1, 0, 1, b != null));
        }
        return Linear.linear(x, w, b).singletonOrThrow();
    }
}
