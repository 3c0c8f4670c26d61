package org.stylegan4j.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.metrics.MetricNetworks;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.ModelConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hyper-parameters of a training run (appendix C), with the official FFHQ values and a preset sized for training
 * small images on a CPU ({@code small}, alias {@code digits}): one immutable tree with the architecture
 * ({@link ModelConfig}, which holds the discriminator's options) at its root, stored as {@code config.json} in the
 * run directory and in every snapshot. Build one from a preset with {@link #preset} and change it with
 * {@link #toBuilder()}; {@link Builder#build()} and {@link #fromJson} {@linkplain #validate() validate} it, so a
 * {@code TrainingConfig} a run starts from has passed every check the command line makes.
 *
 * @param model Architecture (with the discriminator's options).
 * @param preset Training preset name (informational).
 * @param totalKimg Length of the run in thousands of real images shown to D.
 * @param progressive Progressive growing (false: train at full resolution from the start, the 'fixed' structure).
 * @param lodInitialResolution First resolution of progressive growing.
 * @param lodTrainingKimg Thousands of images per stable phase.
 * @param lodTransitionKimg Thousands of images per fade-in.
 * @param minibatchBase Minibatch where the per-resolution table has no entry.
 * @param minibatchDict Minibatch per schedule resolution.
 * @param lrBase Learning rate where the per-resolution table has no entry.
 * @param lrDict Learning rate per schedule resolution (the same for G and D).
 * @param lrRampdown Share of the run's images at its end over which the learning rate falls to 0 along a half
 *        cosine. 0 keeps it constant, as the paper does (the small preset ramps down over the last quarter of its
 *        images).
 * @param minibatchRepeats Minibatches between re-evaluations of the schedule.
 * @param resetOptimizerOnLodChange Re-initialise Adam whenever floor(lod) or ceil(lod) changes.
 * @param loss The adversarial loss.
 * @param r1Gamma R1 weight gamma.
 * @param penaltyInterval Minibatches between gradient penalties. 1 is the paper (every minibatch); N > 1 is
 *        StyleGAN2's lazy regularisation, the penalty scaled by N on every N-th minibatch (the small preset, for
 *        speed).
 * @param wganLambda WGAN-GP weight lambda.
 * @param wganEpsilon WGAN drift weight epsilon.
 * @param gSmoothingKimg Half-life of the generator's moving average, in thousands of images (0: no averaging).
 * @param wAvgBeta Decay of the tracked average of w per minibatch.
 * @param mirror Flip reals horizontally with probability 0.5.
 * @param seed Seed of every random draw of the run.
 * @param tickKimgBase Thousands of images per tick where the per-resolution table has no entry.
 * @param tickKimgDict Thousands of images per tick, per schedule resolution.
 * @param workers Worker threads sharing each minibatch. Each works on its own share with a replica of G and D and
 *        {@code cores / workers} intra-op threads (1: one worker on all cores). Not in the paper; the minibatch-
 *        stddev groups and packs of D stay within a worker's share, so it is part of the config.
 * @param batchRound Most images a worker runs through G and D at once (0: its whole share). A larger share runs in
 *        rounds of this many images whose gradients are summed before the update, as the paper's minibatch of 32
 *        at 1024x1024 ran as 8 GPUs x 4 images: the same minibatch in less memory. Not in the paper; the
 *        minibatch-stddev groups and packs of D stay within a round.
 * @param batchRoundDict Round sizes per schedule resolution, overriding {@code batchRound} there. What {@code
 *        --batch-round auto} chose from the memory available when the run started (the largest that fits each
 *        phase), kept so that a resumed run computes exactly as before.
 * @param snapshotTicks Ticks between network snapshots.
 * @param gridSize Columns and rows of the sample grid written every tick.
 * @param metrics The paper's metrics measured during the run ({@link TrainingMetrics}; none by default, the digit
 *        classifier's FID in the small preset on 32x32 grayscale data). Not part of what the run computes.
 * @param fineTuning The trained network the run starts from and the layers of D kept fixed ({@link FineTuning};
 *        none by default).
 * @param augmentation The augmentation of the images D sees ({@link Augmentation}: none by default, a fixed
 *        probability, or ADA's adaptive one).
 */
public record TrainingConfig(
        ModelConfig model,
        String preset,
        double totalKimg,
        boolean progressive,
        int lodInitialResolution,
        double lodTrainingKimg,
        double lodTransitionKimg,
        int minibatchBase,
        Map<Integer, Integer> minibatchDict,
        double lrBase,
        Map<Integer, Double> lrDict,
        double lrRampdown,
        int minibatchRepeats,
        boolean resetOptimizerOnLodChange,
        Loss loss,
        double r1Gamma,
        int penaltyInterval,
        double wganLambda,
        double wganEpsilon,
        double gSmoothingKimg,
        double wAvgBeta,
        boolean mirror,
        long seed,
        double tickKimgBase,
        Map<Integer, Double> tickKimgDict,
        int workers,
        int batchRound,
        Map<Integer, Integer> batchRoundDict,
        int snapshotTicks,
        int gridSize,
        MetricsConfig metrics,
        FineTuning fineTuning,
        Augmentation augmentation) {

    /** Largest {@link #gridSize()}: a grid of 32 x 32 images is drawn every tick. */
    public static final int MAX_GRID_SIZE = 32;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the per-resolution tables into sorted, unmodifiable maps (missing tables are empty). */
    public TrainingConfig {
        minibatchDict = sorted(minibatchDict);
        lrDict = sorted(lrDict);
        tickKimgDict = sorted(tickKimgDict);
        batchRoundDict = sorted(batchRoundDict);
        metrics = metrics == null ? MetricsConfig.NONE : metrics;
        fineTuning = fineTuning == null ? FineTuning.NONE : fineTuning;
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
    }

    private static <V> Map<Integer, V> sorted(Map<Integer, V> m) {
        return Collections.unmodifiableSortedMap(m == null ? new TreeMap<>() : new TreeMap<>(m));
    }

    /** The adversarial objective. */
    public enum Loss implements Labelled {
        /** Non-saturating generator loss, logistic discriminator loss with R1 (the paper's FFHQ setting). */
        LOGISTIC("logistic"),
        /** WGAN-GP with the drift term (the paper's CelebA-HQ setting). */
        WGAN_GP("wgan-gp");

        private final String label;

        Loss(String label) {
            this.label = label;
        }

        @Override
        @JsonValue
        public String label() {
            return label;
        }

        /**
         * @param label {@code logistic} or {@code wgan-gp}
         * @return the loss
         * @throws StyleGanInputException naming the known losses
         */
        @JsonCreator
        public static Loss of(String label) {
            return Labelled.of(values(), label, "loss");
        }
    }

    /**
     * A training preset for a model.
     *
     * @param name {@code ffhq} (the paper's FFHQ schedule) or {@code small}, alias {@code digits} (minutes on a
     *             CPU for small images and datasets; deviates from the paper with a learning rate of 0.005, lazy R1
     *             and a learning rate that ramps down over the last quarter of its 200k images, see
     *             docs/digits-preset.md; its model preset adds a packing discriminator with a wider
     *             minibatch-stddev group)
     * @param model architecture
     * @return the config
     */
    public static TrainingConfig preset(String name, ModelConfig model) {
        Builder c = new Builder(model);
        switch (name.toLowerCase(Locale.ROOT)) {
            case "ffhq":
            case "b":
            case "c":
            case "d":
            case "e":
            case "f":
                return c.preset("ffhq").mirror(true).build();
            case "small":
            case "digits":
                return c.preset("small").totalKimg(200).lodTrainingKimg(4).lodTransitionKimg(4).minibatchBase(32)
                        .minibatchDict(Map.of(8, 64, 16, 32, 32, 32)).lrBase(0.005).lrDict(Map.of()).lrRampdown(0.25)
                        .r1Gamma(5).penaltyInterval(8).gSmoothingKimg(2).tickKimgBase(4).tickKimgDict(Map.of())
                        .snapshotTicks(1).metrics(digitsData(model) ? MetricsConfig.digitsFid() : MetricsConfig.NONE)
                        .build();
            default:
                throw new StyleGanInputException("unknown training preset '" + name + "' (known: ffhq, small)");
        }
    }

    /** Whether the bundled digit networks take the model's images (32x32 grayscale). */
    private static boolean digitsData(ModelConfig model) {
        return MetricNetworks.bundled(MetricNetworks.DIGITS).map(d -> d.fits(model.numChannels(), model.resolution()))
                .orElse(false);
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Checks every invariant of a run's configuration: each value in its range and every minibatch of the schedule
     * splitting into workers, rounds, packs and minibatch-stddev groups (the model checks its own values when it is
     * built). Messages name the {@code config.json} field and its command-line option.
     *
     * @return this config
     * @throws StyleGanInputException naming the first problem and what to change
     */
    public TrainingConfig validate() {
        if (model == null || loss == null) {
            throw new StyleGanInputException("a training config needs a model and a loss");
        }
        positive("totalKimg (--kimg)", totalKimg);
        inRange("lodTrainingKimg (--lod-kimg)", lodTrainingKimg, 0, Double.MAX_VALUE);
        inRange("lodTransitionKimg (--lod-kimg)", lodTransitionKimg, 0, Double.MAX_VALUE);
        if (progressive && !(lodTrainingKimg + lodTransitionKimg > 0)) {
            throw new StyleGanInputException("progressive growing needs phases of some length (--lod-kimg)");
        }
        if (lodInitialResolution < 4 || Integer.bitCount(lodInitialResolution) != 1) {
            throw new StyleGanInputException("lodInitialResolution must be a power of two of at least 4, got "
                    + lodInitialResolution);
        }
        atLeastOne("minibatchBase (--batch)", minibatchBase);
        minibatchDict.values().forEach(v -> atLeastOne("minibatchDict (--batch)", v));
        positive("lrBase (--lr)", lrBase);
        lrDict.values().forEach(v -> positive("lrDict (--lr)", v));
        inRange("lrRampdown (--lr-rampdown)", lrRampdown, 0, 1);
        atLeastOne("minibatchRepeats", minibatchRepeats);
        inRange("r1Gamma (--gamma)", r1Gamma, 0, Double.MAX_VALUE);
        atLeastOne("penaltyInterval (--r1-interval)", penaltyInterval);
        inRange("wganLambda", wganLambda, 0, Double.MAX_VALUE);
        inRange("wganEpsilon", wganEpsilon, 0, Double.MAX_VALUE);
        inRange("gSmoothingKimg (--ema-kimg)", gSmoothingKimg, 0, Double.MAX_VALUE);
        inRange("wAvgBeta", wAvgBeta, 0, 1);
        positive("tickKimgBase (--tick-kimg)", tickKimgBase);
        tickKimgDict.values().forEach(v -> positive("tickKimgDict (--tick-kimg)", v));
        atLeastOne("workers (--workers)", workers);
        if (batchRound < 0) {
            throw new StyleGanInputException("batchRound (--batch-round) must be 0 (the whole share) or more, got "
                    + batchRound);
        }
        batchRoundDict.values().forEach(v -> atLeastOne("batchRoundDict (--batch-round)", v));
        atLeastOne("snapshotTicks (--snapshot-ticks)", snapshotTicks);
        atLeastOne("gridSize (--grid-size)", gridSize);
        if (gridSize > MAX_GRID_SIZE) {
            throw new StyleGanInputException("gridSize (--grid-size) must be at most " + MAX_GRID_SIZE + ", got "
                    + gridSize);
        }
        checkMinibatches();
        metrics.validate();
        fineTuning.validate(progressive);
        augmentation.validate();
        return this;
    }

    private static void positive(String what, double value) {
        if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw new StyleGanInputException(what + " must be positive, got " + value);
        }
    }

    private static void inRange(String what, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new StyleGanInputException(what + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void atLeastOne(String what, int value) {
        if (value < 1) {
            throw new StyleGanInputException(what + " must be at least 1, got " + value);
        }
    }

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

    private void checkMinibatches() {
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
        int pack = model.discriminator().pack();
        int group = model.discriminator().stddevGroupSize();
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
        if (scored % Math.min(group, scored) != 0) {
            return "the " + scored + " inputs of D per " + (size < share ? "round" : "worker share")
                    + " are not a multiple of the minibatch-stddev group " + group
                    + " (see --batch, --workers, --batch-round, --pack and --mbstd-group)";
        }
        return null;
    }

    /** @return the tree as the JSON of {@code config.json} */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses and validates a {@code config.json}. Configs written before the discriminator's options moved into
     * the model (with {@code stddevGroupSize}, {@code stddevFeatures} and {@code pack} at the top level) are read
     * as the same tree.
     *
     * @param json the JSON text
     * @param source where it came from, for messages
     * @return the config
     * @throws StyleGanInputException when it is not valid JSON, has unknown fields, or fails {@link #validate()}
     */
    public static TrainingConfig fromJson(String json, String source) {
        try {
            JsonNode tree = JSON.readTree(json);
            if (!(tree instanceof ObjectNode root) || !(root.get("model") instanceof ObjectNode model)) {
                throw new StyleGanInputException(source + ": not a training config (expected a JSON object with a "
                        + "model)");
            }
            moveLegacyDiscriminatorOptions(root, model);
            return JSON.treeToValue(root, TrainingConfig.class).validate();
        } catch (StyleGanInputException e) {
            throw e.getMessage().startsWith(source) ? e : new StyleGanInputException(source + ": " + e.getMessage());
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof StyleGanInputException ? cause.getMessage() : e.getOriginalMessage();
            throw new StyleGanInputException(source + ": training config is not valid (" + why + ")");
        }
    }

    private static void moveLegacyDiscriminatorOptions(ObjectNode root, ObjectNode model) {
        String[] keys = {"stddevGroupSize", "stddevFeatures", "pack"};
        if (!model.has("discriminator") && (root.has(keys[0]) || root.has(keys[1]) || root.has(keys[2]))) {
            ObjectNode d = model.putObject("discriminator");
            DiscriminatorConfig official = DiscriminatorConfig.OFFICIAL;
            int[] defaults = {official.stddevGroupSize(), official.stddevFeatures(), official.pack()};
            for (int i = 0; i < keys.length; i++) {
                d.put(keys[i], root.has(keys[i]) ? root.get(keys[i]).asInt() : defaults[i]);
            }
        }
        for (String k : keys) {
            root.remove(k);
        }
    }

    /**
     * The values in which another config differs from this one, as {@code name: this value -> other value}, the
     * model's prefixed {@code model.} (and its discriminator's {@code model.discriminator.}).
     *
     * @param other another config
     * @return one entry per differing value, in the tree's order
     */
    public List<String> differences(TrainingConfig other) {
        List<String> out = new ArrayList<>();
        diff("", JSON.valueToTree(this), JSON.valueToTree(other), out);
        return out;
    }

    private static void diff(String prefix, JsonNode a, JsonNode b, List<String> out) {
        if (a.isObject() && b.isObject() && !prefix.endsWith("Dict.")) {
            for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                diff(prefix + name + ".", a.get(name), b.path(name), out);
            }
        } else if (!a.equals(b)) {
            out.add(prefix.substring(0, prefix.length() - 1) + ": " + a + " -> " + b);
        }
    }

    /**
     * Collects the values of a {@link TrainingConfig}; {@link #build()} validates them. Starts from the paper's
     * FFHQ values ({@link #Builder(ModelConfig)}) or from a config ({@link TrainingConfig#toBuilder()}); each
     * setter is named after the record component it sets.
     */
    public static final class Builder {
        private ModelConfig model;
        private String preset;
        private double totalKimg;
        private boolean progressive;
        private int lodInitialResolution;
        private double lodTrainingKimg;
        private double lodTransitionKimg;
        private int minibatchBase;
        private Map<Integer, Integer> minibatchDict;
        private double lrBase;
        private Map<Integer, Double> lrDict;
        private double lrRampdown;
        private int minibatchRepeats;
        private boolean resetOptimizerOnLodChange;
        private Loss loss;
        private double r1Gamma;
        private int penaltyInterval;
        private double wganLambda;
        private double wganEpsilon;
        private double gSmoothingKimg;
        private double wAvgBeta;
        private boolean mirror;
        private long seed;
        private double tickKimgBase;
        private Map<Integer, Double> tickKimgDict;
        private int workers;
        private int batchRound;
        private Map<Integer, Integer> batchRoundDict;
        private int snapshotTicks;
        private int gridSize;
        private MetricsConfig metrics;
        private FineTuning fineTuning;
        private Augmentation augmentation;

        /**
         * The paper's FFHQ schedule and losses (appendix C) for a model.
         *
         * @param model architecture
         */
        public Builder(ModelConfig model) {
            this.model = model;
            preset = "ffhq";
            totalKimg = 25000;
            progressive = true;
            lodInitialResolution = 8;
            lodTrainingKimg = 600;
            lodTransitionKimg = 600;
            minibatchBase = 32;
            minibatchDict = Map.of(4, 512, 8, 256, 16, 128, 32, 64, 64, 32);
            lrBase = 0.001;
            lrDict = Map.of(128, 0.0015, 256, 0.002, 512, 0.003, 1024, 0.003);
            lrRampdown = 0;
            minibatchRepeats = 4;
            resetOptimizerOnLodChange = true;
            loss = Loss.LOGISTIC;
            r1Gamma = 10;
            penaltyInterval = 1;
            wganLambda = 10;
            wganEpsilon = 0.001;
            gSmoothingKimg = 10;
            wAvgBeta = 0.995;
            mirror = false;
            seed = 1000;
            tickKimgBase = 160;
            tickKimgDict = Map.of(4, 160.0, 8, 140.0, 16, 120.0, 32, 100.0, 64, 80.0, 128, 60.0, 256, 40.0, 512, 30.0,
                    1024, 20.0);
            workers = 1;
            batchRound = 0;
            batchRoundDict = Map.of();
            snapshotTicks = 10;
            gridSize = 8;
            metrics = MetricsConfig.NONE;
            fineTuning = FineTuning.NONE;
            augmentation = Augmentation.NONE;
        }

        private Builder(TrainingConfig c) {
            model = c.model;
            preset = c.preset;
            totalKimg = c.totalKimg;
            progressive = c.progressive;
            lodInitialResolution = c.lodInitialResolution;
            lodTrainingKimg = c.lodTrainingKimg;
            lodTransitionKimg = c.lodTransitionKimg;
            minibatchBase = c.minibatchBase;
            minibatchDict = c.minibatchDict;
            lrBase = c.lrBase;
            lrDict = c.lrDict;
            lrRampdown = c.lrRampdown;
            minibatchRepeats = c.minibatchRepeats;
            resetOptimizerOnLodChange = c.resetOptimizerOnLodChange;
            loss = c.loss;
            r1Gamma = c.r1Gamma;
            penaltyInterval = c.penaltyInterval;
            wganLambda = c.wganLambda;
            wganEpsilon = c.wganEpsilon;
            gSmoothingKimg = c.gSmoothingKimg;
            wAvgBeta = c.wAvgBeta;
            mirror = c.mirror;
            seed = c.seed;
            tickKimgBase = c.tickKimgBase;
            tickKimgDict = c.tickKimgDict;
            workers = c.workers;
            batchRound = c.batchRound;
            batchRoundDict = c.batchRoundDict;
            snapshotTicks = c.snapshotTicks;
            gridSize = c.gridSize;
            metrics = c.metrics;
            fineTuning = c.fineTuning;
            augmentation = c.augmentation;
        }

        /**
         * @param v architecture (with the discriminator's options)
         * @return this builder
         */
        public Builder model(ModelConfig v) {
            model = v;
            return this;
        }

        /**
         * @param v training preset name (informational)
         * @return this builder
         */
        public Builder preset(String v) {
            preset = v;
            return this;
        }

        /**
         * @param v length of the run in thousands of real images shown to D
         * @return this builder
         */
        public Builder totalKimg(double v) {
            totalKimg = v;
            return this;
        }

        /**
         * @param v progressive growing (false: train at full resolution from the start, the 'fixed' structure)
         * @return this builder
         */
        public Builder progressive(boolean v) {
            progressive = v;
            return this;
        }

        /**
         * @param v first resolution of progressive growing
         * @return this builder
         */
        public Builder lodInitialResolution(int v) {
            lodInitialResolution = v;
            return this;
        }

        /**
         * @param v thousands of images per stable phase
         * @return this builder
         */
        public Builder lodTrainingKimg(double v) {
            lodTrainingKimg = v;
            return this;
        }

        /**
         * @param v thousands of images per fade-in
         * @return this builder
         */
        public Builder lodTransitionKimg(double v) {
            lodTransitionKimg = v;
            return this;
        }

        /**
         * @param v minibatch where the per-resolution table has no entry
         * @return this builder
         */
        public Builder minibatchBase(int v) {
            minibatchBase = v;
            return this;
        }

        /**
         * @param v minibatch per schedule resolution
         * @return this builder
         */
        public Builder minibatchDict(Map<Integer, Integer> v) {
            minibatchDict = v;
            return this;
        }

        /**
         * @param v learning rate where the per-resolution table has no entry
         * @return this builder
         */
        public Builder lrBase(double v) {
            lrBase = v;
            return this;
        }

        /**
         * @param v learning rate per schedule resolution (the same for G and D)
         * @return this builder
         */
        public Builder lrDict(Map<Integer, Double> v) {
            lrDict = v;
            return this;
        }

        /**
         * @param v share of the run's images at its end over which the learning rate falls to 0 along a half cosine
         * @return this builder
         */
        public Builder lrRampdown(double v) {
            lrRampdown = v;
            return this;
        }

        /**
         * @param v minibatches between re-evaluations of the schedule
         * @return this builder
         */
        public Builder minibatchRepeats(int v) {
            minibatchRepeats = v;
            return this;
        }

        /**
         * @param v re-initialise Adam whenever floor(lod) or ceil(lod) changes
         * @return this builder
         */
        public Builder resetOptimizerOnLodChange(boolean v) {
            resetOptimizerOnLodChange = v;
            return this;
        }

        /**
         * @param v the adversarial loss
         * @return this builder
         */
        public Builder loss(Loss v) {
            loss = v;
            return this;
        }

        /**
         * @param v R1 weight gamma
         * @return this builder
         */
        public Builder r1Gamma(double v) {
            r1Gamma = v;
            return this;
        }

        /**
         * @param v minibatches between gradient penalties
         * @return this builder
         */
        public Builder penaltyInterval(int v) {
            penaltyInterval = v;
            return this;
        }

        /**
         * @param v WGAN-GP weight lambda
         * @return this builder
         */
        public Builder wganLambda(double v) {
            wganLambda = v;
            return this;
        }

        /**
         * @param v WGAN drift weight epsilon
         * @return this builder
         */
        public Builder wganEpsilon(double v) {
            wganEpsilon = v;
            return this;
        }

        /**
         * @param v half-life of the generator's moving average, in thousands of images (0: no averaging)
         * @return this builder
         */
        public Builder gSmoothingKimg(double v) {
            gSmoothingKimg = v;
            return this;
        }

        /**
         * @param v Decay of the tracked average of w per minibatch
         * @return this builder
         */
        public Builder wAvgBeta(double v) {
            wAvgBeta = v;
            return this;
        }

        /**
         * @param v flip reals horizontally with probability 0.5
         * @return this builder
         */
        public Builder mirror(boolean v) {
            mirror = v;
            return this;
        }

        /**
         * @param v seed of every random draw of the run
         * @return this builder
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @param v thousands of images per tick where the per-resolution table has no entry
         * @return this builder
         */
        public Builder tickKimgBase(double v) {
            tickKimgBase = v;
            return this;
        }

        /**
         * @param v thousands of images per tick, per schedule resolution
         * @return this builder
         */
        public Builder tickKimgDict(Map<Integer, Double> v) {
            tickKimgDict = v;
            return this;
        }

        /**
         * @param v worker threads sharing each minibatch
         * @return this builder
         */
        public Builder workers(int v) {
            workers = v;
            return this;
        }

        /**
         * @param v most images a worker runs through G and D at once (0: its whole share)
         * @return this builder
         */
        public Builder batchRound(int v) {
            batchRound = v;
            return this;
        }

        /**
         * @param v round sizes per schedule resolution, overriding {@code batchRound} there
         * @return this builder
         */
        public Builder batchRoundDict(Map<Integer, Integer> v) {
            batchRoundDict = v;
            return this;
        }

        /**
         * @param v ticks between network snapshots
         * @return this builder
         */
        public Builder snapshotTicks(int v) {
            snapshotTicks = v;
            return this;
        }

        /**
         * @param v columns and rows of the sample grid written every tick
         * @return this builder
         */
        public Builder gridSize(int v) {
            gridSize = v;
            return this;
        }

        /**
         * @param v the metrics measured during the run
         * @return this builder
         */
        public Builder metrics(MetricsConfig v) {
            metrics = v;
            return this;
        }

        /**
         * @param v the trained network to start from and the frozen layers of D
         * @return this builder
         */
        public Builder fineTuning(FineTuning v) {
            fineTuning = v;
            return this;
        }

        /**
         * @param v the augmentation of the images D sees
         * @return this builder
         */
        public Builder augmentation(Augmentation v) {
            augmentation = v;
            return this;
        }

        /**
         * @return the validated config
         * @throws StyleGanInputException naming the first invalid value
         */
        public TrainingConfig build() {
            return new TrainingConfig(model, preset, totalKimg, progressive, lodInitialResolution, lodTrainingKimg, lodTransitionKimg,
                    minibatchBase, minibatchDict, lrBase, lrDict, lrRampdown, minibatchRepeats,
                    resetOptimizerOnLodChange, loss, r1Gamma, penaltyInterval, wganLambda, wganEpsilon, gSmoothingKimg,
                    wAvgBeta, mirror, seed, tickKimgBase, tickKimgDict, workers, batchRound, batchRoundDict,
                    snapshotTicks, gridSize, metrics, fineTuning, augmentation).validate();
        }
    }
}
