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
        double styleMixingProb) {

    /** Names of the presets {@link #preset(String, int)} knows. */
    public static final List<String> PRESETS = List.of("ffhq", "B", "C", "D", "E", "F", "digits");

    /** Validates the record (resolution, sizes, depths); throws {@link StyleGanInputException}. */
    public ModelConfig {
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
        if (styleMixingProb < 0 || styleMixingProb > 1) {
            throw new StyleGanInputException("style mixing probability must be in [0, 1], got " + styleMixingProb);
        }
    }

    /**
     * The official FFHQ configuration (Table 1 row F) at a resolution.
     *
     * @param resolution output resolution
     * @return the config
     */
    public static ModelConfig official(int resolution) {
        return new ModelConfig("ffhq", resolution, 3, 512, 512, 8, 512, 0.01, 8192, 1.0, 512,
                true, true, true, false, 0.9);
    }

    /**
     * A preset by name: {@code ffhq} / {@code F} (the full style-based generator), {@code B}
     * (traditional generator fed w = normalised z through a dense first layer, pixel norm, no
     * mapping, styles or noise), {@code C} (+ mapping network and AdaIN), {@code D} (+ constant
     * input), {@code E} (+ noise), {@code F} (+ mixing regularisation), and {@code digits}, a
     * narrow network sized for training grayscale digits on a CPU, with a 2-layer mapping network (paper
     * Table 4 varies the depth; a deep mapping at lr multiplier 0.01 maps latents to nearly the same w at
     * initialisation and barely moves in a run of minutes, and short runs then collapse to one digit) and no
     * style-mixing regularisation (as row E; with it a run of minutes learns digits more slowly, see the README).
     *
     * @param name preset name (case-insensitive for the row letters)
     * @param resolution output resolution
     * @return the config
     */
    public static ModelConfig preset(String name, int resolution) {
        ModelConfig f = official(resolution);
        switch (name.toUpperCase(Locale.ROOT)) {
            case "FFHQ":
                return f;
            case "F":
                return f.withPreset("F");
            case "E":
                return new ModelConfig("E", resolution, 3, 512, 512, 8, 512, 0.01, 8192, 1.0, 512,
                        true, true, true, false, 0.0);
            case "D":
                return new ModelConfig("D", resolution, 3, 512, 512, 8, 512, 0.01, 8192, 1.0, 512,
                        true, true, false, false, 0.0);
            case "C":
                return new ModelConfig("C", resolution, 3, 512, 512, 8, 512, 0.01, 8192, 1.0, 512,
                        false, true, false, false, 0.0);
            case "B":
                return new ModelConfig("B", resolution, 3, 512, 512, 0, 512, 0.01, 8192, 1.0, 512,
                        false, false, false, true, 0.0);
            case "DIGITS":
                return new ModelConfig("digits", resolution, 1, 128, 128, 2, 128, 0.01, 512, 1.0, 128,
                        true, true, true, false, 0.0);
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
        return Math.min((int) (fmapBase / Math.pow(2.0, stage * fmapDecay)), fmapMax);
    }

    /**
     * @param name new preset label
     * @return a copy with another preset label
     */
    public ModelConfig withPreset(String name) {
        return new ModelConfig(name, resolution, numChannels, latentSize, dlatentSize, mappingLayers, mappingFmaps,
                mappingLrMul, fmapBase, fmapDecay, fmapMax, constInput, useStyles, useNoise, usePixelNorm,
                styleMixingProb);
    }

    /**
     * @param res new resolution
     * @return a copy at another resolution
     */
    public ModelConfig withResolution(int res) {
        return new ModelConfig(preset, res, numChannels, latentSize, dlatentSize, mappingLayers, mappingFmaps,
                mappingLrMul, fmapBase, fmapDecay, fmapMax, constInput, useStyles, useNoise, usePixelNorm,
                styleMixingProb);
    }

    /**
     * @param channels image channels
     * @return a copy with another number of image channels
     */
    public ModelConfig withChannels(int channels) {
        return new ModelConfig(preset, resolution, channels, latentSize, dlatentSize, mappingLayers, mappingFmaps,
                mappingLrMul, fmapBase, fmapDecay, fmapMax, constInput, useStyles, useNoise, usePixelNorm,
                styleMixingProb);
    }

    /**
     * @param depth mapping depth 0..8
     * @return a copy with another mapping depth (Table 4)
     */
    public ModelConfig withMappingLayers(int depth) {
        return new ModelConfig(preset, resolution, numChannels, latentSize, dlatentSize, depth, mappingFmaps,
                mappingLrMul, fmapBase, fmapDecay, fmapMax, constInput, useStyles, useNoise, usePixelNorm,
                styleMixingProb);
    }
}
