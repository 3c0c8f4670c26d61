package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.StyleBands;
import org.stylegan4j.figures.StyleMixingFigure;
import org.stylegan4j.io.AtomicFiles;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.train.SampleGrid;
import org.stylegan4j.train.TickStats;
import org.stylegan4j.train.TrainingConfig;
import org.stylegan4j.train.TrainingDivergedException;
import org.stylegan4j.train.TrainingLoop;
import org.stylegan4j.train.TrainingPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;

/** {@code stylegan4j train}: trains a StyleGAN; Ctrl-C or the time budget stop it with a final snapshot. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a StyleGAN on a folder or zip of images; resume with --resume.")
public final class TrainCommand implements Callable<Integer> {

    /**
     * Largest resolution at which a run ends with the style-mixing figures: above it their 123 images take many
     * minutes on a CPU (about 4 s each at 1024x1024 on 2 cores), and `mix` draws them on demand.
     */
    private static final int MAX_FINAL_FIGURE_RESOLUTION = 256;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Training images: a folder or zip of same-size square PNG/JPEG.")
    Path data;

    @Option(names = "--outdir", description = "Run directory of a new run (created).")
    Path outdir;

    @Option(names = "--resume", paramLabel = "RUN_DIR|SNAPSHOT", description = "Continue a run from its newest snapshot, or from a given one.")
    Path resume;

    @Option(names = "--preset", defaultValue = "small",
            description = "Model and schedule preset: small (CPU-sized, for images up to 64x64; alias digits) or ffhq, B, C, D, E, F (the paper's; default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--resolution", description = "Model resolution; must equal the data's (default: the data's).")
    Integer resolution;

    @Option(names = "--kimg", description = "Length of the run in thousands of real images.")
    Double kimg;

    @Option(names = "--minutes", description = "Stop cleanly with a final snapshot after this many minutes.")
    Double minutes;

    @Option(names = "--seed", description = "Seed of every random draw.")
    Long seed;

    @Option(names = "--mirror", description = "Flip reals horizontally with probability 0.5.")
    Boolean mirror;

    @Option(names = "--loss", description = "logistic (non-saturating + R1) or wgan-gp.")
    String loss;

    @Option(names = "--gamma", description = "R1 weight gamma.")
    Double gamma;

    @Option(names = "--r1-interval", description = "Minibatches between R1/WGAN-GP penalties, scaled by it (1: every minibatch, the paper).")
    Integer r1Interval;

    @Option(names = "--mbstd-group", description = "Samples per minibatch-stddev group in D (the paper's 4; the small preset uses 32).")
    Integer mbstdGroup;

    @Option(names = "--mbstd-features", description = "Minibatch-stddev features in D, each over an equal share of the 4x4 channels (the paper's 1).")
    Integer mbstdFeatures;

    @Option(names = "--pack", description = "Images D scores together as one input (PacGAN; 1: the paper).")
    Integer pack;

    @Option(names = "--lr", description = "Adam learning rate at every resolution (replaces the preset's per-resolution rates).")
    Double lr;

    @Option(names = "--mixing", description = "Style-mixing regularisation probability (0 for Table 1 row E).")
    Double mixing;

    @Option(names = "--no-progressive", description = "Train at full resolution from the start.")
    boolean noProgressive;

    @Option(names = "--workers", description = "Threads sharing each minibatch, each with its own share and "
            + "cores / workers intra-op threads (default 1: one worker on all cores).")
    Integer workers;

    @Option(names = "--batch", description = "Minibatch at every resolution (replaces the preset's per-resolution sizes).")
    Integer batch;

    @Option(names = "--batch-round", paramLabel = "N|auto", description = "Most images a worker runs at once: larger "
            + "minibatches run in rounds whose gradients are summed (the same minibatch in less memory; default: the "
            + "whole share). auto: per phase, the largest round that fits the memory available (see --plan).")
    String batchRound;

    @Option(names = "--plan", description = "Print the schedule with each phase's estimated peak memory and exit "
            + "(nothing is written).")
    boolean plan;

    @Option(names = "--lod-kimg", description = "Thousands of images per stable phase and per fade-in of progressive growing.")
    Double lodKimg;

    @Option(names = "--ema-kimg", description = "Half-life of G_ema in thousands of images (0: no averaging).")
    Double emaKimg;

    @Option(names = "--lr-rampdown", description = "Share of the run's images (--kimg) at its end over which the "
            + "learning rate falls to 0 along a half cosine (0: constant, the paper).")
    Double lrRampdown;

    @Option(names = "--tick-kimg", description = "Thousands of images per tick (log line and sample grid), at every resolution.")
    Double tickKimg;

    @Option(names = "--snapshot-ticks", description = "Ticks between network snapshots.")
    Integer snapshotTicks;

    @Option(names = "--grid-size", description = "Columns and rows of the sample grid written every tick (default 8).")
    Integer gridSize;

    @Override
    public Integer call() throws Exception {
        if ((outdir == null) == (resume == null)) {
            throw new StyleGanInputException("give exactly one of --outdir (a new run) or --resume (an existing run)");
        }
        if (minutes != null) {
            positive("--minutes", minutes);
        }
        if (kimg != null) {
            positive("--kimg", kimg);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ImageDataset dataset = ImageDataset.open(data)) {
            if (plan) {
                return printPlan(dataset, out);
            }
            TrainingLoop loop = resume != null ? resumeRun(dataset) : newRun(dataset);
            try (loop) {
                return train(loop, out);
            }
        }
    }

    private int printPlan(ImageDataset dataset, PrintWriter out) {
        TrainingConfig config;
        double fromKimg = 0;
        if (resume != null) {
            checkResumeOptions();
            TrainingLoop.Resumable found = TrainingLoop.findResumable(resume);
            config = found.config();
            fromKimg = found.kimg();
            if (kimg != null) {
                config.totalKimg = kimg;
            }
        } else {
            config = newConfig(dataset);
        }
        TrainingPlan p = TrainingLoop.plan(config, dataset);
        out.println(p.table(p.remaining(fromKimg), TrainingPlan.Resources.detect()));
        out.flush();
        return 0;
    }

    private TrainingLoop newRun(ImageDataset dataset) throws Exception {
        TrainingConfig config = newConfig(dataset);
        TrainingLoop.checkStart(config, dataset);
        OutputFiles.directory(outdir);
        return TrainingLoop.start(config, dataset, outdir);
    }

    private TrainingConfig newConfig(ImageDataset dataset) {
        int res = resolution == null ? dataset.resolution() : resolution;
        if (res > dataset.resolution()) {
            throw new StyleGanInputException("--resolution " + res + " is larger than the data's " + dataset.resolution()
                    + "x" + dataset.resolution() + " images");
        }
        ModelConfig model = ModelConfig.preset(preset, res).withChannels(dataset.channels());
        if (mixing != null) {
            model = new ModelConfig(model.preset(), model.resolution(), model.numChannels(), model.latentSize(),
                    model.dlatentSize(), model.mappingLayers(), model.mappingFmaps(), model.mappingLrMul(),
                    model.fmapBase(), model.fmapDecay(), model.fmapMax(), model.constInput(), model.useStyles(),
                    model.useNoise(), model.usePixelNorm(), mixing);
        }
        TrainingConfig config = TrainingConfig.preset(preset, model);
        if (seed != null) {
            config.seed = seed;
        }
        if (mirror != null) {
            config.mirror = mirror;
        }
        if (loss != null) {
            config.loss = loss;
        }
        if (gamma != null) {
            config.r1Gamma = gamma;
        }
        if (r1Interval != null) {
            config.penaltyInterval = atLeastOne("--r1-interval", r1Interval);
        }
        if (mbstdGroup != null) {
            config.stddevGroupSize = atLeastOne("--mbstd-group", mbstdGroup);
        }
        if (mbstdFeatures != null) {
            int channels = model.nf(1);
            if (mbstdFeatures < 1 || channels % mbstdFeatures != 0) {
                throw new StyleGanInputException("--mbstd-features must divide the discriminator's " + channels
                        + " channels at 4x4, got " + mbstdFeatures);
            }
            config.stddevFeatures = mbstdFeatures;
        }
        if (pack != null) {
            config.pack = atLeastOne("--pack", pack);
        }
        if (workers != null) {
            config.workers = atLeastOne("--workers", workers);
        }
        if (lr != null) {
            config.lrBase = positive("--lr", lr);
            config.lrDict = new TreeMap<>();
        }
        if (noProgressive) {
            config.progressive = false;
        }
        if (batch != null) {
            config.minibatchBase = (int) positive("--batch", batch);
            config.minibatchDict = new TreeMap<>();
        }
        boolean autoRounds = "auto".equalsIgnoreCase(batchRound);
        if (batchRound != null && !autoRounds) {
            try {
                config.batchRound = atLeastOne("--batch-round", Integer.parseInt(batchRound.trim()));
            } catch (NumberFormatException e) {
                throw new StyleGanInputException("--batch-round must be a positive number of images or auto, got '"
                        + batchRound + "'");
            }
        }
        config.checkMinibatches();
        if (lodKimg != null) {
            config.lodTrainingKimg = positive("--lod-kimg", lodKimg);
            config.lodTransitionKimg = lodKimg;
        }
        if (emaKimg != null) {
            if (!(emaKimg >= 0)) {
                throw new StyleGanInputException("--ema-kimg must be zero or positive");
            }
            config.gSmoothingKimg = emaKimg;
        }
        if (lrRampdown != null) {
            if (!(lrRampdown >= 0 && lrRampdown <= 1)) {
                throw new StyleGanInputException("--lr-rampdown must be between 0 and 1, got " + lrRampdown);
            }
            config.lrRampdown = lrRampdown;
        }
        if (kimg != null) {
            config.totalKimg = kimg;
        }
        if (tickKimg != null) {
            config.tickKimgBase = positive("--tick-kimg", tickKimg);
            config.tickKimgDict = new TreeMap<>();
        }
        if (snapshotTicks != null) {
            config.snapshotTicks = atLeastOne("--snapshot-ticks", snapshotTicks);
        }
        if (gridSize != null) {
            config.gridSize = atLeastOne("--grid-size", gridSize);
        }
        if (autoRounds) {
            TrainingPlan plan = TrainingLoop.plan(config, dataset);
            config.batchRoundDict = new TreeMap<>(plan.autoRounds(plan.phases(),
                    TrainingPlan.Resources.detect().limitBytes()));
        }
        return config;
    }

    private static double positive(String option, double value) {
        if (!(value > 0)) {
            throw new StyleGanInputException(option + " must be positive");
        }
        return value;
    }

    private static int atLeastOne(String option, int value) {
        if (value < 1) {
            throw new StyleGanInputException(option + " must be at least 1");
        }
        return value;
    }

    private TrainingLoop resumeRun(ImageDataset dataset) {
        checkResumeOptions();
        return TrainingLoop.resume(resume, dataset, kimg);
    }

    private void checkResumeOptions() {
        if (!Files.exists(resume)) {
            throw new StyleGanInputException(resume + ": no such run directory or snapshot");
        }
        if (resolution != null || seed != null || mirror != null || loss != null || gamma != null || lr != null
                || mixing != null || noProgressive || tickKimg != null || snapshotTicks != null || gridSize != null || batch != null
                || lodKimg != null || emaKimg != null || lrRampdown != null || r1Interval != null || mbstdGroup != null
                || mbstdFeatures != null || pack != null || workers != null || batchRound != null) {
            throw new StyleGanInputException("--resume continues a run with its own config; only --kimg and --minutes may be given");
        }
    }

    private int train(TrainingLoop loop, PrintWriter out) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stylegan4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return trainAndReport(loop, out, stop);
        } finally {
            done.countDown();
            if (!stop.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    private int trainAndReport(TrainingLoop loop, PrintWriter out, AtomicBoolean stop) throws Exception {
        List<String> notes = new ArrayList<>();
        TrainingLoop.Result result;
        try (ProgressBar bar = Progress.bar("train", Math.round(loop.config().totalKimg * 1000), "img")) {
            bar.stepTo(loop.state().nimg());
            result = loop.run(minutes == null ? null : Duration.ofSeconds(Math.round(minutes * 60)), stop::get,
                    new TrainingLoop.Listener() {
                        @Override
                        public void step(double kimgDone, double totalKimg, double lossG, double lossD) {
                            bar.stepTo(Math.round(kimgDone * 1000));
                            bar.setExtraMessage(String.format(" G %.3f D %.3f", lossG, lossD));
                        }

                        @Override
                        public void tick(TickStats s) {
                            notes.add(String.format("tick %d: %.1f kimg, %dx%d, G %.3f, D %.3f, %.1f img/s",
                                    s.tick(), s.kimg(), s.resolution(), s.resolution(), s.lossG(), s.lossD(),
                                    s.imagesPerSecond()));
                        }
                    });
        } catch (TrainingDivergedException e) {
            Path last = org.stylegan4j.train.Snapshots.list(loop.runDir()).stream().findFirst()
                    .map(org.stylegan4j.train.Snapshots.Found::network).orElse(null);
            if (last != null) {
                writeFinal(loop.runDir(), loop.config().gridSize, last, out);
            }
            throw new StyleGanInputException(e.getMessage());
        }
        out.printf("%s at %.1f kimg (%s)%n", result.finished() ? "finished" : "stopped", result.state().kimg(),
                String.join("; ", notes.isEmpty() ? List.of("no complete tick") : notes.subList(Math.max(0, notes.size() - 1), notes.size())));
        writeFinal(loop.runDir(), loop.config().gridSize, result.lastSnapshot(), out);
        return 0;
    }

    /** Copies a snapshot to network-final.safetensors and writes the sample grid and style-mixing figures from it. */
    private static void writeFinal(Path runDir, int gridSize, Path snapshot, PrintWriter out) throws java.io.IOException {
        Path finalNet = runDir.resolve("network-final.safetensors");
        AtomicFiles.write(finalNet, o -> Files.copy(snapshot, o));
        List<Path> figures;
        Path grid = runDir.resolve("samples-final.png");
        int resolution;
        try (org.stylegan4j.model.Generator g = org.stylegan4j.io.Checkpoint.loadGenerator(finalNet)) {
            resolution = g.config().resolution();
            figures = resolution <= MAX_FINAL_FIGURE_RESOLUTION ? writeMixingFigures(g, runDir) : List.of();
            SampleGrid.writeSeeds(g, gridSize, grid);
        }
        out.printf("run directory:   %s%n", runDir);
        out.printf("checkpoint:      %s (= %s)%n", finalNet, snapshot.getFileName());
        out.printf("sample grid:     %s%n", grid);
        for (Path f : figures) {
            out.printf("style mixing:    %s%n", f);
        }
        if (figures.isEmpty()) {
            out.printf("style mixing:    not drawn above %dx%d (123 images); `stylegan4j mix --network %s ...` draws it%n",
                    MAX_FINAL_FIGURE_RESOLUTION, MAX_FINAL_FIGURE_RESOLUTION, finalNet);
        }
        out.printf("losses:          %s, %s%n", runDir.resolve("log.jsonl"), runDir.resolve("loss.png"));
        out.flush();
    }

    private static List<Path> writeMixingFigures(org.stylegan4j.model.Generator g, Path runDir) {
        List<Path> files = new ArrayList<>();
        int layers = g.config().numLayers();
        long[] rows = {1, 2, 3, 4, 5};
        long[] cols = {6, 7, 8, 9, 10, 11};
        for (StyleBands.Band band : StyleBands.Band.values()) {
            StyleBands.Range range;
            try {
                range = StyleBands.band(band, layers);
            } catch (StyleGanInputException empty) {
                continue;
            }
            Path file = runDir.resolve("style-mixing-" + band.name().toLowerCase(java.util.Locale.ROOT) + ".png");
            int batch = Math.min(8, SampleGrid.imagesPerPass(g.config().resolution()));
            Images.writePng(new StyleMixingFigure(g, rows, cols, range).batchSize(batch).render().figure(), file);
            files.add(file);
        }
        return files;
    }
}
