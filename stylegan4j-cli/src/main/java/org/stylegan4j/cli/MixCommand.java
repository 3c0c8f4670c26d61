package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.StyleBands;
import org.stylegan4j.figures.StyleMixingFigure;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Seeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stylegan4j mix}: the style mixing grid of the paper's figure 3. */
@Command(name = "mix", mixinStandardHelpOptions = true,
        description = "Style mixing grid (paper figure 3): each cell is its row's image with the chosen layers' styles "
                + "from its column's image. Constant noise, no truncation unless --trunc.")
public final class MixCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--rows", required = true, description = "Seeds of the row sources (they keep the other layers), e.g. 888,829,1898.")
    String rows;

    @Option(names = "--cols", required = true, description = "Seeds of the column sources (they give the chosen layers), e.g. 639,701,687.")
    String cols;

    @Option(names = "--styles", required = true,
            description = "Layers taken from the columns: coarse (4-8px), middle (16-32px), fine (64px up) or a layer range like 0-3, 8 or 8-.")
    String styles;

    @Option(names = "--trunc", description = "Truncation psi of every layer of every source (default: none, as the paper).")
    Double psi;

    @Mixin
    FigureOutput output;

    @Override
    public Integer call() {
        long[] rowSeeds = Seeds.parse(rows);
        long[] colSeeds = Seeds.parse(cols);
        FigureChecks.psi("--trunc", psi);
        Path out = output.checked();
        try (Generator g = network.load()) {
            StyleBands.Range layers = StyleBands.parse(styles, g.config().numLayers());
            StyleMixingFigure figure = new StyleMixingFigure(g, rowSeeds, colSeeds, layers).batchSize(output.batch);
            if (psi != null) {
                figure.truncation(psi);
            }
            StyleMixingFigure.Result result;
            try (ProgressBar bar = Progress.bar("mix", figure.imageCount(), "img")) {
                result = figure.onImage(bar::step).render();
            }
            Images.writePng(result.figure(), out);
            spec.commandLine().getOut().printf("wrote %s (%d x %d cells, layers %s from the columns)%n", out,
                    rowSeeds.length, colSeeds.length, layers);
        }
        return 0;
    }
}
