package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.NoiseLayersFigure;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Seeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code stylegan4j noise-layers}: noise in all, no, fine and coarse layers, the paper's figure 5. */
@Command(name = "noise-layers", mixinStandardHelpOptions = true,
        description = "Effect of noise per layer (paper figure 5): per seed, the network's constant noise in all layers, "
                + "none, fine layers only (64px up, or the upper half of a smaller network), coarse layers only.")
public final class NoiseLayersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--seeds", required = true, description = "Image seeds, one row each, e.g. 1967,1555.")
    String seeds;

    @Mixin
    FigureOutput output;

    @Override
    public Integer call() {
        long[] all = Seeds.parse(seeds);
        Path out = output.checked();
        try (Generator g = network.load()) {
            NoiseLayersFigure figure = new NoiseLayersFigure(g, all).batchSize(output.batch);
            NoiseLayersFigure.Result result;
            try (ProgressBar bar = Progress.bar("noise-layers", figure.imageCount(), "img")) {
                result = figure.onImage(bar::step).render();
            }
            Images.writePng(result.figure(), out);
            String columns = result.variants().stream().map(v -> v.label() + " (" + v.layers() + ")")
                    .collect(Collectors.joining(", "));
            spec.commandLine().getOut().printf("wrote %s (columns: %s)%n", out, columns);
        }
        return 0;
    }
}
