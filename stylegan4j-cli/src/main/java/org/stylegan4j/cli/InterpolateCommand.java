package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.Interpolation;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stylegan4j interpolate}: frames along a path through seeds, lerp in W or slerp in Z. */
@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = "Interpolation through seeds A,B[,C...]: linear in W or spherical in Z (norm interpolated too). "
                + "--out DIR writes frame0000.png... and interpolation.gif; --out FILE.gif writes only the GIF. Constant noise.")
public final class InterpolateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--seeds", description = "Seeds the path passes through, in order (at least 2), e.g. 1,2,3.")
    String seeds;

    @Option(names = "--w", split = ",", paramLabel = "FILE", description = "Instead of --seeds: projections "
            + "(projected_w.safetensors) whose images are the keyframes, in order; each layer's w is lerped.")
    List<Path> wFiles;

    @Option(names = "--space", defaultValue = "w", description = "w (lerp of w = f(z)) or z (slerp of z) (default ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--frames", defaultValue = "60", description = "Frames over the whole path, ends included (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--trunc", description = "Truncation psi of every layer of every frame (default: none).")
    Double psi;

    @Option(names = "--delay-ms", defaultValue = "40", description = "GIF delay per frame in milliseconds (default ${DEFAULT-VALUE}).")
    int delayMs;

    @Option(names = "--batch", defaultValue = "8", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, description = "Output directory, or an animated GIF file (*.gif).")
    Path out;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    public Integer call() {
        if ((seeds == null) == (wFiles == null)) {
            throw new StyleGanInputException("give --seeds or --w (one of them)");
        }
        long[] path = seeds == null ? new long[0] : Seeds.parse(seeds);
        if (seeds != null && path.length < 2) {
            throw new StyleGanInputException("--seeds needs at least 2 seeds to interpolate between, got " + path.length);
        }
        Interpolation.Space where = space(space);
        if (wFiles != null && where != Interpolation.Space.W) {
            throw new StyleGanInputException("--w interpolates in W (a projection has no z): drop --space z");
        }
        if (wFiles != null && psi != null) {
            throw new StyleGanInputException("--trunc does not apply to projected w (they are used as projected)");
        }
        FigureChecks.atLeast("--frames", frames, 2);
        FigureChecks.atLeast("--delay-ms", delayMs, 0);
        FigureChecks.psi("--trunc", psi);
        FigureChecks.batch(batch);
        List<Path> pngs = new ArrayList<>();
        Path gif = outputFiles(pngs);
        try (Generator g = network.load()) {
            Interpolation interpolation = (wFiles == null ? new Interpolation(g, path, where, frames)
                    : Interpolation.throughWs(g, keyframes(g), frames)).batchSize(batch);
            if (psi != null) {
                interpolation.truncation(Truncation.allLayers(psi));
            }
            List<BufferedImage> images;
            try (ProgressBar bar = Progress.bar("interpolate", frames, "frame")) {
                images = interpolation.onImage(bar::step).render();
            }
            for (int k = 0; k < pngs.size(); k++) {
                Images.writePng(images.get(k), pngs.get(k));
            }
            Images.writeGif(images, gif, delayMs, true);
            spec.commandLine().getOut().printf("wrote %d frames (%s space) to %s%n", frames,
                    where.name().toLowerCase(Locale.ROOT), out);
        }
        return 0;
    }

    /** Every image of every --w file, in order; at least two. */
    private List<float[]> keyframes(Generator g) {
        List<float[]> all = new ArrayList<>();
        for (Path f : wFiles) {
            all.addAll(MixCommand.projected(f, g));
        }
        if (all.size() < 2) {
            throw new StyleGanInputException("--w needs at least 2 projected images to interpolate between, got "
                    + all.size());
        }
        return all;
    }

    /**
     * Checks the outputs: a GIF given as --out, or a directory with a PNG per frame (added to {@code pngs}) and the
     * GIF.
     */
    private Path outputFiles(List<Path> pngs) {
        if (out.getFileName() != null && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gif")) {
            return OutputFiles.file(out, force);
        }
        OutputFiles.directory(out);
        for (int k = 0; k < frames; k++) {
            pngs.add(out.resolve(String.format("frame%04d.png", k)));
        }
        Path gif = out.resolve("interpolation.gif");
        List<Path> files = new ArrayList<>(pngs);
        files.add(gif);
        OutputFiles.checkOverwrite(files, force);
        return gif;
    }

    private static Interpolation.Space space(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "w":
                return Interpolation.Space.W;
            case "z":
                return Interpolation.Space.Z;
            default:
                throw new StyleGanInputException("unknown --space '" + text + "' (expected w or z)");
        }
    }
}
