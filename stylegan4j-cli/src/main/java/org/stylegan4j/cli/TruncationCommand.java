package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.TruncationFigure;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Seeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stylegan4j truncation}: the truncation trick at several psi, the paper's figure 8. */
@Command(name = "truncation", mixinStandardHelpOptions = true,
        description = "Truncation trick (paper figure 8): one row per seed, one column per psi, "
                + "w' = w_avg + psi (w - w_avg) in every layer (or the first --cutoff layers). Constant noise.")
public final class TruncationCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--seeds", required = true, description = "Image seeds, one row each, e.g. 91,388.")
    String seeds;

    @Option(names = "--psi", split = ",", defaultValue = "1,0.7,0.5,0,-0.5,-1",
            description = "Truncation strengths, one column each (default ${DEFAULT-VALUE}).")
    double[] psis;

    @Option(names = "--cutoff", description = "Truncate only the first L layers (default: all, as the paper).")
    Integer cutoff;

    @Mixin
    FigureOutput output;

    @Override
    public Integer call() {
        long[] all = Seeds.parse(seeds);
        for (double psi : psis) {
            FigureChecks.psi("--psi", psi);
        }
        if (cutoff != null) {
            FigureChecks.atLeast("--cutoff", cutoff, 0);
        }
        Path out = output.checked();
        try (Generator g = network.load()) {
            TruncationFigure figure = new TruncationFigure(g, all, psis).batchSize(output.batch);
            if (cutoff != null) {
                figure.cutoff(cutoff);
            }
            TruncationFigure.Result result;
            try (ProgressBar bar = Progress.bar("truncation", figure.imageCount(), "img")) {
                result = figure.onImage(bar::step).render();
            }
            Images.writePng(result.figure(), out);
            spec.commandLine().getOut().printf("wrote %s (%d seeds x %d psi)%n", out, all.length, psis.length);
        }
        return 0;
    }
}
