package org.stylegan4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.data.Images;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.projection.ProjectedLatents;
import org.stylegan4j.projection.Projector;
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
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stylegan4j project}: the latents that reproduce target images (the ADA projector's procedure). */
@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Find the w (or one w per layer) and noise maps that reproduce target images; writes "
                + "projected_w.safetensors, proj.png (target | projection per row) and proj.gif (the optimisation).")
public final class ProjectCommand implements Callable<Integer> {

    /** At most this many targets are drawn in proj.png and proj.gif (all are projected and saved). */
    static final int MAX_DRAWN = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--target", required = true, paramLabel = "IMG",
            description = "Target image (PNG/JPEG; centre-cropped and resized to the network). Repeat for several: "
                    + "they are projected together, as a batch.")
    List<Path> targets;

    @Option(names = "--space", defaultValue = "w", description = "w (one w for all layers) or w+ (one per layer; "
            + "default ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimisation steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "303", description = "Seed of the random draws (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DistanceOptions distanceOptions;

    @Option(names = "--outdir", required = true, description = "Output directory.")
    Path outdir;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Projector.Options options = options();
        DistanceOptions.Kind distanceKind = distanceOptions.kind(false);
        network.config();
        OutputFiles.directory(outdir);
        List<Path> files = List.of(outdir.resolve(ProjectedLatents.FILE), outdir.resolve("proj.png"),
                outdir.resolve("proj.gif"));
        OutputFiles.checkOverwrite(files, force);
        try (Generator g = network.load(); NDManager m = Engines.newManager()) {
            ModelConfig c = g.config();
            NDArray target = load(m, c);
            if (distanceKind == DistanceOptions.Kind.MSE) {
                spec.commandLine().getErr().println("warning: " + DistanceOptions.MSE_WARNING);
            }
            try (ImageDistance distance = distanceOptions.open(distanceKind, c)) {
                project(g, c, target, distance, options, files);
            }
        }
        return 0;
    }

    private void project(Generator g, ModelConfig c, NDArray target, ImageDistance distance,
                         Projector.Options options, List<Path> files) throws Exception {
        int drawn = Math.min(targets.size(), MAX_DRAWN);
        List<BufferedImage> targetImages = images(target.toFloatArray(), drawn, c);
        List<BufferedImage> frames = new ArrayList<>();
        int every = Math.max(1, steps / 50);
        Projector.Result r;
        try (ProgressBar bar = Progress.bar("project", steps, "step")) {
            r = new Projector(g, distance, options).project(target, (step, d, images) -> {
                bar.step();
                bar.setExtraMessage(String.format(Locale.ROOT, " distance %.4f", mean(d)));
                if (step % every == 0 || step == steps - 1) {
                    frames.add(sheet(targetImages, images(images.toFloatArray(), drawn, c)));
                }
            });
        }
        ProjectedLatents latents = new ProjectedLatents(r.ws(), r.noise(), metadata(distance, r));
        latents.save(files.get(0));
        List<BufferedImage> result = new ArrayList<>();
        for (int i = 0; i < drawn; i++) {
            result.add(latents.image(g, i));
        }
        Images.writePng(sheet(targetImages, result), files.get(1));
        Images.writeGif(frames, files.get(2), 80, true);
        double[] last = r.distances()[steps - 1];
        spec.commandLine().getOut().printf(Locale.ROOT, "projected %d target(s) in %s, %d steps, %s: final "
                + "distance %.4f (mean) -> %s%n", targets.size(), space, steps, distance.describe(), mean(last),
                outdir);
    }

    private Projector.Options options() {
        return Projector.Options.PUBLISHED.withSpace(Projector.Space.parse(space, "--space")).withSteps(steps)
                .withSeed(seed);
    }

    /** The targets as one batch, each loaded at the network's resolution and channel count. */
    private NDArray load(NDManager m, ModelConfig c) {
        int per = c.numChannels() * c.resolution() * c.resolution();
        float[] all = new float[targets.size() * per];
        for (int i = 0; i < targets.size(); i++) {
            Images.Loaded t = Images.loadSquare(targets.get(i), c.numChannels(), c.resolution());
            if (Math.min(t.width(), t.height()) < c.resolution()) {
                spec.commandLine().getErr().printf("warning: %s is %dx%d, upscaled to %dx%d%n", targets.get(i),
                        t.width(), t.height(), c.resolution(), c.resolution());
            }
            System.arraycopy(t.chw(), 0, all, i * per, per);
        }
        return m.create(all, new Shape(targets.size(), c.numChannels(), c.resolution(), c.resolution()));
    }

    private Map<String, String> metadata(ImageDistance distance, Projector.Result r) throws Exception {
        List<String> names = targets.stream().map(Path::toString).toList();
        double[] last = r.distances()[steps - 1];
        return Map.of("targets", JSON.writeValueAsString(names), "space", space, "steps",
                Integer.toString(steps), "seed", Long.toString(seed), "distance", distance.describe(),
                "final_distances", JSON.writeValueAsString(last), "network", network.describe());
    }

    private static List<BufferedImage> images(float[] chw, int n, ModelConfig c) {
        int per = c.numChannels() * c.resolution() * c.resolution();
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Images.fromCHW(chw, i * per, c.numChannels(), c.resolution(), c.resolution()));
        }
        return out;
    }

    /** Rows of (target, image). */
    private static BufferedImage sheet(List<BufferedImage> targetImages, List<BufferedImage> images) {
        List<BufferedImage> tiles = new ArrayList<>();
        for (int i = 0; i < targetImages.size(); i++) {
            tiles.add(targetImages.get(i));
            tiles.add(images.get(i));
        }
        return Images.grid(tiles, 2);
    }

    private static double mean(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s / values.length;
    }
}
