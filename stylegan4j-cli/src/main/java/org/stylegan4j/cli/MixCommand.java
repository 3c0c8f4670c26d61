package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.StyleBands;
import org.stylegan4j.figures.StyleMixingFigure;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.projection.ProjectedLatents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--rows", description = "Seeds of the row sources (they keep the other layers), e.g. 888,829,1898.")
    String rows;

    @Option(names = "--cols", description = "Seeds of the column sources (they give the chosen layers), e.g. 639,701,687.")
    String cols;

    @Option(names = "--rows-w", paramLabel = "FILE", description = "Instead of --rows: the images of a projection "
            + "(projected_w.safetensors), their w as projected (mixed with the network's constant noise).")
    Path rowsW;

    @Option(names = "--cols-w", paramLabel = "FILE", description = "Instead of --cols: the images of a projection.")
    Path colsW;

    @Option(names = "--styles", required = true,
            description = "Layers taken from the columns: coarse (4-8px), middle (16-32px), fine (64px up) or a layer range like 0-3, 8 or 8-.")
    String styles;

    @Option(names = "--trunc", description = "Truncation psi of every layer of every source (default: none, as the paper).")
    Double psi;

    @Mixin
    FigureOutput output;

    @Override
    public Integer call() {
        long[] rowSeeds = seeds(rows, rowsW, "--rows");
        long[] colSeeds = seeds(cols, colsW, "--cols");
        FigureChecks.psi("--trunc", psi);
        Path out = output.checked();
        try (Generator g = network.load()) {
            StyleBands.Range layers = StyleBands.parse(styles, g.config().numLayers());
            StyleMixingFigure figure = new StyleMixingFigure(g, rowSeeds, colSeeds, layers).batchSize(output.batch);
            if (rowsW != null) {
                figure.rowWs(projected(rowsW, g));
            }
            if (colsW != null) {
                figure.colWs(projected(colsW, g));
            }
            if (psi != null) {
                figure.truncation(psi);
            }
            StyleMixingFigure.Result result;
            try (ProgressBar bar = Progress.bar("mix", figure.imageCount(), "img")) {
                result = figure.onImage(bar::step).render();
            }
            Images.writePng(result.figure(), out);
            spec.commandLine().getOut().printf("wrote %s (%d x %d cells, layers %s from the columns)%n", out,
                    result.rowSources().size(), result.columnSources().size(), layers);
        }
        return 0;
    }

    /** The seeds of an axis, or none when a projection gives it (exactly one of the two). */
    private static long[] seeds(String seeds, Path projection, String option) {
        if ((seeds == null) == (projection == null)) {
            throw new StyleGanInputException("give " + option + " or " + option + "-w (one of them)");
        }
        return seeds == null ? new long[0] : Seeds.parse(seeds);
    }

    /** A projection's per-layer w, checked against the network. */
    static List<float[]> projected(Path file, Generator g) {
        ProjectedLatents latents = ProjectedLatents.load(file);
        latents.check(g.config());
        return latents.perLayerWs();
    }
}
