package org.stylegan4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.EngineKernels;
import org.stylegan4j.nn.EngineKernels.Call;
import org.stylegan4j.nn.EngineKernels.Kind;
import org.stylegan4j.nn.Engines;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel calls {@code bench generate} records and replays for its floors ({@link EngineKernels}). */
class KernelFloorTest {

    private static Call conv(long[] input, long[] weight, int padding, int groups) {
        return new Call(Kind.CONVOLUTION, new Shape(input), new Shape(weight), 1, padding, groups, false);
    }

    private static Call linear(int n, int in, int out) {
        return new Call(Kind.LINEAR, new Shape(n, in), new Shape(out, in), 1, 0, 1, true);
    }

    @Test
    void aPassRecordsEveryConvolutionAndMatrixProductAsTheEngineIsAskedForIt() {
        // the small preset at 16x16: 128 channels at 4x4 and 8x8, 64 at 16x16, a 2-layer mapping of 128 features
        try (Generator g = new Generator(ModelConfig.preset("small", 16), 0).freeze();
             NDManager m = Engines.newManager()) {
            NDArray z = m.randomNormal(new Shape(1, 128));
            List<Call> calls = EngineKernels.recordedDuring(() -> {
                try (NDScope scope = new NDScope()) {
                    g.generate(z, Truncation.NONE, Noise.random()).toFloatArray();
                }
            });
            // one image of at most 20480 values goes to the engine as a pair (Conv2d.correlate); the blur does not;
            // 4x4 -> 8x8 is nearest upscale and a 3x3 convolution, 8x8 -> 16x16 the polyphase 2x2 convolution with
            // the four phases as 4 x 64 output channels; each layer's style is a dense layer of 2 x channels
            List<Call> expected = List.of(
                    linear(1, 128, 128), linear(1, 128, 128),
                    linear(1, 128, 256),
                    conv(new long[] {2, 128, 4, 4}, new long[] {128, 128, 3, 3}, 1, 1), linear(1, 128, 256),
                    conv(new long[] {2, 128, 8, 8}, new long[] {128, 128, 3, 3}, 1, 1),
                    conv(new long[] {1, 128, 8, 8}, new long[] {128, 1, 3, 3}, 1, 128), linear(1, 128, 256),
                    conv(new long[] {2, 128, 8, 8}, new long[] {128, 128, 3, 3}, 1, 1), linear(1, 128, 256),
                    conv(new long[] {2, 128, 8, 8}, new long[] {256, 128, 2, 2}, 1, 1),
                    conv(new long[] {1, 64, 16, 16}, new long[] {64, 1, 3, 3}, 1, 64), linear(1, 128, 128),
                    conv(new long[] {2, 64, 16, 16}, new long[] {64, 64, 3, 3}, 1, 1), linear(1, 128, 128));
            assertEquals(expected, calls);
        }
    }

    @Test
    void recordingsNestAndNothingIsRecordedOutsideOne() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.ones(new Shape(2, 3));
            NDArray w = m.ones(new Shape(4, 3));
            AtomicReference<List<Call>> inner = new AtomicReference<>();
            List<Call> outer = EngineKernels.recordedDuring(() -> {
                EngineKernels.linear(x, w, null);
                inner.set(EngineKernels.recordedDuring(() -> EngineKernels.conv2d(x.reshape(1, 1, 2, 3),
                        w.reshape(1, 1, 3, 4).get(":, :, :, 0:3"), 1, 1, 1)));
                EngineKernels.linear(x, w, null);
            });
            EngineKernels.linear(x, w, null);
            Call product = new Call(Kind.LINEAR, new Shape(2, 3), new Shape(4, 3), 1, 0, 1, false);
            assertEquals(List.of(product, product), outer);
            assertEquals(List.of(conv(new long[] {1, 1, 2, 3}, new long[] {1, 1, 3, 3}, 1, 1)), inner.get());
        }
    }

    @Test
    void flopsAreTwiceTheMultiplyAddsOfTheOutput() {
        // 3x3, padding 1: a 4x4 output of 2 images, 5 output channels, 6 / 2 input channels per group
        assertEquals(2L * 2 * 5 * 3 * 9 * 16, conv(new long[] {2, 6, 4, 4}, new long[] {5, 3, 3, 3}, 1, 2).flops());
        // the polyphase 2x2 with padding 1: a 9x9 output from 8x8
        assertEquals(2L * 256 * 128 * 4 * 81, conv(new long[] {1, 128, 8, 8}, new long[] {256, 128, 2, 2}, 1, 1).flops());
        // stride 2, 4x4, padding 1: 16x16 to 8x8
        assertEquals(2L * 3 * 8 * 16 * 64, new Call(Kind.CONVOLUTION, new Shape(1, 3, 16, 16), new Shape(8, 3, 4, 4), 2, 1,
                1, false).flops());
        assertEquals(2L * 1024 * 512 * 512, linear(1024, 512, 512).flops());
    }

    @Test
    void theFloorCountsARepeatedCallAsOftenAsItWasMade() {
        Call c = conv(new long[] {1, 16, 8, 8}, new long[] {16, 16, 3, 3}, 1, 1);
        Call l = linear(4, 16, 32);
        GenerationBenchmark.Floor floor = GenerationBenchmark.floor(List.of(c, l, c, c), 1);
        assertTrue(floor.seconds() > 0);
        double flops = 3.0 * c.flops() + l.flops();
        assertEquals(flops, floor.gflops() * 1e9 * floor.seconds(), flops * 1e-9);
    }
}
