package org.stylegan4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

/**
 * Generator throughput: images/s, FLOPs per image, achieved GFLOP/s, and in the same run the
 * engine's 3x3-convolution GFLOP/s (N=16, 256 to 256 channels, 32x32), so that results read as a
 * fraction of the practical peak.
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
     * @param profile where one forward pass's time goes, operator by operator (null unless asked for)
     */
    public record Result(int resolution, int batch, int threads, double secondsPerBatch, double imagesPerSecond,
                         long flopsPerImage, double gflops, double convPeakGflops, double fractionOfPeak,
                         double mappingLatentsPerSecond, OpProfile.Result profile) {
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
                    NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1),
                            new Shape(1, 1), 1).singletonOrThrow();
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
            if (profile) {
                ops = OpProfile.of(pass, 20);
            }
            NDArray zMap = m.randomNormal(new Shape(1024, latent));
            mapSeconds = Timing.medianSeconds(warmup, passes, () -> {
                try (NDManager s = m.newSubManager()) {
                    NDArray w = g.map(zMap);
                    w.attach(s);
                    w.toFloatArray();
                }
            });
        }
        long flops = g.flopsPerImage();
        double gflops = flops * (double) batch / seconds / 1e9;
        return new Result(g.config().resolution(), batch, Engines.threads(), seconds, batch / seconds, flops, gflops,
                peak, gflops / peak, 1024 / mapSeconds, ops);
    }
}
