package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.bench.OpProfile;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Conv2d#correlate} against a direct double-precision sum, repeated: unpadded, oneDNN returned wrong
 * values at random for 17 or 129 input channels (the 129 after the digits D's minibatch-stddev layer), and with
 * AVX-512 for 24, and wrong input gradients for 4 output channels. Runs with whatever instruction set the CPU has.
 * A single small image goes to oneDNN too, as half of a pair (the engine's profiler names the kernel).
 */
class ConvChannelPaddingTest {

    private static final int H = 5;
    private static final int REPEATS = 100;

    private static float[] gaussians(long seed, int count) {
        Random rng = new Random(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** y, dL/dx and dL/dw of L = sum(y * g) for y = 3x3 'SAME' cross-correlation, summed in double. */
    private static double[][] reference(float[] x, float[] w, float[] g, int n, int in, int out) {
        double[] y = new double[n * out * H * H];
        double[] gx = new double[x.length];
        double[] gw = new double[w.length];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < H; j++) {
                        int yi = ((b * out + o) * H + i) * H + j;
                        for (int c = 0; c < in; c++) {
                            for (int di = -1; di <= 1; di++) {
                                for (int dj = -1; dj <= 1; dj++) {
                                    int ii = i + di;
                                    int jj = j + dj;
                                    if (ii < 0 || jj < 0 || ii >= H || jj >= H) {
                                        continue;
                                    }
                                    int xi = ((b * in + c) * H + ii) * H + jj;
                                    int wi = ((o * in + c) * 3 + di + 1) * 3 + dj + 1;
                                    y[yi] += (double) x[xi] * w[wi];
                                    gx[xi] += (double) g[yi] * w[wi];
                                    gw[wi] += (double) g[yi] * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {y, gx, gw};
    }

    private static double maxError(NDArray a, double[] expected) {
        float[] v = a.toFloatArray();
        assertEquals(expected.length, v.length);
        double worst = 0;
        for (int i = 0; i < v.length; i++) {
            worst = Math.max(worst, Float.isNaN(v[i]) ? Double.POSITIVE_INFINITY : Math.abs(v[i] - expected[i]));
        }
        return worst;
    }

    private static void check(int n, int in, int out) {
        float[] xv = gaussians(1, n * in * H * H);
        float[] wv = gaussians(2, out * in * 9);
        float[] gv = gaussians(3, n * out * H * H);
        double[][] expected = reference(xv, wv, gv, n, in, out);
        double worstY = 0;
        double worstX = 0;
        double worstW = 0;
        try (NDManager m = Engines.newManager()) {
            for (int rep = 0; rep < REPEATS; rep++) {
                try (NDManager s = m.newSubManager(); Autograd.Recording r = Autograd.record()) {
                    NDArray x = Tensors.owned(s, xv, new Shape(n, in, H, H));
                    NDArray w = Tensors.owned(s, wv, new Shape(out, in, 3, 3));
                    x.setRequiresGradient(true);
                    w.setRequiresGradient(true);
                    NDArray y = Conv2d.correlate(x, w, 1, 1);
                    Autograd.backward(y.mul(Tensors.owned(s, gv, y.getShape())));
                    worstY = Math.max(worstY, maxError(y, expected[0]));
                    worstX = Math.max(worstX, maxError(x.getGradient(), expected[1]));
                    worstW = Math.max(worstW, maxError(w.getGradient(), expected[2]));
                }
            }
        }
        double tolerance = 1e-4 * Math.sqrt(9.0 * Math.max(in, out));
        assertEquals(0, worstY, tolerance, in + " -> " + out + " channels: output");
        assertEquals(0, worstX, tolerance, in + " -> " + out + " channels: input gradient");
        assertEquals(0, worstW, tolerance, in + " -> " + out + " channels: weight gradient");
    }

    @Test
    void paddedCopiesOfALongLivedKernelLiveInTheCallsScope() {
        try (NDManager network = Engines.newManager()) {
            NDArray kernel = network.randomNormal(new Shape(16, 1, 3, 3));
            int before = network.getManagedArrays().size();
            for (int call = 0; call < 5; call++) {
                try (NDManager scope = network.newSubManager()) {
                    Conv2d.correlate(scope.randomNormal(new Shape(4, 1, 8, 8)), kernel, 1, 1).toFloatArray();
                }
            }
            // the digit classifier's first layer (1 input channel, kernel padded to 16) kept a padded kernel per call
            // in its own manager: its memory grew by 60 MB per 1,000 images classified
            assertEquals(before, network.getManagedArrays().size());
        }
    }

    @Test
    void theChannelsAfterTheMinibatchStddevLayerConvolveExactly() {
        check(4, 129, 16);
    }

    @Test
    void oddChannelCountsConvolveExactly() {
        check(4, 17, 16);
        // a multiple of AVX2's 8 floats but not of AVX-512's 16: wrong unpadded with AVX-512
        check(4, 24, 16);
    }

    @Test
    void fewOutputChannelsBackPropagateExactly() {
        check(4, 8, 4);
        check(4, 3, 4);
    }

    @Test
    void oneSmallImageConvolvesExactlyThroughOneDnn() {
        check(1, 24, 16);
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(1, 512, 4, 4));
            NDArray w = m.randomNormal(new Shape(512, 512, 3, 3));
            List<String> ops = OpProfile.of(() -> {
                try (NDManager s = m.newSubManager()) {
                    Conv2d.correlate(x, w, 1, 1).attach(s);
                }
            }, 1000).top().stream().map(OpProfile.Op::name).toList();
            assertTrue(ops.contains("aten::mkldnn_convolution"), ops.toString());
            assertTrue(ops.stream().noneMatch(op -> op.contains("slow_conv2d") || op.contains("nnpack")), ops.toString());
        }
    }
}
