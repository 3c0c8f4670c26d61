package org.stylegan4j.model;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.nn.MinibatchStddev;

/**
 * What a discriminator adds to the architecture its {@link ModelConfig} shares with the generator: the minibatch
 * standard deviation layer (ProGAN section 3, which the paper's discriminator keeps, appendix C) and packing.
 * Part of the model because the 4x4 convolution and fromRGB change shape with it.
 *
 * @param stddevGroupSize samples per minibatch-stddev group (the official 4, or larger for a stronger diversity
 *                        signal, as stylegan2-ada's small-data configurations use); min(group, minibatch) is used
 * @param stddevFeatures minibatch-stddev features (the official 1), each over an equal share of the channels at
 *                       4x4; the 4x4 convolution takes that many extra input channels
 * @param pack images scored together as one input (PacGAN, Lin et al. 2018; 1 = the paper): fromRGB takes pack
 *             times the image channels and a minibatch of N images gets N / pack scores
 */
public record DiscriminatorConfig(int stddevGroupSize, int stddevFeatures, int pack) {

    /** The official discriminator: groups of 4, one stddev feature, no packing. */
    public static final DiscriminatorConfig OFFICIAL =
            new DiscriminatorConfig(MinibatchStddev.GROUP_SIZE, MinibatchStddev.NUM_FEATURES, 1);

    /** Validates each value on its own; {@link ModelConfig} checks the features against its channels at 4x4. */
    public DiscriminatorConfig {
        atLeastOne("stddevGroupSize (--mbstd-group)", stddevGroupSize);
        atLeastOne("stddevFeatures (--mbstd-features)", stddevFeatures);
        atLeastOne("pack (--pack)", pack);
    }

    private static void atLeastOne(String what, int value) {
        if (value < 1) {
            throw new StyleGanInputException(what + " must be at least 1, got " + value);
        }
    }

    /**
     * @param group samples per minibatch-stddev group
     * @return a copy with another group size
     */
    public DiscriminatorConfig withStddevGroupSize(int group) {
        return new DiscriminatorConfig(group, stddevFeatures, pack);
    }

    /**
     * @param features minibatch-stddev features
     * @return a copy with another number of features
     */
    public DiscriminatorConfig withStddevFeatures(int features) {
        return new DiscriminatorConfig(stddevGroupSize, features, pack);
    }

    /**
     * @param images images per score
     * @return a copy with another pack size
     */
    public DiscriminatorConfig withPack(int images) {
        return new DiscriminatorConfig(stddevGroupSize, stddevFeatures, images);
    }
}
