package org.stylegan4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.EngineKernels;
import org.stylegan4j.nn.Engines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generator throughput: images/s, FLOPs per image, achieved GFLOP/s, and in the same run the
 * engine's 3x3-convolution GFLOP/s (N=16, 256 to 256 channels, 32x32), so that results read as a
 * fraction of the practical peak. It also reports two floors: the convolutions one pass makes (with its few small
 * matrix products, the styles' and the mapping's), and the matrix products of the mapping network, each recorded as the pass calls it ({@link EngineKernels}) and timed alone,
 * warm, with its data already in place. The floor is what the pass would take if it did nothing else, with every
 * kernel at the engine's rate for its shape: no layer rewrite that keeps the engine's kernels can pass it.
 */
public final class GenerationBenchmark {

    /**
     * One benchmark result.
     *
     * @param resolution generator resolution
     * @param batch batch size
     * @param threads engine intra-op threads
     * @param secondsPerBatch median seconds per generator forward
     * @param imagesPerSecond images per second
     * @param flopsPerImage generator FLOPs per image (counted from the layer shapes)
     * @param gflops achieved GFLOP/s
     * @param convPeakGflops measured 3x3-convolution GFLOP/s
     * @param fractionOfPeak gflops / convPeakGflops
     * @param mappingLatentsPerSecond mapping network throughput at batch 1024
     * @param convolutionFloorImagesPerSecond images/s if a pass ran only its convolutions (and its dense layers' small
     *        matrix products), each timed alone
     * @param convolutionFloorGflops those kernels' GFLOP/s when timed alone (their FLOPs over their summed time)
     * @param mappingFloorLatentsPerSecond mapping latents/s at batch 1024 if it ran only its matrix products
     * @param mappingFloorGflops the mapping network's matrix products' GFLOP/s when timed alone
     * @param profile where one forward pass's time goes, operator by operator (null unless asked for)
     */
    public record Result(int resolution, int batch, int threads, double secondsPerBatch, double imagesPerSecond,
                         long flopsPerImage, double gflops, double convPeakGflops, double fractionOfPeak,
                         double mappingLatentsPerSecond, double convolutionFloorImagesPerSecond,
                         double convolutionFloorGflops, double mappingFloorLatentsPerSecond, double mappingFloorGflops,
                         OpProfile.Result profile) {
    }

    private GenerationBenchmark() {
    }

    /**
     * Measures the practical convolution peak of the engine.
     *
     * @param warmup warm-up passes
     * @param passes timed passes
     * @return GFLOP/s of a 3x3 convolution, N=16, 256 to 256 channels, 32x32
     */
    public static double convPeakGflops(int warmup, int passes) {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(16, 256, 32, 32));
            NDArray w = m.randomNormal(new Shape(256, 256, 3, 3));
            double seconds = Timing.medianSeconds(warmup, passes, () -> {
                try (NDManager s = m.newSubManager()) {
                    NDArray y = EngineKernels.conv2d(x, w, 1, 1, 1);
                    y.attach(s);
                    // one value back waits for the result on any device without timing a 16 MB copy to Java
                    y.get(0, 0, 0, 0).getFloat();
                }
            });
            return 2.0 * 16 * 256 * 256 * 9 * 32 * 32 / seconds / 1e9;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param g generator to time
     * @param batch batch size
     * @param warmup warm-up passes
     * @param passes timed passes
     * @param profile whether to profile one more forward pass operator by operator
     * @return the result
     */
    public static Result run(Generator g, int batch, int warmup, int passes, boolean profile) {
        double peak = convPeakGflops(warmup, passes);
        int latent = g.config().latentSize();
        double seconds;
        double mapSeconds;
        Floor convFloor;
        Floor mapFloor;
        OpProfile.Result ops = null;
        try (NDManager m = Engines.newManager()) {
            NDArray z = m.randomNormal(new Shape(batch, latent));
            Runnable pass = () -> {
                try (NDManager s = m.newSubManager()) {
                    NDArray img = g.generate(z, Truncation.NONE, Noise.random());
                    img.attach(s);
                    img.toFloatArray();
                }
            };
            seconds = Timing.medianSeconds(warmup, passes, pass);
            convFloor = floor(EngineKernels.recordedDuring(pass), passes);
            if (profile) {
                ops = OpProfile.of(pass, 20);
            }
            NDArray zMap = m.randomNormal(new Shape(1024, latent));
            Runnable mapping = () -> {
                try (NDManager s = m.newSubManager()) {
                    NDArray w = g.map(zMap);
                    w.attach(s);
                    w.toFloatArray();
                }
            };
            mapSeconds = Timing.medianSeconds(warmup, passes, mapping);
            mapFloor = floor(EngineKernels.recordedDuring(mapping), passes);
        }
        long flops = g.flopsPerImage();
        double gflops = flops * (double) batch / seconds / 1e9;
        return new Result(g.config().resolution(), batch, Engines.threads(), seconds, batch / seconds, flops, gflops,
                peak, gflops / peak, 1024 / mapSeconds, batch / convFloor.seconds(), convFloor.gflops(),
                1024 / mapFloor.seconds(), mapFloor.gflops(), ops);
    }

    /**
     * The summed time of kernel calls, each timed alone.
     *
     * @param seconds the calls' summed median times
     * @param gflops their summed FLOPs over {@code seconds}, in GFLOP/s
     */
    record Floor(double seconds, double gflops) {
    }

    /**
     * Times each distinct call alone on random data (two warm-up runs, then the median of {@code passes}, at least
     * three) and adds up the times, counting repeated calls as often as they were made.
     *
     * @param calls the recorded calls
     * @param passes timed runs per call
     * @return the floor
     */
    static Floor floor(List<EngineKernels.Call> calls, int passes) {
        Map<EngineKernels.Call, Integer> counts = new LinkedHashMap<>();
        calls.forEach(c -> counts.merge(c, 1, Integer::sum));
        double seconds = 0;
        double flops = 0;
        try (NDManager m = Engines.newManager()) {
            for (Map.Entry<EngineKernels.Call, Integer> e : counts.entrySet()) {
                EngineKernels.Call c = e.getKey();
                try (NDManager data = m.newSubManager()) {
                    NDArray x = data.randomNormal(c.input());
                    NDArray w = data.randomNormal(c.weight());
                    NDArray b = c.bias() ? data.randomNormal(new Shape(c.weight().get(0))) : null;
                    double t = Timing.medianSeconds(2, Math.max(3, passes), () -> {
                        try (NDManager s = data.newSubManager()) {
                            NDArray y = c.kind() == EngineKernels.Kind.LINEAR ? EngineKernels.linear(x, w, b)
                                    : EngineKernels.conv2d(x, w, c.stride(), c.padding(), c.groups());
                            y.attach(s);
                            y.flatten().get(0).getFloat();
                        }
                    }, 0);
                    seconds += t * e.getValue();
                    flops += (double) c.flops() * e.getValue();
                }
            }
        }
        return new Floor(seconds, flops / seconds / 1e9);
    }
}
