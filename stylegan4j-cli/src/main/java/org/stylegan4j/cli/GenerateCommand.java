package org.stylegan4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.Images;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.projection.ProjectedLatents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code stylegan4j generate}: images for seeds, with truncation and noise control; the same options give the same bytes. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate one PNG per seed (seed0042.png), optionally with a contact sheet.")
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--seeds", description = "Seeds and ranges, e.g. 0-7,42. z = numpy RandomState(seed).randn, as NVIDIA's scripts.")
    String seeds;

    @Option(names = "--projected-w", paramLabel = "FILE", description = "Instead of seeds, the images of a projection "
            + "(projected_w.safetensors from `project`): its w and noise maps, as proj.png shows them (proj00.png, ...).")
    Path projectedW;

    @Option(names = "--trunc", defaultValue = "0.7", description = "Truncation psi (default ${DEFAULT-VALUE}; 1 = none).")
    double psi;

    @Option(names = "--trunc-cutoff", defaultValue = "8", description = "Number of leading layers truncated (default ${DEFAULT-VALUE}).")
    int cutoff;

    @Option(names = "--noise", defaultValue = "random",
            description = "random (drawn per seed: reproducible), const (the network's stored maps) or none (default ${DEFAULT-VALUE}).")
    String noise;

    @Option(names = "--batch", defaultValue = "8", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--outdir", required = true, description = "Output directory.")
    Path outdir;

    @Option(names = "--grid", description = "Also write grid.png, a contact sheet of all images.")
    boolean grid;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    /**
     * @param mode noise option value
     * @param seedsOfBatch the seeds of the batch
     * @return the noise inputs
     */
    static Noise noise(String mode, long[] seedsOfBatch) {
        switch (mode) {
            case "random":
                return Noise.seeded(seedsOfBatch);
            case "const":
                return Noise.constant();
            case "none":
                return Noise.none();
            default:
                throw new StyleGanInputException("unknown noise mode '" + mode + "' (expected random, const or none)");
        }
    }

    @Override
    public Integer call() throws Exception {
        if ((seeds == null) == (projectedW == null)) {
            throw new StyleGanInputException("give --seeds or --projected-w (one of them)");
        }
        if (projectedW != null) {
            return projected();
        }
        long[] all = Seeds.parse(seeds);
        if (batch < 1 || batch > 1024) {
            throw new StyleGanInputException("--batch must be between 1 and 1024, got " + batch);
        }
        if (Double.isNaN(psi) || Double.isInfinite(psi)) {
            throw new StyleGanInputException("--trunc must be a finite number");
        }
        noise(noise, new long[0]);
        network.config();
        OutputFiles.directory(outdir);
        List<Path> files = new ArrayList<>();
        for (long s : all) {
            files.add(outdir.resolve(String.format("seed%04d.png", s)));
        }
        if (grid) {
            files.add(outdir.resolve("grid.png"));
        }
        OutputFiles.checkOverwrite(files, force);
        List<BufferedImage> images = generate(all, files);
        if (grid) {
            int cols = (int) Math.ceil(Math.sqrt(images.size()));
            Images.writePng(Images.grid(images, cols), files.get(files.size() - 1));
        }
        spec.commandLine().getOut().printf("wrote %d image%s to %s%n", all.length, all.length == 1 ? "" : "s", outdir);
        return 0;
    }

    /** The images of a projection, one PNG each (proj00.png, ...), each synthesised alone as {@code project} does. */
    private int projected() {
        ProjectedLatents latents = ProjectedLatents.load(projectedW);
        ModelConfig config = network.config();
        if (config != null) {
            latents.check(config);
        }
        OutputFiles.directory(outdir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < latents.count(); i++) {
            files.add(outdir.resolve(String.format("proj%02d.png", i)));
        }
        if (grid) {
            files.add(outdir.resolve("grid.png"));
        }
        OutputFiles.checkOverwrite(files, force);
        List<BufferedImage> images = new ArrayList<>();
        try (Generator g = network.load()) {
            for (int i = 0; i < latents.count(); i++) {
                images.add(latents.image(g, i));
                Images.writePng(images.get(i), files.get(i));
            }
        }
        if (grid) {
            Images.writePng(Images.grid(images, (int) Math.ceil(Math.sqrt(images.size()))), files.get(files.size() - 1));
        }
        spec.commandLine().getOut().printf("wrote %d image%s to %s%n", images.size(), images.size() == 1 ? "" : "s",
                outdir);
        return 0;
    }

    /** Writes seed i's image to file i, batch by batch; returns the images when a grid is asked for. */
    private List<BufferedImage> generate(long[] all, List<Path> files) {
        List<BufferedImage> images = new ArrayList<>();
        Truncation truncation = new Truncation(psi, cutoff);
        try (Generator g = network.load(); NDManager m = Engines.newManager();
             ProgressBar bar = Progress.bar("generate", all.length, "img")) {
            int c = g.config().numChannels();
            int res = g.config().resolution();
            for (int start = 0; start < all.length; start += batch) {
                long[] part = Arrays.copyOfRange(all, start, Math.min(all.length, start + batch));
                try (NDManager step = m.newSubManager()) {
                    NDArray z = Seeds.latents(part, g.config().latentSize(), step);
                    float[] pixels = g.generate(z, truncation, noise(noise, part)).toFloatArray();
                    for (int i = 0; i < part.length; i++) {
                        BufferedImage img = Images.fromCHW(pixels, i * c * res * res, c, res, res);
                        Images.writePng(img, files.get(start + i));
                        if (grid) {
                            images.add(img);
                        }
                        bar.step();
                    }
                }
            }
        }
        return images;
    }
}
