package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.NoiseFigure;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Seeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stylegan4j noise}: stochastic variation, the paper's figure 4. */
@Command(name = "noise", mixinStandardHelpOptions = true,
        description = "Stochastic variation (paper figure 4): per seed, the image, re-draws of only the noise, and the "
                + "per-pixel standard deviation over --samples draws (std of the channel mean in 0..255, x4, as the paper).")
public final class NoiseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--seeds", required = true, description = "Image seeds, one row each, e.g. 1157,1012.")
    String seeds;

    @Option(names = "--samples", defaultValue = "100", description = "Noise draws per seed for the standard deviation (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--redraws", defaultValue = "4", description = "Re-draws shown next to the image (default ${DEFAULT-VALUE}).")
    int redraws;

    @Option(names = "--noise-seed", defaultValue = "0", description = "Noise seed of the first draw; draw i uses seed + i (default ${DEFAULT-VALUE}).")
    long noiseSeed;

    @Mixin
    FigureOutput output;

    @Override
    public Integer call() {
        long[] all = Seeds.parse(seeds);
        FigureChecks.atLeast("--samples", samples, 2);
        FigureChecks.atLeast("--redraws", redraws, 0);
        Path out = output.checked();
        try (Generator g = network.load()) {
            NoiseFigure figure = new NoiseFigure(g, all).samples(samples).redraws(redraws).noiseSeed(noiseSeed)
                    .batchSize(output.batch);
            NoiseFigure.Result result;
            try (ProgressBar bar = Progress.bar("noise", figure.imageCount(), "img")) {
                result = figure.onImage(bar::step).render();
            }
            Images.writePng(result.figure(), out);
            spec.commandLine().getOut().printf("wrote %s (%d seeds, %d noise draws each)%n", out, all.length, samples);
        }
        return 0;
    }
}
