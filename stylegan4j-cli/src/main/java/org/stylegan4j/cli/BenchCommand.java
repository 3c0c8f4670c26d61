package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.bench.GenerationBenchmark;
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
        subcommands = {BenchCommand.Generate.class})
public final class BenchCommand {

    /** {@code stylegan4j bench generate}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generator images/s, FLOPs per image, GFLOP/s and the engine's 3x3-conv peak measured in the same run.")
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

        @Option(names = "--warmup", defaultValue = "1", description = "Untimed warm-up passes (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (batch < 1 || batch > 256) {
                throw new StyleGanInputException("--batch must be between 1 and 256, got " + batch);
            }
            if (passes < 1 || warmup < 0) {
                throw new StyleGanInputException("--passes must be at least 1 and --warmup at least 0");
            }
            GenerationBenchmark.Result r;
            try (Generator g = new Generator(ModelConfig.preset(preset, resolution), 0)) {
                r = GenerationBenchmark.run(g, batch, warmup, passes);
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
            }
            out.flush();
            return 0;
        }
    }
}
