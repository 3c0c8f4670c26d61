package org.stylegan4j.model;

import org.stylegan4j.StyleGanInputException;

import java.util.List;
import java.util.Locale;

/**
 * Architecture of a generator/discriminator pair, with the official defaults (section 2 and
 * appendix C) and presets for the generator rows B to F of the paper's Table 1.
 *
 * @param preset name of the preset the config came from (informational)
 * @param resolution output resolution, a power of two in 8..1024
 * @param numChannels image channels (3 RGB, 1 grayscale)
 * @param latentSize size of z
 * @param dlatentSize size of w
 * @param mappingLayers depth of the mapping network f, 0..8 (Table 4); 0 means w = normalised z
 * @param mappingFmaps width of the hidden mapping layers
 * @param mappingLrMul learning-rate multiplier of the mapping network (0.01)
 * @param fmapBase feature-map base (8192)
 * @param fmapDecay feature-map decay per stage (1.0)
 * @param fmapMax maximum feature maps (512)
 * @param constInput learned constant 4x4 input (row D on) instead of a dense layer fed by w
 * @param useStyles AdaIN with the affine A after every convolution (row C on)
 * @param useNoise per-pixel noise inputs B (row E on)
 * @param usePixelNorm pixel norm in the layer epilogue (the traditional generator of row B)
 * @param styleMixingProb probability of the mixing regulariser in training (row F: 0.9)
 * @param discriminator the discriminator's minibatch-stddev and packing options (absent in the JSON of checkpoints
 *                      written before it was part of the model: the official ones)
 */
public record ModelConfig(
        String preset,
        int resolution,
        int numChannels,
        int latentSize,
        int dlatentSize,
        int mappingLayers,
        int mappingFmaps,
        double mappingLrMul,
        int fmapBase,
        double fmapDecay,
        int fmapMax,
        boolean constInput,
        boolean useStyles,
        boolean useNoise,
        boolean usePixelNorm,
        double styleMixingProb,
        DiscriminatorConfig discriminator) {

    /** Largest latent, dlatent, mapping and feature-map width accepted (the official networks use 512). */
    public static final int MAX_WIDTH = 8192;
    /** Largest fmap_base accepted (the official networks use 8192 or 16384). */
    public static final int MAX_FMAP_BASE = 1 << 20;
    /** Largest fmap_decay accepted (the official networks use 1.0). */
    public static final double MAX_FMAP_DECAY = 16;
    /** Default of {@link #maxParameters()}. */
    public static final long DEFAULT_MAX_PARAMETERS = 200_000_000L;
    /** System property that raises or lowers {@link #maxParameters()}. */
    public static final String MAX_PARAMETERS_PROPERTY = "stylegan4j.maxParameters";

    /** Names of the presets {@link #preset(String, int)} knows ({@code digits} is also accepted for {@code small}). */
    public static final List<String> PRESETS = List.of("ffhq", "B", "C", "D", "E", "F", "small");

    /**
     * Validates the record (resolution, sizes, depths, widths up to {@link #MAX_WIDTH}, minibatch-stddev features
     * that divide the channels at 4x4) and the model's size ({@link #parameterCount()} up to
     * {@link #maxParameters()}) before any network is built; throws {@link StyleGanInputException}.
     */
    public ModelConfig {
        if (discriminator == null) {
            discriminator = DiscriminatorConfig.OFFICIAL;
        }
        if (resolution < 8 || resolution > 1024 || Integer.bitCount(resolution) != 1) {
            throw new StyleGanInputException("resolution must be a power of two between 8 and 1024, got " + resolution);
        }
        if (numChannels != 1 && numChannels != 3) {
            throw new StyleGanInputException("image channels must be 1 or 3, got " + numChannels);
        }
        if (mappingLayers < 0 || mappingLayers > 8) {
            throw new StyleGanInputException("mapping depth must be between 0 and 8, got " + mappingLayers);
        }
        if (mappingLayers == 0 && latentSize != dlatentSize) {
            throw new StyleGanInputException("with no mapping layers, z and w must have the same size");
        }
        if (latentSize < 1 || dlatentSize < 1 || mappingFmaps < 1 || fmapBase < 1 || fmapMax < 1) {
            throw new StyleGanInputException("latent sizes and feature maps must be positive");
        }
        checkWidth("latent size", latentSize, MAX_WIDTH);
        checkWidth("dlatent size", dlatentSize, MAX_WIDTH);
        checkWidth("mapping width", mappingFmaps, MAX_WIDTH);
        checkWidth("fmap_max", fmapMax, MAX_WIDTH);
        checkWidth("fmap_base", fmapBase, MAX_FMAP_BASE);
        if (!(fmapDecay >= 0 && fmapDecay <= MAX_FMAP_DECAY)) {
            throw new StyleGanInputException("fmap_decay must be between 0 and " + MAX_FMAP_DECAY + ", got " + fmapDecay);
        }
        if (!Double.isFinite(mappingLrMul) || mappingLrMul <= 0) {
            throw new StyleGanInputException("mapping learning-rate multiplier must be a positive number, got "
                    + mappingLrMul);
        }
        if (!(styleMixingProb >= 0 && styleMixingProb <= 1)) {
            throw new StyleGanInputException("style mixing probability must be in [0, 1], got " + styleMixingProb);
        }
        int lastStage = Integer.numberOfTrailingZeros(resolution) - 1;
        if (featureMaps(fmapBase, fmapDecay, fmapMax, lastStage) < 1) {
            throw new StyleGanInputException("fmap_base " + fmapBase + " with fmap_decay " + fmapDecay
                    + " leaves no feature maps at " + resolution + "x" + resolution);
        }
        int nf1 = featureMaps(fmapBase, fmapDecay, fmapMax, 1);
        if (nf1 % discriminator.stddevFeatures() != 0) {
            throw new StyleGanInputException("stddevFeatures (--mbstd-features) must divide the discriminator's " + nf1
                    + " channels at 4x4, got " + discriminator.stddevFeatures());
        }
        long count = parameterCount(resolution, numChannels, latentSize, dlatentSize, mappingLayers, mappingFmaps,
                fmapBase, fmapDecay, fmapMax, constInput, useStyles, useNoise, discriminator);
        long limit = maxParameters();
        if (count > limit) {
            throw new StyleGanInputException(String.format(Locale.ROOT, "model too large: generator and "
                    + "discriminator would hold %,d parameters (%.1f GiB of floats), over the limit of %,d (raise it "
                    + "with -D%s=N)", count, count * 4.0 / (1L << 30), limit, MAX_PARAMETERS_PROPERTY));
        }
    }

    private static void checkWidth(String what, int value, int max) {
        if (value > max) {
            throw new StyleGanInputException(what + " must be at most " + max + ", got " + value);
        }
    }

    /**
     * The largest model (parameters of generator and discriminator together) accepted:
     * {@value #DEFAULT_MAX_PARAMETERS} (the official 1024x1024 pair holds 49.3 million), or the system property
     * {@value #MAX_PARAMETERS_PROPERTY}.
     *
     * @return the limit
     */
    public static long maxParameters() {
        return Long.getLong(MAX_PARAMETERS_PROPERTY, DEFAULT_MAX_PARAMETERS);
    }

    /**
     * Tensor elements of the generator (mapping, synthesis, noise maps and w average) and of the discriminator
     * (with its packing and minibatch-stddev features), computed in long arithmetic without building either network;
     * the budget the constructor checks.
     *
     * @return the parameter count
     */
    public long parameterCount() {
        return parameterCount(resolution, numChannels, latentSize, dlatentSize, mappingLayers, mappingFmaps,
                fmapBase, fmapDecay, fmapMax, constInput, useStyles, useNoise, discriminator);
    }

    private static long parameterCount(int resolution, int channels, long latent, long dlatent, int mappingLayers,
                                       long mappingFmaps, int fmapBase, double fmapDecay, int fmapMax,
                                       boolean constInput, boolean useStyles, boolean useNoise,
                                       DiscriminatorConfig disc) {
        int r = Integer.numberOfTrailingZeros(resolution);
        long total = dlatent;
        for (int i = 0; i < mappingLayers; i++) {
            long in = i == 0 ? latent : mappingFmaps;
            long out = i == mappingLayers - 1 ? dlatent : mappingFmaps;
            total += in * out + out;
        }
        long nf0 = featureMaps(fmapBase, fmapDecay, fmapMax, 0);
        long nf1 = featureMaps(fmapBase, fmapDecay, fmapMax, 1);
        long epilogue = (useNoise ? 2 : 1) + (useStyles ? 2 * dlatent + 2 : 0);
        total += constInput ? nf1 * 16 : dlatent * nf1 * 16;
        total += 2 * nf1 * epilogue + nf1 * nf1 * 9 + nf1 * channels + channels;
        total += 2 * (useNoise ? 16 : 0);
        long dIn = (long) channels * disc.pack();
        long d = dIn * nf1 + nf1 + (nf1 + disc.stddevFeatures()) * nf1 * 9 + nf1 + nf1 * 16 * nf0 + nf0 + nf0 + 1;
        for (int res = 3; res <= r; res++) {
            long in = featureMaps(fmapBase, fmapDecay, fmapMax, res - 2);
            long out = featureMaps(fmapBase, fmapDecay, fmapMax, res - 1);
            long side = 1L << res;
            total += in * out * 9 + out * out * 9 + 2 * out * epilogue + out * channels + channels
                    + (useNoise ? 2 * side * side : 0);
            d += dIn * out + out + out * out * 9 + out + out * in * 9 + in;
        }
        return total + d;
    }

    private static int featureMaps(int fmapBase, double fmapDecay, int fmapMax, int stage) {
        return Math.min((int) (fmapBase / Math.pow(2.0, stage * fmapDecay)), fmapMax);
    }

    /**
     * The official FFHQ configuration (Table 1 row F) at a resolution.
     *
     * @param resolution output resolution
     * @return the config
     */
    public static ModelConfig official(int resolution) {
        return new ModelConfig("ffhq", resolution, 3, 512, 512, 8, 512, 0.01, 8192, 1.0, 512,
                true, true, true, false, 0.9, DiscriminatorConfig.OFFICIAL);
    }

    /**
     * A preset by name: {@code ffhq} / {@code F} (the full style-based generator), {@code B}
     * (traditional generator fed w = normalised z through a dense first layer, pixel norm, no
     * mapping, styles or noise), {@code C} (+ mapping network and AdaIN), {@code D} (+ constant
     * input), {@code E} (+ noise), {@code F} (+ mixing regularisation), and {@code small} (alias {@code digits},
     * its first use), a narrow network sized for training small images (up to 64x64, grayscale or colour) on a
     * CPU in minutes, with a 2-layer mapping network (paper
     * Table 4 varies the depth; a deep mapping at lr multiplier 0.01 maps latents to nearly the same w at
     * initialisation and barely moves in a run of minutes, and short runs then collapse to one digit) that learns
     * at the synthesis network's rate (lr multiplier 1 instead of the paper's 0.01: 2-3 points more confident
     * digits in a run of minutes, docs/digits-preset.md), no
     * style-mixing regularisation (as row E; with it a run of minutes learns digits more slowly, see
     * docs/digits-preset.md) and a discriminator that scores packs of 2 images with minibatch-stddev groups of 32.
     *
     * @param name preset name (case-insensitive for the row letters)
     * @param resolution output resolution
     * @return the config
     */
    public static ModelConfig preset(String name, int resolution) {
        Builder f = official(resolution).toBuilder();
        switch (name.toUpperCase(Locale.ROOT)) {
            case "FFHQ":
                return f.build();
            case "F":
                return f.preset("F").build();
            case "E":
                return f.preset("E").styleMixingProb(0).build();
            case "D":
                return f.preset("D").styleMixingProb(0).useNoise(false).build();
            case "C":
                return f.preset("C").styleMixingProb(0).useNoise(false).constInput(false).build();
            case "B":
                return f.preset("B").styleMixingProb(0).useNoise(false).constInput(false).useStyles(false)
                        .mappingLayers(0).usePixelNorm(true).build();
            case "SMALL":
            case "DIGITS":
                return f.preset("small").numChannels(1).latentSize(128).dlatentSize(128).mappingLayers(2)
                        .mappingFmaps(128).mappingLrMul(1.0).fmapBase(512).fmapMax(128).styleMixingProb(0)
                        .discriminator(new DiscriminatorConfig(32, 1, 2)).build();
            default:
                throw new StyleGanInputException("unknown preset '" + name + "' (known: " + String.join(", ", PRESETS) + ")");
        }
    }

    /** @return log2 of the resolution (R) */
    public int resolutionLog2() {
        return Integer.numberOfTrailingZeros(resolution);
    }

    /** @return number of synthesis layers (and of w copies): 2R - 2 */
    public int numLayers() {
        return 2 * resolutionLog2() - 2;
    }

    /**
     * Feature maps of a stage: min(fmapBase / 2^(stage * decay), fmapMax).
     *
     * @param stage stage index
     * @return channels
     */
    public int nf(int stage) {
        return featureMaps(fmapBase, fmapDecay, fmapMax, stage);
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param name new preset label
     * @return a copy with another preset label
     */
    public ModelConfig withPreset(String name) {
        return toBuilder().preset(name).build();
    }

    /**
     * @param res new resolution
     * @return a copy at another resolution
     */
    public ModelConfig withResolution(int res) {
        return toBuilder().resolution(res).build();
    }

    /**
     * @param channels image channels
     * @return a copy with another number of image channels
     */
    public ModelConfig withChannels(int channels) {
        return toBuilder().numChannels(channels).build();
    }

    /**
     * @param depth mapping depth 0..8
     * @return a copy with another mapping depth (Table 4)
     */
    public ModelConfig withMappingLayers(int depth) {
        return toBuilder().mappingLayers(depth).build();
    }

    /**
     * @param d the discriminator's options
     * @return a copy with another discriminator
     */
    public ModelConfig withDiscriminator(DiscriminatorConfig d) {
        return toBuilder().discriminator(d).build();
    }

    /**
     * Collects the values of a {@link ModelConfig}; {@link #build()} validates them. Each setter is named after
     * the record component it sets.
     */
    public static final class Builder {
        private String preset;
        private int resolution;
        private int numChannels;
        private int latentSize;
        private int dlatentSize;
        private int mappingLayers;
        private int mappingFmaps;
        private double mappingLrMul;
        private int fmapBase;
        private double fmapDecay;
        private int fmapMax;
        private boolean constInput;
        private boolean useStyles;
        private boolean useNoise;
        private boolean usePixelNorm;
        private double styleMixingProb;
        private DiscriminatorConfig discriminator;

        private Builder(ModelConfig c) {
            preset = c.preset;
            resolution = c.resolution;
            numChannels = c.numChannels;
            latentSize = c.latentSize;
            dlatentSize = c.dlatentSize;
            mappingLayers = c.mappingLayers;
            mappingFmaps = c.mappingFmaps;
            mappingLrMul = c.mappingLrMul;
            fmapBase = c.fmapBase;
            fmapDecay = c.fmapDecay;
            fmapMax = c.fmapMax;
            constInput = c.constInput;
            useStyles = c.useStyles;
            useNoise = c.useNoise;
            usePixelNorm = c.usePixelNorm;
            styleMixingProb = c.styleMixingProb;
            discriminator = c.discriminator;
        }

        /** Sets the preset label; returns this builder. */
        public Builder preset(String v) {
            preset = v;
            return this;
        }

        /** Sets the output resolution; returns this builder. */
        public Builder resolution(int v) {
            resolution = v;
            return this;
        }

        /** Sets the image channels; returns this builder. */
        public Builder numChannels(int v) {
            numChannels = v;
            return this;
        }

        /** Sets the size of z; returns this builder. */
        public Builder latentSize(int v) {
            latentSize = v;
            return this;
        }

        /** Sets the size of w; returns this builder. */
        public Builder dlatentSize(int v) {
            dlatentSize = v;
            return this;
        }

        /** Sets the mapping depth; returns this builder. */
        public Builder mappingLayers(int v) {
            mappingLayers = v;
            return this;
        }

        /** Sets the mapping width; returns this builder. */
        public Builder mappingFmaps(int v) {
            mappingFmaps = v;
            return this;
        }

        /** Sets the mapping learning-rate multiplier; returns this builder. */
        public Builder mappingLrMul(double v) {
            mappingLrMul = v;
            return this;
        }

        /** Sets the feature-map base; returns this builder. */
        public Builder fmapBase(int v) {
            fmapBase = v;
            return this;
        }

        /** Sets the feature-map decay; returns this builder. */
        public Builder fmapDecay(double v) {
            fmapDecay = v;
            return this;
        }

        /** Sets the maximum feature maps; returns this builder. */
        public Builder fmapMax(int v) {
            fmapMax = v;
            return this;
        }

        /** Sets the learned constant input; returns this builder. */
        public Builder constInput(boolean v) {
            constInput = v;
            return this;
        }

        /** Sets the AdaIN styles; returns this builder. */
        public Builder useStyles(boolean v) {
            useStyles = v;
            return this;
        }

        /** Sets the noise inputs; returns this builder. */
        public Builder useNoise(boolean v) {
            useNoise = v;
            return this;
        }

        /** Sets the pixel norm; returns this builder. */
        public Builder usePixelNorm(boolean v) {
            usePixelNorm = v;
            return this;
        }

        /** Sets the style-mixing probability; returns this builder. */
        public Builder styleMixingProb(double v) {
            styleMixingProb = v;
            return this;
        }

        /** Sets the the discriminator's options; returns this builder. */
        public Builder discriminator(DiscriminatorConfig v) {
            discriminator = v;
            return this;
        }

        /**
         * @return the validated config
         * @throws StyleGanInputException naming the first invalid value
         */
        public ModelConfig build() {
            return new ModelConfig(preset, resolution, numChannels, latentSize, dlatentSize, mappingLayers,
                    mappingFmaps, mappingLrMul, fmapBase, fmapDecay, fmapMax, constInput, useStyles, useNoise,
                    usePixelNorm, styleMixingProb, discriminator);
        }
    }
}
