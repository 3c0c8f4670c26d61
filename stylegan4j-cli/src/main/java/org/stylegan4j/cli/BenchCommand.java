package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.bench.GenerationBenchmark;
import org.stylegan4j.bench.OpProfile;
import org.stylegan4j.bench.LoaderBenchmark;
import org.stylegan4j.bench.TrainingBenchmark;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code stylegan4j bench}: speed measurements with JSON output. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (JSON with --json).",
        subcommands = {BenchCommand.Generate.class, BenchCommand.Train.class, BenchCommand.Data.class,
            BenchServeCommand.class})
public final class BenchCommand {

    /** {@code stylegan4j bench generate}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generator images/s, FLOPs per image, GFLOP/s, the engine's 3x3-conv peak measured in the same run, "
                    + "and the floors: the pass's convolutions and the mapping network's matrix products, each timed alone.")
    static final class Generate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--resolution", defaultValue = "256", description = "Resolution (default ${DEFAULT-VALUE}).")
        int resolution;

        @Option(names = "--batch", defaultValue = "1", description = "Batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--preset", defaultValue = "ffhq", description = "Network preset (default ${DEFAULT-VALUE}: official widths).")
        String preset;

        @Option(names = "--passes", defaultValue = "5", description = "Timed passes; the median is reported (default ${DEFAULT-VALUE}).")
        int passes;

        @Option(names = "--warmup", defaultValue = "1", description = "Untimed warm-up passes, lasting at least 2 s unless 0 (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--profile", description = "Also profile one pass operator by operator (PyTorch's profiler).")
        boolean profile;

        @Override
        public Integer call() throws Exception {
            if (batch < 1 || batch > 256) {
                throw new StyleGanInputException("--batch must be between 1 and 256, got " + batch);
            }
            if (passes < 1 || warmup < 0) {
                throw new StyleGanInputException("--passes must be at least 1 and --warmup at least 0");
            }
            GenerationBenchmark.Result r;
            try (Generator g = new Generator(ModelConfig.preset(preset, resolution), 0).freeze()) {
                r = GenerationBenchmark.run(g, batch, warmup, passes, profile);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(r));
            } else {
                out.printf("generator %dx%d, batch %d, %d threads%n", r.resolution(), r.resolution(), r.batch(), r.threads());
                out.printf("  images/s            %10.3f%n", r.imagesPerSecond());
                out.printf("  GFLOP per image     %10.2f%n", r.flopsPerImage() / 1e9);
                out.printf("  achieved GFLOP/s    %10.1f%n", r.gflops());
                out.printf("  3x3 conv peak       %10.1f GFLOP/s (N=16, 256->256, 32x32)%n", r.convPeakGflops());
                out.printf("  fraction of peak    %10.1f %%%n", 100 * r.fractionOfPeak());
                out.printf("  mapping latents/s   %10.0f (batch 1024)%n", r.mappingLatentsPerSecond());
                out.printf("  convolution floor   %10.3f images/s (its convolutions and matrix products alone, %.1f GFLOP/s)%n",
                        r.convolutionFloorImagesPerSecond(), r.convolutionFloorGflops());
                out.printf("  mapping floor       %10.0f latents/s (its matrix products alone, %.1f GFLOP/s)%n",
                        r.mappingFloorLatentsPerSecond(), r.mappingFloorGflops());
                printProfile(out, r.profile());
            }
            out.flush();
            return 0;
        }
    }

    /** {@code stylegan4j bench train}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Training iteration (D with R1, then G) images/s with the share of time in G, D and R1; --soak measures memory over many iterations.")
    static final class Train implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--resolution", defaultValue = "32", description = "Resolution (default ${DEFAULT-VALUE}).")
        int resolution;

        @Option(names = "--batch", defaultValue = "16", description = "Minibatch, a multiple of 4 (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--preset", defaultValue = "ffhq", description = "Network preset (default ${DEFAULT-VALUE}: official widths).")
        String preset;

        @Option(names = "--passes", defaultValue = "3", description = "Timed iterations; the median is reported (default ${DEFAULT-VALUE}).")
        int passes;

        @Option(names = "--warmup", defaultValue = "1", description = "Untimed warm-up iterations, lasting at least 2 s unless 0 (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--soak", defaultValue = "0", description = "Further iterations measuring resident memory after 200 and at the end.")
        int soak;

        @Option(names = "--workers", defaultValue = "1", description = "Data-parallel workers sharing each minibatch, "
                + "as train --workers (default ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--profile", description = "Also profile one iteration operator by operator (PyTorch's profiler).")
        boolean profile;

        @Override
        public Integer call() throws Exception {
            if (batch < 4 || batch % 4 != 0 || batch > 256) {
                throw new StyleGanInputException("--batch must be a multiple of 4 between 4 and 256, got " + batch);
            }
            if (passes < 1 || warmup < 0 || soak < 0) {
                throw new StyleGanInputException("--passes must be at least 1; --warmup and --soak at least 0");
            }
            if (workers < 1 || batch % (4 * workers) != 0) {
                throw new StyleGanInputException("--workers must be at least 1 and split --batch into multiples of 4, got "
                        + workers + " for a batch of " + batch);
            }
            ModelConfig model = ModelConfig.preset(preset, resolution);
            TrainingBenchmark.Result r;
            try (me.tongfei.progressbar.ProgressBar bar = soak > 0 ? Progress.bar("soak", soak, "it") : null) {
                r = TrainingBenchmark.run(model, batch, warmup, passes, soak, workers, i -> {
                    if (bar != null) {
                        bar.stepTo(i);
                    }
                }, profile);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(r));
            } else {
                out.printf("training iteration %dx%d (%s), batch %d, %d threads, %d worker(s)%n", r.resolution(),
                        r.resolution(), r.preset(), r.batch(), r.threads(), r.workers());
                out.printf("  seconds/iteration   %10.3f%n", r.secondsPerIteration());
                out.printf("  images/s            %10.3f%n", r.imagesPerSecond());
                out.printf("  share D / R1 / G    %5.1f %% / %5.1f %% / %5.1f %%%n", 100 * r.shareD(), 100 * r.shareR1(),
                        100 * r.shareG());
                if (r.soakIterations() > 0) {
                    out.printf("  RSS after 200 / %d iterations: %.0f / %.0f MiB%n", r.soakIterations(), r.rssAfter200Mb(),
                            r.rssAfterSoakMb());
                }
                printProfile(out, r.profile());
            }
            out.flush();
            return 0;
        }
    }

    /** Prints a profile: time per operator kind with its share of the pass, then the costliest operators. */
    static void printProfile(PrintWriter out, OpProfile.Result p) {
        if (p == null) {
            return;
        }
        out.printf("profile of one pass: %.0f ms (under the profiler), %.0f ms inside the engine%n", p.wallMilliseconds(),
                p.engineMilliseconds());
        p.byKind().forEach((kind, ms) -> out.printf("  %-32s %9.1f ms %5.1f %%%n", kind, ms,
                100 * ms / p.wallMilliseconds()));
        out.println("costliest operators (self time):");
        for (OpProfile.Op op : p.top()) {
            out.printf("  %9.1f ms %4dx %s %s%n", op.milliseconds(), op.calls(), op.name(), op.shapes());
        }
    }

    /** {@code stylegan4j bench data}. */
    @Command(name = "data", mixinStandardHelpOptions = true,
            description = "Data loader images/s at every level of detail, decoding every image and from the level cache.")
    static final class Data implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, description = "Training images: a folder or zip.")
        java.nio.file.Path data;

        @Option(names = "--images", defaultValue = "64", description = "Images read per measurement (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--batch", defaultValue = "16", description = "Images per batch (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--from", defaultValue = "8", description = "Coarsest level measured (default ${DEFAULT-VALUE}).")
        int from;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (batch < 1 || images < batch) {
                throw new StyleGanInputException("--batch must be at least 1 and --images at least --batch");
            }
            if (from < 1 || Integer.bitCount(from) != 1) {
                throw new StyleGanInputException("--from must be a power of two, got " + from);
            }
            LoaderBenchmark.Result r;
            try (ImageDataset ds = ImageDataset.open(data)) {
                r = LoaderBenchmark.run(ds, images, batch, from);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(r));
            } else {
                out.printf("data loader: %dx%d images, %d channel(s), %d images per level in batches of %d%n", r.data(),
                        r.data(), r.channels(), r.images(), r.batch());
                out.printf("  %-10s %14s %14s%n", "level", "decoded img/s", "cached img/s");
                for (LoaderBenchmark.Level l : r.levels()) {
                    out.printf("  %-10s %14.1f %14.1f%n", l.resolution() + "x" + l.resolution(), l.decodedImagesPerSecond(),
                            l.cachedImagesPerSecond());
                }
            }
            out.flush();
            return 0;
        }
    }
}
