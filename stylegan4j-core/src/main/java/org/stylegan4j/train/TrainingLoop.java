package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.BatchLoader;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.io.AtomicFiles;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.nn.Downscale2d;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;
import org.stylegan4j.nn.Upscale2d;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * StyleGAN's training loop (appendix C): alternating D and G steps with Adam, progressive growing
 * with fade-in, the generator's moving average, style-mixing regularisation, the tracked average of
 * w, the augmentation of D's images with ADA's adaptive probability ({@link AugmentPipe}, {@link AdaController}),
 * ticks, and atomic snapshots from which a run resumes exactly. Logs, sample grids, the loss plot and
 * scheduled snapshots are {@link TrainingListener}s.
 * Networks run at the native resolution of the current level of detail (the official networks run
 * on nearest-upscaled images, which is the same computation done 4^floor(lod) times over; R1 and
 * WGAN-GP are rescaled to match).
 */
public final class TrainingLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    /**
     * How a run ended.
     *
     * @param state counters at the end
     * @param lastSnapshot the last network snapshot written
     * @param finished whether the run reached its total length (false: stopped by time budget or request)
     */
    public record Result(TrainingState state, Path lastSnapshot, boolean finished) {
    }

    private final TrainingConfig config;
    private final ImageDataset data;
    private final Path runDir;
    private final Generator g;
    private final Generator gEma;
    private final Discriminator d;
    private final Adam adamG;
    private final Adam adamD;
    private final TrainingStep steps;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private TrainingState state;
    private BatchLoader loader;
    private Path lastSnapshot;
    private int nonFiniteSteps;

    /** Name of the run's config in its directory. */
    public static final String CONFIG_FILE = "config.json";

    /** Minibatches in a row with a non-finite loss (their updates skipped) after which the run stops. */
    static final int MAX_NON_FINITE_STEPS = 8;

    private TrainingLoop(TrainingConfig config, ImageDataset data, Path runDir) {
        this.config = config;
        this.data = data;
        this.runDir = runDir;
        this.g = new Generator(config.model(), config.seed());
        this.gEma = new Generator(config.model(), config.seed());
        this.d = new Discriminator(config.model(), config.seed() + 1);
        this.adamG = Adam.official(g.parameters());
        this.adamD = Adam.official(d.parameters());
        this.steps = new TrainingStep(config, g, d, adamG, adamD);
        this.state = TrainingState.initial(config.augmentation().p());
    }

    /**
     * Starts a new run in an empty (or new) directory.
     *
     * @param config hyper-parameters (validated; its model must match the data's resolution and channels)
     * @param data training images
     * @param runDir run directory
     * @return the loop
     * @throws IOException if the directory cannot be written
     */
    public static TrainingLoop start(TrainingConfig config, ImageDataset data, Path runDir) throws IOException {
        if (Files.exists(runDir.resolve(CONFIG_FILE))) {
            throw new StyleGanInputException(runDir + " already holds a training run; resume it with --resume "
                    + runDir + " or choose another --outdir");
        }
        checkStart(config, data);
        Checkpoint.Loaded source = config.fineTuning().enabled() ? config.fineTuning().read() : null;
        TrainingLoop loop = new TrainingLoop(config, data, runDir);
        if (source != null) {
            loop.initialiseFrom(source);
        }
        try {
            Files.createDirectories(runDir);
            AtomicFiles.writeString(runDir.resolve(CONFIG_FILE), config.toJson());
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
        return loop;
    }

    /**
     * Starts from a trained network ({@link FineTuning}): G, G_ema (G's weights when the file has only one of them)
     * and D take its tensors, the names and shapes checked; Adam starts fresh, and D's first layers stay fixed.
     */
    private void initialiseFrom(Checkpoint.Loaded source) {
        try {
            String gPrefix = source.has(Checkpoint.G) ? Checkpoint.G : Checkpoint.G_EMA;
            String emaPrefix = source.has(Checkpoint.G_EMA) ? Checkpoint.G_EMA : Checkpoint.G;
            source.loadInto(gPrefix, g.parameters());
            source.loadInto(emaPrefix, gEma.parameters());
            source.loadInto(Checkpoint.D, d.parameters());
        } catch (RuntimeException e) {
            close();
            throw new StyleGanInputException("--init-from " + config.fineTuning().initFrom() + " does not fit this "
                    + "run's model: " + e.getMessage());
        }
        adamD.freeze(config.fineTuning().frozenParameters(d.parameters(), config.model()));
    }

    /**
     * Everything {@link #start} checks before it writes anything: the config is valid
     * ({@link TrainingConfig#validate()}), the data matches the model, the metrics have their networks, the device is
     * there, and every phase fits in its memory.
     *
     * @param config the run's hyper-parameters
     * @param data its training images
     * @throws StyleGanInputException naming the problem and the fix
     */
    public static void checkStart(TrainingConfig config, ImageDataset data) {
        config.validate();
        config.fineTuning().check(config.model());
        checkData(config, data);
        config.metrics().checkNetworks(config.model().numChannels(), config.model().resolution());
        TrainingPlan plan = plan(config, data);
        plan.check(plan.phases(), TrainingPlan.Resources.detect());
    }

    /**
     * The schedule of a run with the estimated peak memory of each phase, from the sizes of its networks (built
     * for the count and freed) and of its data set.
     *
     * @param config the run's hyper-parameters
     * @param data its training images
     * @return the plan
     */
    public static TrainingPlan plan(TrainingConfig config, ImageDataset data) {
        long gParams;
        long dParams;
        try (Generator g = new Generator(config.model(), 0);
             Discriminator d = new Discriminator(config.model(), 0)) {
            gParams = g.parameters().all().stream().mapToLong(ParameterStore.Parameter::size).sum();
            dParams = d.parameters().all().stream().mapToLong(ParameterStore.Parameter::size).sum();
        }
        return TrainingPlan.of(config, gParams, dParams, data.size());
    }

    /**
     * The newest snapshot a run would resume from, without loading it.
     *
     * @param config the run's hyper-parameters
     * @param kimg thousands of images trained at that snapshot
     */
    public record Resumable(TrainingConfig config, double kimg) {
    }

    /**
     * @param runDirOrSnapshot run directory, or a {@code network-snapshot-*.safetensors} inside one
     * @return the config and position of the snapshot {@link #resume} would start from first
     */
    public static Resumable findResumable(Path runDirOrSnapshot) {
        Snapshots.Found f = snapshots(runDirOrSnapshot).get(0);
        return new Resumable(Snapshots.readConfig(f.state()), f.kimg());
    }

    private static List<Snapshots.Found> snapshots(Path runDirOrSnapshot) {
        Path runDir = Files.isDirectory(runDirOrSnapshot) ? runDirOrSnapshot : runDirOrSnapshot.toAbsolutePath().getParent();
        List<Snapshots.Found> found = Snapshots.list(runDir);
        if (!Files.isDirectory(runDirOrSnapshot)) {
            found = found.stream().filter(f -> f.network().getFileName().equals(runDirOrSnapshot.getFileName())).toList();
        }
        if (found.isEmpty()) {
            throw new StyleGanInputException(runDirOrSnapshot + ": no complete snapshot to resume from "
                    + "(expected network-snapshot-KKKKKK.safetensors)");
        }
        return found;
    }

    /**
     * Resumes a run from its newest complete snapshot, or from a given snapshot file.
     *
     * @param runDirOrSnapshot run directory, or a {@code network-snapshot-*.safetensors} inside one
     * @param data training images (the same set)
     * @return the loop, positioned exactly where the snapshot was taken
     */
    public static TrainingLoop resume(Path runDirOrSnapshot, ImageDataset data) {
        return resume(runDirOrSnapshot, data, UnaryOperator.identity());
    }

    /**
     * Resumes a run, optionally with a new length; refused when a remaining phase cannot fit in memory.
     *
     * @param runDirOrSnapshot run directory, or a {@code network-snapshot-*.safetensors} inside one
     * @param data training images (the same set)
     * @param totalKimg new length of the run in thousands of images (null: the run's own)
     * @return the loop, positioned exactly where the snapshot was taken
     */
    public static TrainingLoop resume(Path runDirOrSnapshot, ImageDataset data, Double totalKimg) {
        return resume(runDirOrSnapshot, data, c -> totalKimg == null ? c : c.toBuilder().totalKimg(totalKimg).build());
    }

    /**
     * Resumes a run with a changed length or changed metrics during training (what does not change the computation
     * up to the snapshot); refused when a remaining phase cannot fit in memory.
     *
     * @param runDirOrSnapshot run directory, or a {@code network-snapshot-*.safetensors} inside one
     * @param data training images (the same set)
     * @param change applied to the snapshot's config; may change {@link TrainingConfig#totalKimg()} and
     *               {@link TrainingConfig#metrics()} only
     * @return the loop, positioned exactly where the snapshot was taken
     * @throws StyleGanInputException when {@code change} changes anything else
     */
    public static TrainingLoop resume(Path runDirOrSnapshot, ImageDataset data, UnaryOperator<TrainingConfig> change) {
        Path runDir = Files.isDirectory(runDirOrSnapshot) ? runDirOrSnapshot : runDirOrSnapshot.toAbsolutePath().getParent();
        removeInterruptedWrites(runDir);
        List<Snapshots.Found> found = snapshots(runDirOrSnapshot);
        RuntimeException last = null;
        for (Snapshots.Found f : found) {
            TrainingConfig stored = Snapshots.readConfig(f.state());
            TrainingConfig config = change.apply(stored);
            checkResumeChange(stored, config);
            checkData(config, data);
            TrainingPlan plan = plan(config, data);
            plan.check(plan.remaining(f.kimg()), TrainingPlan.Resources.detect());
            TrainingLoop loop = new TrainingLoop(config, data, runDir);
            try {
                loop.state = Snapshots.load(f, config.model(), loop.g, loop.gEma, loop.d, loop.adamG, loop.adamD);
                loop.lastSnapshot = f.network();
                loop.adamD.freeze(config.fineTuning().frozenParameters(loop.d.parameters(), config.model()));
                LOG.info("resuming {} at {} kimg", runDir, String.format("%.1f", loop.state.kimg()));
                return loop;
            } catch (Snapshots.IncompatibleSnapshotException e) {
                loop.close();
                throw e;
            } catch (StyleGanInputException e) {
                loop.close();
                LOG.warn("skipping snapshot {}: {}", f.network().getFileName(), e.getMessage());
                last = e;
            }
        }
        throw last;
    }

    private static void checkResumeChange(TrainingConfig stored, TrainingConfig config) {
        List<String> changed = stored.differences(config.toBuilder().totalKimg(stored.totalKimg())
                .metrics(stored.metrics()).build());
        if (!changed.isEmpty()) {
            throw new StyleGanInputException("a resumed run may change its length and metrics only, not "
                    + String.join(", ", changed));
        }
    }

    /** Deletes the temp files of writes that a killed process left behind (the targets are intact). */
    private static void removeInterruptedWrites(Path runDir) {
        try (java.util.stream.Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".")
                    && f.getFileName().toString().contains(".tmp")).toList()) {
                LOG.info("removing {} left by an interrupted write", f.getFileName());
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warn("cannot clean {}: {}", runDir, e.getMessage());
        }
    }

    private static void checkData(TrainingConfig config, ImageDataset data) {
        if (data.resolution() != config.model().resolution()) {
            throw new StyleGanInputException("the data holds " + data.resolution() + "x" + data.resolution()
                    + " images but the model is " + config.model().resolution() + "x" + config.model().resolution()
                    + "; prepare the data with `stylegan4j dataset --resolution " + config.model().resolution() + "`");
        }
        if (data.channels() != config.model().numChannels()) {
            throw new StyleGanInputException("the data has " + data.channels() + " channel(s) but the model expects "
                    + config.model().numChannels());
        }
    }

    /** @return the run's hyper-parameters */
    public TrainingConfig config() {
        return config;
    }

    /** @return the counters */
    public TrainingState state() {
        return state;
    }

    /** @return the trained generator */
    public Generator generator() {
        return g;
    }

    /** @return the discriminator */
    public Discriminator discriminator() {
        return d;
    }

    /** @return the generator's moving average */
    public Generator generatorEma() {
        return gEma;
    }

    /** @return the run directory */
    public Path runDir() {
        return runDir;
    }

    /** @return the training images */
    public ImageDataset data() {
        return data;
    }

    /**
     * Trains until the total length, the time budget or a stop request, then writes a final snapshot. The run
     * directory's files are written by the standard listeners ({@link TickLog}, {@link SampleGrids},
     * {@link LossPlot}, {@link SnapshotSchedule}, {@link TrainingMetrics}), which receive each event before the given
     * ones.
     *
     * @param budget wall-clock budget (null for none)
     * @param stopRequested polled after every minibatch
     * @param extra further listeners (a progress bar, metrics during training)
     * @return how the run ended
     * @throws IOException if a snapshot or a listener's file cannot be written
     */
    public Result run(Duration budget, BooleanSupplier stopRequested, TrainingListener... extra) throws IOException {
        listeners.clear();
        listeners.addAll(List.of(new TickLog(), new SampleGrids(), new LossPlot(), new SnapshotSchedule(),
                new TrainingMetrics()));
        listeners.addAll(List.of(extra));
        long start = System.nanoTime();
        double secondsAtStart = state.totalSeconds();
        long deadline = budget == null ? Long.MAX_VALUE : start + budget.toNanos();
        Schedule sched = Schedule.at(config, state.kimg());
        loader = new BatchLoader(data, sched.minibatch(), sched.resolution(), config.seed(), config.mirror(),
                state.loaderPosition(), BatchLoader.DEFAULT_CACHE_BYTES);
        try {
            for (TrainingListener l : listeners) {
                l.onStart(this);
            }
            return train(start, secondsAtStart, deadline, stopRequested);
        } catch (RuntimeException e) {
            if (lastSnapshot == null && state.tick() == 0) {
                discardUnstartedRun();
            }
            throw e;
        } finally {
            loader.close();
            for (TrainingListener l : listeners) {
                l.onEnd(this);
            }
        }
    }

    /**
     * Removes what a new run wrote before it failed in its first tick (config, reals grid), and its directory when
     * that is then empty, so that the same command can be run again once the problem is fixed.
     */
    private void discardUnstartedRun() {
        try (java.util.stream.Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.equals(CONFIG_FILE) || name.equals(SampleGrids.REALS) || name.equals(TickLog.FILE)
                        || name.equals(LossPlot.FILE) || name.equals(LossPlot.AUGMENT_FILE) || name.equals(TrainingMetrics.FILE)
                        || name.equals(TrainingMetrics.PLOT) || name.matches("fakes\\d+\\.png")) {
                    Files.deleteIfExists(f);
                }
            }
            try (java.util.stream.Stream<Path> left = Files.list(runDir)) {
                if (left.findAny().isEmpty()) {
                    Files.deleteIfExists(runDir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean {} after the failed start: {}", runDir, e.getMessage());
        }
    }

    private Result train(long start, double secondsAtStart, long deadline, BooleanSupplier stopRequested)
            throws IOException {
        try (NDManager manager = Engines.newManager()) {
            TickAccumulator acc = new TickAccumulator();
            long tickStartNanos = System.nanoTime();
            ResidentMemory.resetPeak();
            boolean finished = false;
            boolean trained = false;
            while (true) {
                if (state.nimg() >= config.totalKimg() * 1000) {
                    finished = true;
                    break;
                }
                if (System.nanoTime() >= deadline || stopRequested.getAsBoolean()) {
                    break;
                }
                trained = true;
                StepResult r = step(manager);
                acc.add(r);
                double seconds = secondsAtStart + (System.nanoTime() - start) / 1e9;
                state = state.withTotalSeconds(seconds);
                for (TrainingListener l : listeners) {
                    l.onStep(this, r.lossG, r.lossD);
                }
                Schedule now = Schedule.at(config, state.kimg());
                if (state.nimg() - state.tickStartNimg() >= now.tickKimg() * 1000) {
                    TickStats stats = finishTick(acc, (System.nanoTime() - tickStartNanos) / 1e9, now);
                    tickStartNanos = System.nanoTime();
                    acc = new TickAccumulator();
                    for (TrainingListener l : listeners) {
                        l.onTick(this, stats);
                    }
                    ResidentMemory.resetPeak();
                }
            }
            if (trained || lastSnapshot == null) {
                snapshot();
            } else if (finished) {
                LOG.info("{} has trained its {} kimg already; pass a larger --kimg to train longer", runDir,
                        config.totalKimg());
            }
            return new Result(state, lastSnapshot, finished);
        }
    }

    /** The losses of one minibatch, and the signs of its real scores. */
    private record StepResult(double lossG, double lossD, double penalty, double realScore, double fakeScore, int n,
                              double realSignSum, long realScores) {
    }

    /** Averages of the current tick. */
    private static final class TickAccumulator {
        double lossG;
        double lossD;
        double penalty;
        double real;
        double fake;
        double realSigns;
        long realScores;
        int steps;

        void add(StepResult r) {
            lossG += r.lossG;
            lossD += r.lossD;
            penalty += r.penalty;
            real += r.realScore;
            fake += r.fakeScore;
            if (Double.isFinite(r.realSignSum)) {
                realSigns += r.realSignSum;
                realScores += r.realScores;
            }
            steps++;
        }
    }

    private StepResult step(NDManager manager) {
        long it = state.iteration();
        boolean reevaluate = state.scheduleIteration() < 0 || it - state.scheduleIteration() >= config.minibatchRepeats();
        double scheduleKimg = reevaluate ? state.kimg() : state.scheduleKimg();
        Schedule sched = Schedule.at(config, scheduleKimg);
        double lod = sched.lod();
        int lodFloor = (int) Math.floor(lod);
        int lodCeil = (int) Math.ceil(lod);
        if (config.resetOptimizerOnLodChange() && (lodFloor != state.lodFloor() || lodCeil != state.lodCeil())) {
            adamG.reset();
            adamD.reset();
        }
        loader.configure(sched.minibatch(), sched.resolution());
        BatchLoader.Batch batch = loader.next();
        Random rng = new Random(config.seed() * 0x9E3779B97F4A7C15L ^ (it + 1) * 0xBF58476D1CE4E5B9L);
        StepResult result;
        try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            int res = batch.resolution();
            NDArray reals = processReals(Tensors.owned(step, batch.data(), new Shape(batch.n(), batch.channels(), res, res)), lod);
            double p = state.augmentP();
            double[] dl = steps.discriminatorStep(step, reals, lod, rng, sched.learningRate(), it, p);
            GeneratorEma.update(gEma.parameters(), g.parameters(), GeneratorEma.beta(batch.n(), config.gSmoothingKimg()));
            double lossG = steps.generatorStep(step, batch.n(), lod, rng, sched.learningRate(), p);
            result = new StepResult(lossG, dl[0], dl[1], dl[2], dl[3], batch.n(), dl[4], (long) dl[5]);
        }
        AdaController ada = new AdaController(config.augmentation(), state.augmentP(), state.adaSignSum(),
                state.adaSignCount());
        ada.update(it, batch.n(), result.realSignSum(), result.realScores());
        if (!Double.isFinite(result.lossG) || !Double.isFinite(result.lossD)) {
            nonFiniteSteps++;
            LOG.warn("non-finite loss at {} kimg (G {}, D {}); its updates were skipped", String.format("%.1f", state.kimg()),
                    result.lossG, result.lossD);
            if (nonFiniteSteps >= MAX_NON_FINITE_STEPS) {
                throw new TrainingDivergedException("training diverged at " + String.format("%.1f", state.kimg())
                        + " kimg (" + nonFiniteSteps + " minibatches in a row with a non-finite loss); the last good "
                        + "snapshot is " + (lastSnapshot == null ? "none yet" : lastSnapshot.toString()));
            }
        } else {
            nonFiniteSteps = 0;
        }
        state = new TrainingState(state.nimg() + batch.n(), it + 1, state.tick(), state.tickStartNimg(), lodFloor,
                lodCeil, scheduleKimg, reevaluate ? it : state.scheduleIteration(), adamG.steps(), adamD.steps(),
                loader.consumed(), state.totalSeconds(), ada.p(), ada.signSum(), ada.signCount());
        return result;
    }

    /**
     * FadeLOD of the official process_reals at the native resolution: the reals arrive at level floor(lod) (as the
     * official dataset's level of detail floor(lod)); during a fade they are blended with the coarser level.
     */
    private static NDArray processReals(NDArray y, double lod) {
        double alpha = lod - Math.floor(lod);
        if (alpha > 0) {
            NDArray coarse = Upscale2d.apply(Downscale2d.apply(y, 2), 2);
            y = y.add(Tensors.scale(coarse.sub(y), alpha));
        }
        return y;
    }

    private TickStats finishTick(TickAccumulator acc, double seconds, Schedule sched) {
        long imgs = state.nimg() - state.tickStartNimg();
        int steps = Math.max(1, acc.steps);
        TickStats stats = new TickStats(state.tick() + 1, state.kimg(), Schedule.at(config, state.scheduleKimg()).lod(),
                sched.resolution(),
                sched.minibatch(), acc.lossG / steps, acc.lossD / steps, acc.penalty / steps, acc.real / steps,
                acc.fake / steps, seconds / (imgs / 1000.0), imgs / seconds, ResidentMemory.megabytes(),
                state.totalSeconds(), ResidentMemory.peakMegabytes(), state.augmentP(),
                acc.realScores == 0 ? 0 : acc.realSigns / acc.realScores);
        state = state.nextTick();
        return stats;
    }

    /**
     * Writes a snapshot of the run as it is now and tells the listeners.
     *
     * @return the network snapshot
     * @throws IOException if it cannot be written
     * @throws TrainingDivergedException if a weight is NaN or infinite (nothing is written)
     */
    public Path snapshot() throws IOException {
        for (Generator net : List.of(g, gEma)) {
            checkFinite(net.parameters());
        }
        checkFinite(d.parameters());
        lastSnapshot = Snapshots.write(runDir, config, state, g, gEma, d, adamG, adamD);
        LOG.info("snapshot {}", lastSnapshot.getFileName());
        for (TrainingListener l : listeners) {
            l.onSnapshot(this, lastSnapshot);
        }
        return lastSnapshot;
    }

    private void checkFinite(ParameterStore store) {
        for (ParameterStore.Parameter p : store.all()) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (p.array().isNaN().logicalOr(p.array().isInfinite()).any().getBoolean()) {
                    throw new TrainingDivergedException("weight '" + p.name() + "' became NaN or infinite at "
                            + String.format("%.1f", state.kimg()) + " kimg; the last good snapshot is "
                            + (lastSnapshot == null ? "none yet" : lastSnapshot.toString()));
                }
            }
        }
    }

    @Override
    public void close() {
        steps.close();
        adamG.close();
        adamD.close();
        g.close();
        gEma.close();
        d.close();
    }
}
