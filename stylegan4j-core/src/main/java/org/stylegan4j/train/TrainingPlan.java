package org.stylegan4j.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.BatchLoader;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The schedule of a run (appendix C's progressive growing) as a list of phases, each with the estimated peak memory
 * of its training steps, so that a run that cannot fit is refused before it starts.
 *
 * <p>The estimate is a model, calibrated by measurement on the CPU engine (see the README's Training section):
 * a fixed part for the JVM and the engine, the weights, gradients and Adam moments of G, G_ema and D (and of the
 * workers' replicas), the data loader's batches and its level cache, and the activations that a D step with R1
 * and a G step keep for back-propagation, taken as {@link #ACTIVATION_BYTES_PER_UNIT} bytes per unit of
 * {@link #activationUnits}: the feature-map pixels of the blocks up to the phase's resolution (channels x side^2
 * summed over resolutions), per image of a round.
 */
public final class TrainingPlan {

    /**
     * The fixed part: the JVM, the engine's natives and what the allocator keeps, fitted (with the next constant)
     * to the ffhq preset's peaks at 8x8 (minibatch 256), 32x32 (16), 256x256 (2) and 1024x1024 (1), and the 256x256
     * phase of a progressive walk at minibatch 1 (all within 1.5%).
     */
    static final long BASE_BYTES = 1500L << 20;
    /** Bytes of retained activations per unit of {@link #activationUnits} per image (fitted, see above). */
    static final double ACTIVATION_BYTES_PER_UNIT = 100;
    /** Java heap beyond the loader's batches and cache that a run needs (grids, snapshots' staging). */
    static final long HEAP_MARGIN_BYTES = 512L << 20;

    /**
     * One phase of the schedule.
     *
     * @param kind {@code stable} or {@code fade-in}
     * @param startKimg first thousand images of the phase
     * @param endKimg thousands of images at its end (the run's end for the last phase)
     * @param resolution resolution trained (the higher one during a fade-in)
     * @param minibatch images per minibatch
     * @param roundSize images each worker runs at once
     * @param learningRate learning rate before any ramp-down
     * @param peakBytes estimated peak memory of the process
     * @param heapBytes Java heap the loader needs (batches and level cache)
     */
    public record Phase(String kind, double startKimg, double endKimg, int resolution, int minibatch, int roundSize,
                        double learningRate, long peakBytes, long heapBytes) {
    }

    /**
     * The memory a run may use.
     *
     * @param device where the tensors live, in words
     * @param limitBytes memory available to the run (host memory on the CPU, the GPU's memory on a GPU)
     * @param heapBytes the JVM's maximum heap
     */
    public record Resources(String device, long limitBytes, long heapBytes) {

        /**
         * The memory of this process's device: on the CPU, the host memory available now ({@code MemAvailable}
         * plus what this process already holds); on a GPU, the GPU's memory. The heap is the JVM's maximum.
         *
         * @return the resources
         */
        public static Resources detect() {
            Device device = Engines.device();
            long heap = Runtime.getRuntime().maxMemory();
            if (device.isGpu()) {
                return new Resources(device.toString(), CudaUtils.getGpuMemory(device).getMax(), heap);
            }
            return new Resources("this machine", hostAvailableBytes(), heap);
        }

        private static long hostAvailableBytes() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemAvailable:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        double rss = ResidentMemory.megabytes();
                        return (kb << 10) + (Double.isNaN(rss) ? 0 : (long) (rss * (1 << 20)));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return Long.MAX_VALUE;
            }
            return Long.MAX_VALUE;
        }
    }

    private final TrainingConfig config;
    private final long generatorParams;
    private final long discriminatorParams;
    private final int datasetSize;
    private final List<Phase> phases;

    private TrainingPlan(TrainingConfig config, long generatorParams, long discriminatorParams, int datasetSize) {
        this.config = config;
        this.generatorParams = generatorParams;
        this.discriminatorParams = discriminatorParams;
        this.datasetSize = datasetSize;
        this.phases = List.copyOf(buildPhases());
    }

    /**
     * @param config the run's hyper-parameters
     * @param generatorParams trainable and non-trainable values of G
     * @param discriminatorParams values of D
     * @param datasetSize images in the training set (bounds the level cache)
     * @return the plan of the whole run
     */
    public static TrainingPlan of(TrainingConfig config, long generatorParams, long discriminatorParams, int datasetSize) {
        return new TrainingPlan(config, generatorParams, discriminatorParams, datasetSize);
    }

    /** @return the phases in order, the last one ending at the run's length */
    public List<Phase> phases() {
        return phases;
    }

    /**
     * @param kimg thousands of images already trained
     * @return the phases that end after that point
     */
    public List<Phase> remaining(double kimg) {
        return phases.stream().filter(p -> p.endKimg() > kimg).toList();
    }

    private List<Phase> buildPhases() {
        List<Phase> out = new ArrayList<>();
        int full = config.model().resolution();
        double total = config.totalKimg();
        if (!config.progressive()) {
            out.add(phase("stable", 0, total, full));
            return out;
        }
        double stable = config.lodTrainingKimg();
        double fade = config.lodTransitionKimg();
        int res = Math.min(full, Integer.highestOneBit(Math.max(4, config.lodInitialResolution())));
        double kimg = 0;
        while (kimg < total) {
            if (res >= full) {
                out.add(phase("stable", kimg, total, full));
                break;
            }
            out.add(phase("stable", kimg, Math.min(total, kimg + stable), res));
            kimg += stable;
            if (kimg >= total) {
                break;
            }
            if (fade > 0) {
                out.add(phase("fade-in", kimg, Math.min(total, kimg + fade), 2 * res));
                kimg += fade;
            }
            res *= 2;
        }
        return out;
    }

    private Phase phase(String kind, double start, double end, int res) {
        int mb = config.minibatchDict().getOrDefault(res, config.minibatchBase());
        double lr = config.lrDict().getOrDefault(res, config.lrBase());
        int round = config.roundSize(res, mb);
        return new Phase(kind, start, end, res, mb, round, lr, peakBytes(res, mb, round), heapBytes(res, mb));
    }

    /**
     * Feature-map pixels of the blocks up to a resolution: the sum over r = 4, 8, ..., res of nf(log2 r - 1) r^2.
     *
     * @param model architecture
     * @param res resolution of the phase
     * @return activation units per image
     */
    public static long activationUnits(ModelConfig model, int res) {
        long units = 0;
        for (int r = 4; r <= res; r *= 2) {
            units += (long) model.nf(Integer.numberOfTrailingZeros(r) - 1) * r * r;
        }
        return units;
    }

    private long heapBytes(int res, int mb) {
        long perImage = (long) config.model().numChannels() * res * res;
        long batch = BatchLoader.batchBytes(mb, config.model().numChannels(), res);
        long cache = Math.min(BatchLoader.DEFAULT_CACHE_BYTES, perImage * datasetSize);
        return BatchLoader.peakBatchBytes(batch) + cache + HEAP_MARGIN_BYTES;
    }

    private long peakBytes(int res, int mb, int round) {
        long weights = Float.BYTES * (5 * generatorParams + 4 * discriminatorParams)
                + (config.workers() - 1L) * Float.BYTES * 2 * (generatorParams + discriminatorParams);
        long staging = BatchLoader.batchBytes(mb, config.model().numChannels(), res);
        double activations = ACTIVATION_BYTES_PER_UNIT * round * config.workers()
                * activationUnits(config.model(), res);
        return BASE_BYTES + weights + heapBytes(res, mb) - HEAP_MARGIN_BYTES + staging + (long) activations;
    }

    /**
     * Refuses a plan that does not fit, naming the phase and the option that would make it fit.
     *
     * @param phasesToRun the phases the run will train (all of them, or the {@link #remaining} ones on resume)
     * @param resources the memory available
     * @throws StyleGanInputException when a phase's estimate exceeds the memory or its loader the heap
     */
    public void check(List<Phase> phasesToRun, Resources resources) {
        for (Phase p : phasesToRun) {
            if (p.heapBytes() > resources.heapBytes()) {
                throw new StyleGanInputException(String.format(Locale.ROOT, "the %dx%d phase needs a Java heap of about "
                        + "%s but the JVM may use %s; raise it (e.g. STYLEGAN4J_JAVA_OPTS=-Xmx%dg)", p.resolution(),
                        p.resolution(), gigabytes(p.heapBytes()), gigabytes(resources.heapBytes()),
                        (p.heapBytes() >> 30) + 2));
            }
        }
        Phase worst = null;
        for (Phase p : phasesToRun) {
            if (p.peakBytes() > resources.limitBytes() && (worst == null || p.peakBytes() > worst.peakBytes())) {
                worst = p;
            }
        }
        if (worst == null) {
            return;
        }
        String fix;
        try {
            Map<Integer, Integer> rounds = autoRounds(phasesToRun, resources.limitBytes());
            fix = "--batch-round auto runs each phase's minibatch in rounds as large as fit (here " + rounds.entrySet()
                    .stream().map(e -> e.getValue() + " at " + e.getKey() + "x" + e.getKey()).collect(Collectors.joining(", "))
                    + " images per worker)";
        } catch (StyleGanInputException none) {
            fix = "lower --batch or stop earlier with --kimg";
        }
        throw new StyleGanInputException(String.format(Locale.ROOT, "the %dx%d %s phase (from %.0f kimg) needs about %s "
                        + "with minibatch %d in rounds of %d, but %s has %s; %s (see train --plan)", worst.resolution(),
                worst.resolution(), worst.kind(), worst.startKimg(), gigabytes(worst.peakBytes()), worst.minibatch(),
                worst.roundSize(), resources.device(), gigabytes(resources.limitBytes()), fix));
    }

    /**
     * The round sizes of {@code --batch-round auto}: for each resolution of the phases, the largest round (at
     * most the worker's share) that splits the minibatch validly and whose estimate fits the limit.
     *
     * @param phasesToRun the phases the run will train
     * @param limitBytes the memory available
     * @return round size per resolution
     * @throws StyleGanInputException when some phase does not fit even in rounds of the smallest valid size
     */
    public Map<Integer, Integer> autoRounds(List<Phase> phasesToRun, long limitBytes) {
        Map<Integer, Integer> rounds = new TreeMap<>();
        for (Phase p : phasesToRun) {
            if (rounds.containsKey(p.resolution())) {
                continue;
            }
            int share = p.minibatch() / config.workers();
            int chosen = 0;
            for (int r = share; r >= 1 && chosen == 0; r--) {
                if (config.splitProblem(p.minibatch(), r) == null
                        && peakBytes(p.resolution(), p.minibatch(), r) <= limitBytes) {
                    chosen = r;
                }
            }
            if (chosen == 0) {
                throw new StyleGanInputException(String.format(Locale.ROOT, "the %dx%d phase does not fit in %s even "
                        + "one image at a time; lower --batch or stop earlier with --kimg (see train --plan)",
                        p.resolution(), p.resolution(), gigabytes(limitBytes)));
            }
            rounds.put(p.resolution(), chosen);
        }
        return rounds;
    }

    /**
     * @param phasesToRun phases to list
     * @param resources the memory available
     * @return the plan as a text table, one line per phase, and the memory available
     */
    public String table(List<Phase> phasesToRun, Resources resources) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %-19s %-10s %-9s %-6s %-8s %s%n", "phase", "kimg", "resolution",
                "minibatch", "round", "lr", "est. peak memory"));
        for (Phase p : phasesToRun) {
            sb.append(String.format(Locale.ROOT, "%-8s %8.1f - %-8.1f %-10s %-9d %-6d %-8s %s%s%n", p.kind(),
                    p.startKimg(), p.endKimg(), p.resolution() + "x" + p.resolution(), p.minibatch(), p.roundSize(),
                    java.math.BigDecimal.valueOf(p.learningRate()).round(new java.math.MathContext(4))
                            .stripTrailingZeros().toPlainString(), gigabytes(p.peakBytes()),
                    p.peakBytes() > resources.limitBytes() ? "  (does not fit)" : ""));
        }
        if (config.lrRampdown() > 0) {
            sb.append(String.format(Locale.ROOT, "the learning rate ramps down to 0 over the last %.1f kimg%n",
                    config.lrRampdown() * config.totalKimg()));
        }
        sb.append(String.format(Locale.ROOT, "G %,d and D %,d parameters, %d images; %s: %s available, Java heap %s",
                generatorParams, discriminatorParams, datasetSize, resources.device(), gigabytes(resources.limitBytes()),
                gigabytes(resources.heapBytes())));
        return sb.toString();
    }

    /**
     * @param bytes a size
     * @return the size in GB with one decimal (GiB), or MB below 1 GB
     */
    static String gigabytes(long bytes) {
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.0f MB", bytes / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }
}
