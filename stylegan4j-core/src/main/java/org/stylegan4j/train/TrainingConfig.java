package org.stylegan4j.train;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.MinibatchStddev;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hyper-parameters of a training run (appendix C), with the official FFHQ values and a preset sized
 * for training small images on a CPU ({@code small}, alias {@code digits}). Stored as {@code config.json} in the run directory.
 */
public final class TrainingConfig {

    /** Architecture. */
    public ModelConfig model;
    /** Training preset name. */
    public String preset;
    /** Length of the run in thousands of real images shown to D. */
    public double totalKimg = 25000;
    /** Progressive growing (false: train at full resolution from the start, the 'fixed' structure). */
    public boolean progressive = true;
    /** First resolution of progressive growing. */
    public int lodInitialResolution = 8;
    /** Thousands of images per stable phase. */
    public double lodTrainingKimg = 600;
    /** Thousands of images per fade-in. */
    public double lodTransitionKimg = 600;
    /** Minibatch where the per-resolution table has no entry. */
    public int minibatchBase = 32;
    /** Minibatch per schedule resolution. */
    public Map<Integer, Integer> minibatchDict = new TreeMap<>(Map.of(4, 512, 8, 256, 16, 128, 32, 64, 64, 32));
    /** Learning rate where the per-resolution table has no entry. */
    public double lrBase = 0.001;
    /** Learning rate per schedule resolution (the same for G and D). */
    public Map<Integer, Double> lrDict = new TreeMap<>(Map.of(128, 0.0015, 256, 0.002, 512, 0.003, 1024, 0.003));
    /**
     * Share of the run's images ({@link #totalKimg}) at its end over which the learning rate falls to 0 along a
     * half cosine; 0 keeps it constant, as the paper does (the small preset ramps down over the last quarter of its images).
     */
    public double lrRampdown = 0;
    /** Minibatches between re-evaluations of the schedule. */
    public int minibatchRepeats = 4;
    /** Re-initialise Adam whenever floor(lod) or ceil(lod) changes. */
    public boolean resetOptimizerOnLodChange = true;
    /** Loss: {@code logistic} (non-saturating + R1) or {@code wgan-gp}. */
    public String loss = "logistic";
    /** R1 weight gamma. */
    public double r1Gamma = 10;
    /**
     * Minibatches between gradient penalties: 1 is the paper (every minibatch); N > 1 is StyleGAN2's
     * lazy regularisation, the penalty scaled by N on every N-th minibatch (the small preset, for speed).
     */
    public int penaltyInterval = 1;
    /** WGAN-GP weight lambda. */
    public double wganLambda = 10;
    /** WGAN drift weight epsilon. */
    public double wganEpsilon = 0.001;
    /** Half-life of the generator's moving average, in thousands of images. */
    public double gSmoothingKimg = 10;
    /** Decay of the tracked average of w per minibatch. */
    public double wAvgBeta = 0.995;
    /** Flip reals horizontally with probability 0.5. */
    public boolean mirror = false;
    /** Seed of every random draw of the run. */
    public long seed = 1000;
    /** Thousands of images per tick where the per-resolution table has no entry. */
    public double tickKimgBase = 160;
    /** Thousands of images per tick, per schedule resolution. */
    public Map<Integer, Double> tickKimgDict = new TreeMap<>(Map.of(4, 160.0, 8, 140.0, 16, 120.0, 32, 100.0, 64, 80.0,
            128, 60.0, 256, 40.0, 512, 30.0, 1024, 20.0));
    /** Samples per minibatch-stddev group in D (official 4; min(group, minibatch) is used). */
    public int stddevGroupSize = MinibatchStddev.GROUP_SIZE;
    /** Minibatch-stddev features appended in D (official 1), each over an equal share of the channels at 4x4. */
    public int stddevFeatures = MinibatchStddev.NUM_FEATURES;
    /** Images D scores together as one input (PacGAN; 1 = the paper, 2 in the small preset). */
    public int pack = 1;
    /**
     * Worker threads sharing each minibatch, each on its own share with a replica of G and D and
     * {@code cores / workers} intra-op threads (1: one worker on all cores). Not in the paper; the
     * minibatch-stddev groups and packs of D stay within a worker's share, so it is part of the config.
     */
    public int workers = 1;
    /**
     * Most images a worker runs through G and D at once (0: its whole share). A larger share runs in rounds of this
     * many images whose gradients are summed before the update, as the paper's minibatch of 32 at 1024x1024 ran as
     * 8 GPUs x 4 images: the same minibatch in less memory. Not in the paper; the minibatch-stddev groups and packs
     * of D stay within a round.
     */
    public int batchRound = 0;
    /**
     * Round sizes per schedule resolution, overriding {@link #batchRound} there: what {@code --batch-round auto}
     * chose from the memory available when the run started (the largest that fits each phase), kept so that a
     * resumed run computes exactly as before.
     */
    public Map<Integer, Integer> batchRoundDict = new TreeMap<>();
    /** Ticks between network snapshots. */
    public int snapshotTicks = 10;
    /** Columns and rows of the sample grid written every tick. */
    public int gridSize = 8;

    /**
     * Images each worker runs at once for a minibatch at a resolution: its share, or the round size set for that
     * resolution ({@link #batchRoundDict}, else {@link #batchRound}) when smaller.
     *
     * @param resolution schedule resolution
     * @param minibatch images per minibatch
     * @return images per round
     */
    public int roundSize(int resolution, int minibatch) {
        return roundOf(minibatch, batchRoundDict.getOrDefault(resolution, batchRound));
    }

    private int roundOf(int minibatch, int round) {
        int share = minibatch / workers;
        return round > 0 ? Math.min(share, round) : share;
    }

    /**
     * Checks that every minibatch of the schedule splits into workers, rounds, packs and minibatch-stddev groups.
     *
     * @throws StyleGanInputException naming the options to change
     */
    public void checkMinibatches() {
        for (int res = 4; res <= model.resolution(); res *= 2) {
            int mb = minibatchDict.getOrDefault(res, minibatchBase);
            String problem = splitProblem(mb, batchRoundDict.getOrDefault(res, batchRound));
            if (problem != null) {
                throw new StyleGanInputException(problem);
            }
        }
    }

    /**
     * @param mb a minibatch
     * @param round a round size (0: the whole share)
     * @return why the minibatch does not split into workers, rounds of that size, packs and minibatch-stddev
     *         groups, or null when it does
     */
    String splitProblem(int mb, int round) {
        if (mb % (pack * workers) != 0) {
            return "the minibatch " + mb + " does not split into " + workers
                    + " worker share(s) that are multiples of the pack size " + pack
                    + " (see --batch, --workers and --pack)";
        }
        int share = mb / workers;
        int size = roundOf(mb, round);
        if (share % size != 0 || size % pack != 0) {
            return "the worker share of " + share + " images does not split into rounds of " + size
                    + " that are multiples of the pack size " + pack + " (see --batch-round, --batch and --pack)";
        }
        int scored = size / pack;
        if (scored % Math.min(stddevGroupSize, scored) != 0) {
            return "the " + scored + " inputs of D per " + (size < share ? "round" : "worker share")
                    + " are not a multiple of the minibatch-stddev group " + stddevGroupSize
                    + " (see --batch, --workers, --batch-round, --pack and --mbstd-group)";
        }
        return null;
    }

    /**
     * A training preset for a model.
     *
     * @param name {@code ffhq} (the paper's FFHQ schedule) or {@code small}, alias {@code digits} (minutes on a
     *             CPU for small images and datasets; deviates from the paper with a learning rate of 0.005, a
     *             packing discriminator that scores 2 images at a time,
     *             lazy R1, a wider minibatch-stddev group and a learning rate that ramps down over the last quarter
     *             of its 200k images, see docs/digits-preset.md)
     * @param model architecture
     * @return the config
     */
    public static TrainingConfig preset(String name, ModelConfig model) {
        TrainingConfig c = new TrainingConfig();
        c.model = model;
        switch (name.toLowerCase(Locale.ROOT)) {
            case "ffhq":
            case "b":
            case "c":
            case "d":
            case "e":
            case "f":
                c.preset = "ffhq";
                c.mirror = true;
                return c;
            case "small":
            case "digits":
                c.preset = "small";
                c.totalKimg = 200;
                c.lodTrainingKimg = 4;
                c.lodTransitionKimg = 4;
                c.minibatchBase = 32;
                c.minibatchDict = new TreeMap<>(Map.of(8, 64, 16, 32, 32, 32));
                c.stddevGroupSize = 32;
                c.lrBase = 0.005;
                c.lrDict = new TreeMap<>();
                c.lrRampdown = 0.25;
                c.pack = 2;
                c.r1Gamma = 5;
                c.penaltyInterval = 8;
                c.gSmoothingKimg = 2;
                c.tickKimgBase = 4;
                c.tickKimgDict = new TreeMap<>();
                c.snapshotTicks = 1;
                return c;
            default:
                throw new StyleGanInputException("unknown training preset '" + name + "' (known: ffhq, small)");
        }
    }
}
