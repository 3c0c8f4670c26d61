package org.stylegan4j.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.train.AugmentPipe.Transform;

import java.util.EnumSet;
import java.util.Set;

/**
 * Discriminator augmentation (Karras et al. 2020, "Training Generative Adversarial Networks with Limited Data"): every
 * image D sees passes through the {@link AugmentPipe} with probability {@code p} per transform, either at a constant
 * {@code p} or with {@code p} steered by the {@link AdaController} towards a target overfitting heuristic r_t.
 *
 * @param kind none (the paper's StyleGAN, the default), fixed (a constant p) or ada (p adapts)
 * @param p the augmentation probability of a fixed run, the starting one of an adaptive run (0 for none)
 * @param target the r_t that ADA steers towards (0.6 in ADA)
 * @param kimg thousands of images over which ADA's p can move from 0 to 1 (500 in ADA)
 * @param pipe which of ADA's transform groups the pipeline applies ({@code bgc}, ADA's default, when absent)
 */
public record Augmentation(Kind kind, double p, double target, double kimg, Pipe pipe) {

    /** ADA's target for r_t. */
    public static final double DEFAULT_TARGET = 0.6;

    /** ADA's speed of p: thousands of images for p to move by 1. */
    public static final double DEFAULT_KIMG = 500;

    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(Kind.NONE, 0, DEFAULT_TARGET, DEFAULT_KIMG);

    /** A missing kind (a config written before augmentation existed) reads as none, a missing pipe as bgc. */
    public Augmentation {
        kind = kind == null ? Kind.NONE : kind;
        pipe = pipe == null ? Pipe.BGC : pipe;
    }

    /**
     * ADA's default pipeline, {@code bgc}.
     *
     * @param kind none, fixed or ada
     * @param p the augmentation probability
     * @param target ADA's target r_t
     * @param kimg ADA's speed of p
     */
    public Augmentation(Kind kind, double p, double target, double kimg) {
        this(kind, p, target, kimg, Pipe.BGC);
    }

    /** @return this augmentation with another pipeline */
    public Augmentation withPipe(Pipe other) {
        return new Augmentation(kind, p, target, kimg, other);
    }

    /** @return the pipeline this augmentation runs */
    public AugmentPipe augmentPipe() {
        return new AugmentPipe(pipe.transforms());
    }

    /**
     * The transform groups of ADA's {@code --augpipe} choices (ADA, appendix B and figure 4a): pixel blitting,
     * general geometric transforms and colour transforms, alone or combined.
     */
    public enum Pipe implements Labelled {
        /** Pixel blitting: x-flip, 90-degree rotations, integer translation. */
        BLIT("blit", EnumSet.of(Transform.XFLIP, Transform.ROTATE90, Transform.XINT)),
        /** General geometric: isotropic scaling, arbitrary rotation, anisotropic scaling, fractional translation. */
        GEOM("geom", EnumSet.of(Transform.SCALE, Transform.ROTATE, Transform.ANISO, Transform.XFRAC)),
        /** Colour: brightness, contrast, luma flip, hue rotation, saturation. */
        COLOR("color", EnumSet.of(Transform.BRIGHTNESS, Transform.CONTRAST, Transform.LUMAFLIP, Transform.HUE,
                Transform.SATURATION)),
        /** Blitting and general geometric. */
        BG("bg", union(BLIT.transforms, GEOM.transforms)),
        /** Blitting, general geometric and colour: ADA's default. */
        BGC("bgc", union(BG.transforms, COLOR.transforms));

        private final String label;
        private final Set<Transform> transforms;

        Pipe(String label, Set<Transform> transforms) {
            this.label = label;
            this.transforms = transforms;
        }

        private static Set<Transform> union(Set<Transform> a, Set<Transform> b) {
            Set<Transform> out = EnumSet.copyOf(a);
            out.addAll(b);
            return out;
        }

        /** @return the transforms of this pipeline */
        public Set<Transform> transforms() {
            return EnumSet.copyOf(transforms);
        }

        @Override
        @JsonValue
        public String label() {
            return label;
        }

        /**
         * @param label blit, geom, color, bg or bgc
         * @return the pipeline
         * @throws StyleGanInputException naming the known pipelines
         */
        @JsonCreator
        public static Pipe of(String label) {
            return Labelled.of(values(), label, "augmentation pipeline");
        }
    }

    /** How p is chosen. */
    public enum Kind implements Labelled {
        /** No augmentation: D sees the images as they are. */
        NONE("none"),
        /** Every transform applied with a constant probability p. */
        FIXED("fixed"),
        /** Adaptive: p moves up while D overfits (r_t above the target) and down otherwise. */
        ADA("ada");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        @JsonValue
        public String label() {
            return label;
        }

        /**
         * @param label {@code none}, {@code fixed} or {@code ada}
         * @return the kind
         * @throws StyleGanInputException naming the known kinds
         */
        @JsonCreator
        public static Kind of(String label) {
            return Labelled.of(values(), label, "augmentation");
        }
    }

    /** @return whether D's images are augmented */
    public boolean enabled() {
        return kind != Kind.NONE;
    }

    /** @throws StyleGanInputException naming the first value out of range and its option */
    void validate() {
        if (!(p >= 0 && p <= 1)) {
            throw new StyleGanInputException("augmentation.p (--aug-p) must be between 0 and 1, got " + p);
        }
        if (kind == Kind.NONE && p != 0) {
            throw new StyleGanInputException("augmentation.p (--aug-p) is the probability of --aug fixed or ada; "
                    + "the augmentation is none");
        }
        if (!(target > 0 && target < 1)) {
            throw new StyleGanInputException("augmentation.target (--ada-target) must be between 0 and 1 (exclusive), "
                    + "got " + target);
        }
        if (!(kimg > 0 && kimg < Double.POSITIVE_INFINITY)) {
            throw new StyleGanInputException("augmentation.kimg (--ada-kimg) must be positive, got " + kimg);
        }
    }
}
