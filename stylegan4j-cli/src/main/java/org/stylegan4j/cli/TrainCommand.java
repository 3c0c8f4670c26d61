package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.StyleBands;
import org.stylegan4j.figures.StyleMixingFigure;
import org.stylegan4j.io.AtomicFiles;
import org.stylegan4j.metrics.MetricsRunner;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.Generator;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.train.Augmentation;
import org.stylegan4j.train.LossPlot;
import org.stylegan4j.train.MetricsConfig;
import org.stylegan4j.train.SampleGrid;
import org.stylegan4j.train.TickLog;
import org.stylegan4j.train.TickStats;
import org.stylegan4j.train.FineTuning;
import org.stylegan4j.train.TrainingConfig;
import org.stylegan4j.train.TrainingDivergedException;
import org.stylegan4j.train.Snapshots;
import org.stylegan4j.train.TrainingListener;
import org.stylegan4j.train.TrainingMetrics;
import org.stylegan4j.train.TrainingLoop;
import org.stylegan4j.train.TrainingPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code stylegan4j train}: trains a StyleGAN; Ctrl-C or the time budget stop it with a final snapshot. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a StyleGAN on a folder or zip of images; resume with --resume.")
public final class TrainCommand implements Callable<Integer> {

    /**
     * Largest resolution at which a run ends with the style-mixing figures: above it their 123 images take many
     * minutes on a CPU (about 4 s each at 1024x1024 on 2 cores), and `mix` draws them on demand.
     */
    private static final int MAX_FINAL_FIGURE_RESOLUTION = 256;

    /** Largest --config file read (a run's config.json is about 1.5 KiB). */
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Training images: a folder or zip of same-size square PNG/JPEG.")
    Path data;

    @Option(names = "--outdir", description = "Run directory of a new run (created).")
    Path outdir;

    @Option(names = "--resume", paramLabel = "RUN_DIR|SNAPSHOT", description = "Continue a run from its newest snapshot, or from a given one.")
    Path resume;

    @Option(names = "--preset",
            description = "Model and schedule preset: small (CPU-sized, for images up to 64x64; alias digits) or ffhq, B, C, D, E, F (the paper's; default small).")
    String preset;

    @Option(names = "--config", paramLabel = "CONFIG_JSON", description = "Start from a run's config.json (or one "
            + "written by hand) instead of a preset; the other options change it.")
    Path configFile;

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

    @Option(names = "--init-from", paramLabel = "NETWORK", description = "Fine-tune: start from a trained network (a "
            + "checkpoint with D, e.g. a training snapshot, or an official .pkl) at its full resolution with a fresh "
            + "optimizer; the architecture is the network's.")
    Path initFrom;

    @Option(names = "--freeze-d", paramLabel = "N", description = "With --init-from: keep D's first N layers (from "
            + "its input) as trained (FreezeD).")
    Integer freezeD;

    @Option(names = "--aug", paramLabel = "none|fixed|ada", description = "Augment every image D sees with ADA's "
            + "pipeline (flips, quarter turns, translations, scaling, rotations, colour; docs/augmentation.md): none "
            + "(the paper; default), fixed (each transform with probability --aug-p) or ada (p adapts to D's "
            + "overfitting, starting at --aug-p).")
    String aug;

    @Option(names = "--aug-p", paramLabel = "P", description = "Probability of each augmentation, in [0, 1]: the "
            + "constant one of --aug fixed (required there), the starting one of --aug ada (default 0).")
    Double augP;

    @Option(names = "--ada-target", paramLabel = "T", description = "With --aug ada: the overfitting heuristic r_t "
            + "(mean sign of D's real scores) that p steers towards, in (0, 1) (default 0.6).")
    Double adaTarget;

    @Option(names = "--ada-kimg", paramLabel = "K", description = "With --aug ada: thousands of images over which p "
            + "can move from 0 to 1 (default 500).")
    Double adaKimg;

    @Option(names = "--aug-pipe", paramLabel = "blit|geom|color|bg|bgc", description = "With --aug fixed or ada: "
            + "ADA's transform groups to apply: blit (flips, quarter turns, integer translations), geom (scaling, "
            + "rotations, fractional translations), color, bg (blit and geom) or bgc (all; default).")
    String augPipe;

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

    @Option(names = "--metrics", paramLabel = "LIST|none", description = "Metrics measured on G_ema during the run, "
            + "into metrics.jsonl and metrics.png: comma-separated fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, "
            + "ls, or none (default: none; the small preset measures fid with --extractor digits on 32x32 grayscale data).")
    String metricsList;

    @Option(names = "--metrics-every", paramLabel = "TICKS", description = "Ticks between measurements of --metrics "
            + "(the final network is measured too; default 5, the small preset's fid 10).")
    Integer metricsEvery;

    @Option(names = "--metrics-num", description = "Samples per measurement of --metrics (default 2000, the small "
            + "preset's fid 1000).")
    Integer metricsNum;

    @Mixin
    MetricNetworkOptions metricNetworks;

    @Override
    public Integer call() throws Exception {
        if ((outdir == null) == (resume == null)) {
            throw new StyleGanInputException("give exactly one of --outdir (a new run) or --resume (an existing run)");
        }
        if (minutes != null && !(minutes > 0)) {
            throw new StyleGanInputException("--minutes must be positive");
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
            TrainingLoop.Resumable found = resumable();
            config = kimg == null ? found.config() : found.config().toBuilder().totalKimg(kimg).build();
            fromKimg = found.kimg();
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

    /** The preset's config (or the one of --config) for the data, changed by the options given. */
    private TrainingConfig newConfig(ImageDataset dataset) {
        TrainingConfig base;
        if (configFile != null) {
            if (preset != null) {
                throw new StyleGanInputException("give --preset or --config, not both");
            }
            base = TrainingConfig.fromJson(readConfigFile(), configFile.toString());
        } else {
            String name = preset == null ? "small" : preset;
            int res = resolution == null ? dataset.resolution() : resolution;
            ModelConfig model = initFrom != null ? networkConfig(initFrom)
                    : ModelConfig.preset(name, res).withChannels(dataset.channels());
            base = TrainingConfig.preset(name, model);
        }
        TrainingConfig config = withOptions(base);
        if (!"auto".equalsIgnoreCase(batchRound)) {
            return config;
        }
        TrainingPlan p = TrainingLoop.plan(config, dataset);
        return config.toBuilder()
                .batchRoundDict(p.autoRounds(p.phases(), TrainingPlan.Resources.detect().limitBytes())).build();
    }

    private String readConfigFile() {
        try {
            if (Files.size(configFile) > MAX_CONFIG_BYTES) {
                throw new StyleGanInputException(configFile + ": not a training config (over "
                        + MAX_CONFIG_BYTES / 1024 + " KiB)");
            }
            return Files.readString(configFile);
        } catch (IOException e) {
            throw new StyleGanInputException(configFile + ": cannot read the config (" + e.getMessage() + ")");
        }
    }

    /** The architecture of the network --init-from names (a checkpoint's config, or an official pickle's). */
    private static ModelConfig networkConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StyleGanInputException("--init-from " + file + ": no such file");
        }
        return OfficialImport.config(file);
    }

    /** The config with every option given applied, validated (--batch-round auto is applied by the caller). */
    private TrainingConfig withOptions(TrainingConfig base) {
        TrainingConfig.Builder b = base.toBuilder().model(withModelOptions(base.model()));
        set(seed, b::seed);
        set(mirror, b::mirror);
        set(loss, v -> b.loss(TrainingConfig.Loss.of(v)));
        set(gamma, b::r1Gamma);
        set(r1Interval, b::penaltyInterval);
        set(workers, b::workers);
        set(lr, v -> b.lrBase(v).lrDict(Map.of()));
        set(batch, v -> b.minibatchBase(v).minibatchDict(Map.of()));
        set(lodKimg, v -> b.lodTrainingKimg(v).lodTransitionKimg(v));
        set(tickKimg, v -> b.tickKimgBase(v).tickKimgDict(Map.of()));
        set(emaKimg, b::gSmoothingKimg);
        set(lrRampdown, b::lrRampdown);
        set(kimg, b::totalKimg);
        set(snapshotTicks, b::snapshotTicks);
        set(gridSize, b::gridSize);
        b.metrics(withMetricsOptions(base.metrics()));
        if (noProgressive || initFrom != null) {
            b.progressive(false);
        }
        b.augmentation(withAugmentationOptions(base.augmentation()));
        if (initFrom != null || freezeD != null) {
            b.fineTuning(new FineTuning(initFrom == null ? null : initFrom.toString(), freezeD == null ? 0 : freezeD));
        }
        if (batchRound != null && !"auto".equalsIgnoreCase(batchRound)) {
            int round = parseRound();
            b.batchRound(round).batchRoundDict(Map.of());
        }
        return b.build();
    }

    /** The augmentation with --aug, --aug-p, --ada-target, --ada-kimg and --aug-pipe applied. */
    private Augmentation withAugmentationOptions(Augmentation a) {
        if (augP != null && !(augP >= 0 && augP <= 1)) {
            throw new StyleGanInputException("--aug-p must be between 0 and 1, got " + augP);
        }
        Augmentation.Kind kind = aug == null ? a.kind() : Augmentation.Kind.of(aug);
        if (kind != Augmentation.Kind.ADA && (adaTarget != null || adaKimg != null)) {
            throw new StyleGanInputException("--ada-target and --ada-kimg steer --aug ada; the augmentation is "
                    + kind.label());
        }
        Augmentation.Pipe pipe = augPipe == null ? a.pipe() : Augmentation.Pipe.of(augPipe);
        if (kind == Augmentation.Kind.NONE) {
            if (augP != null) {
                throw new StyleGanInputException("--aug-p is the probability of --aug fixed or ada; the augmentation "
                        + "is none");
            }
            if (augPipe != null) {
                throw new StyleGanInputException("--aug-pipe chooses the transforms of --aug fixed or ada; the "
                        + "augmentation is none");
            }
            return new Augmentation(kind, 0, a.target(), a.kimg(), pipe);
        }
        if (kind == Augmentation.Kind.FIXED && augP == null && a.kind() != kind) {
            throw new StyleGanInputException("--aug fixed augments with a constant probability: give it with --aug-p");
        }
        double p = augP != null ? augP : a.kind() == kind ? a.p() : 0;
        return new Augmentation(kind, p, adaTarget == null ? a.target() : adaTarget,
                adaKimg == null ? a.kimg() : adaKimg, pipe);
    }

    /** The metrics during training with the --metrics* and network options given applied. */
    private MetricsConfig withMetricsOptions(MetricsConfig m) {
        MetricsConfig out = m;
        if (metricsList != null) {
            out = out.withMetrics("none".equalsIgnoreCase(metricsList.trim()) ? List.of()
                    : MetricsRunner.parse(metricsList));
        }
        if (metricsEvery != null) {
            out = out.withEveryTicks(metricsEvery);
        }
        if (metricsNum != null) {
            out = out.withNum(metricsNum);
        }
        if (metricNetworks.anyGiven()) {
            out = out.withNetworks(metricNetworks.features(out.features()), metricNetworks.ppl(out.ppl()),
                    metricNetworks.attributes(out.attributes()), metricNetworks.rgb(out.networkRgb()));
        }
        return out;
    }

    private int parseRound() {
        int round;
        try {
            round = Integer.parseInt(batchRound.trim());
        } catch (NumberFormatException notANumber) {
            round = 0;
        }
        if (round < 1) {
            throw new StyleGanInputException("--batch-round must be a positive number of images or auto, got '"
                    + batchRound + "'");
        }
        return round;
    }

    private ModelConfig withModelOptions(ModelConfig model) {
        ModelConfig.Builder m = model.toBuilder();
        DiscriminatorConfig d = model.discriminator();
        set(resolution, m::resolution);
        set(mixing, m::styleMixingProb);
        d = mbstdGroup == null ? d : d.withStddevGroupSize(mbstdGroup);
        d = mbstdFeatures == null ? d : d.withStddevFeatures(mbstdFeatures);
        d = pack == null ? d : d.withPack(pack);
        return m.discriminator(d).build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private TrainingLoop resumeRun(ImageDataset dataset) {
        TrainingConfig stored = resumable().config();
        MetricsConfig measured = withMetricsOptions(stored.metrics());
        if (!measured.equals(stored.metrics())) {
            measured.checkNetworks(stored.model().numChannels(), stored.model().resolution());
        }
        return TrainingLoop.resume(resume, dataset, c -> {
            TrainingConfig.Builder b = c.toBuilder().metrics(measured);
            return (kimg == null ? b : b.totalKimg(kimg)).build();
        });
    }

    /**
     * The snapshot a resume starts from, after checking that the options given other than --kimg, --minutes and the
     * metrics' would leave its config as it is.
     */
    private TrainingLoop.Resumable resumable() {
        if (!Files.exists(resume)) {
            throw new StyleGanInputException(resume + ": no such run directory or snapshot");
        }
        if (preset != null || configFile != null) {
            throw new StyleGanInputException("--resume continues a run with its own config; --preset and --config "
                    + "start new runs");
        }
        TrainingLoop.Resumable found = TrainingLoop.findResumable(resume);
        TrainingConfig stored = found.config();
        TrainingConfig requested = withOptions(stored).toBuilder().totalKimg(stored.totalKimg())
                .metrics(stored.metrics()).build();
        List<String> changed = stored.differences(requested);
        if (!changed.isEmpty() || "auto".equalsIgnoreCase(batchRound)) {
            throw new StyleGanInputException("--resume continues a run with its own config; only --kimg, --minutes "
                    + "and the metrics options may change it"
                    + (changed.isEmpty() ? "" : " (given: " + String.join(", ", changed) + ")")
                    + "; to change more, start a new run with --config " + resume.resolve(TrainingLoop.CONFIG_FILE));
        }
        return found;
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
        TrainingLoop.Result result;
        ProgressListener progress;
        try (ProgressBar bar = Progress.bar("train", Math.round(loop.config().totalKimg() * 1000), "img")) {
            bar.stepTo(loop.state().nimg());
            progress = new ProgressListener(bar);
            result = loop.run(minutes == null ? null : Duration.ofSeconds(Math.round(minutes * 60)), stop::get,
                    progress);
        } catch (TrainingDivergedException e) {
            Optional<Path> last = Snapshots.list(loop.runDir()).stream().findFirst().map(Snapshots.Found::network);
            if (last.isPresent()) {
                writeFinal(loop.runDir(), loop.config().gridSize(), last.get(), out);
            }
            throw new StyleGanInputException(e.getMessage());
        }
        out.printf("%s at %.1f kimg (%s)%n", result.finished() ? "finished" : "stopped", result.state().kimg(),
                progress.lastTick == null ? "no complete tick" : progress.lastTick);
        writeFinal(loop.runDir(), loop.config().gridSize(), result.lastSnapshot(), out);
        return 0;
    }

    /** Moves the progress bar after every minibatch and keeps the last tick's summary line. */
    private static final class ProgressListener implements TrainingListener {
        private final ProgressBar bar;
        private String lastTick;

        ProgressListener(ProgressBar bar) {
            this.bar = bar;
        }

        @Override
        public void onStep(TrainingLoop loop, double lossG, double lossD) {
            bar.stepTo(loop.state().nimg());
            bar.setExtraMessage(String.format(" G %.3f D %.3f", lossG, lossD)
                    + (loop.config().augmentation().enabled() ? String.format(" p %.3f", loop.state().augmentP()) : ""));
        }

        @Override
        public void onTick(TrainingLoop loop, TickStats s) {
            lastTick = String.format("tick %d: %.1f kimg, %dx%d, G %.3f, D %.3f, %.1f img/s", s.tick(), s.kimg(),
                    s.resolution(), s.resolution(), s.lossG(), s.lossD(), s.imagesPerSecond())
                    + (loop.config().augmentation().enabled() ? String.format(", p %.3f, r_t %.2f", s.augmentP(), s.rt())
                    : "");
        }
    }

    /** Copies a snapshot to network-final.safetensors and writes the sample grid and style-mixing figures from it. */
    private static void writeFinal(Path runDir, int gridSize, Path snapshot, PrintWriter out) throws IOException {
        Path finalNet = runDir.resolve("network-final.safetensors");
        AtomicFiles.write(finalNet, o -> Files.copy(snapshot, o));
        List<Path> figures;
        Path grid = runDir.resolve("samples-final.png");
        int resolution;
        try (Generator g = Checkpoint.loadGenerator(finalNet)) {
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
        out.printf("losses:          %s, %s%n", runDir.resolve(TickLog.FILE), runDir.resolve(LossPlot.FILE));
        if (Files.exists(runDir.resolve(LossPlot.AUGMENT_FILE))) {
            out.printf("augmentation:    %s (p and r_t per tick)%n", runDir.resolve(LossPlot.AUGMENT_FILE));
        }
        if (Files.exists(runDir.resolve(TrainingMetrics.FILE))) {
            out.printf("metrics:         %s, %s%n", runDir.resolve(TrainingMetrics.FILE),
                    runDir.resolve(TrainingMetrics.PLOT));
        }
        out.flush();
    }

    private static List<Path> writeMixingFigures(Generator g, Path runDir) {
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
            Path file = runDir.resolve("style-mixing-" + band.name().toLowerCase(Locale.ROOT) + ".png");
            int batch = Math.min(8, SampleGrid.imagesPerPass(g.config().resolution()));
            Images.writePng(new StyleMixingFigure(g, rows, cols, range).batchSize(batch).render().figure(), file);
            files.add(file);
        }
        return files;
    }
}
