package org.stylegan4j.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.nn.Engines;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The minibatch-stddev group size of D: sample i shares its group with the samples j where i = j mod (N / group). */
class DiscriminatorStddevGroupTest {

    private static float[] scores(Discriminator d, float[] images, NDManager m) {
        return d.forward(m.create(images, new Shape(8, 1, 16, 16)), 0).toFloatArray();
    }

    @Test
    void groupSizeDecidesWhichSamplesInfluenceEachOther() {
        ModelConfig cfg = ModelConfig.preset("small", 16).withDiscriminator(DiscriminatorConfig.OFFICIAL);
        Random rng = new Random(1);
        float[] a = new float[8 * 256];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        float[] b = a.clone();
        for (int k = 0; k < 256; k++) {
            b[7 * 256 + k] += 1f;
        }
        try (Discriminator four = new Discriminator(cfg, 3); Discriminator eight = new Discriminator(cfg.withDiscriminator(new DiscriminatorConfig(8, 1, 1)), 3);
             NDManager m = Engines.newManager()) {
            assertEquals(scores(four, a, m)[0], scores(four, b, m)[0], 0f, "groups of 4: sample 7 is not in sample 0's group");
            assertNotEquals(scores(four, a, m)[1], scores(four, b, m)[1], "groups of 4: sample 7 is in sample 1's group");
            assertNotEquals(scores(eight, a, m)[0], scores(eight, b, m)[0], "one group of 8: every sample counts");
        }
        assertEquals("stddevGroupSize (--mbstd-group) must be at least 1, got 0",
                assertThrows(StyleGanInputException.class, () -> new DiscriminatorConfig(0, 1, 1)).getMessage());
    }

    @Test
    void stddevFeaturesWidenOnlyThe4x4Convolution() {
        ModelConfig cfg = ModelConfig.preset("small", 16).withDiscriminator(DiscriminatorConfig.OFFICIAL);
        int nf1 = cfg.nf(1);
        try (Discriminator one = new Discriminator(cfg, 3); Discriminator many = new Discriminator(cfg.withDiscriminator(new DiscriminatorConfig(4, nf1, 1)), 3)) {
            long extra = (long) (nf1 - 1) * nf1 * 9;
            assertEquals(one.parameterCount() + extra, many.parameterCount());
            assertEquals(new Shape(nf1, 2 * nf1, 3, 3),
                    many.parameters().get("4x4.Conv.weight").array().getShape());
        }
        StyleGanInputException e = assertThrows(StyleGanInputException.class,
                () -> cfg.withDiscriminator(new DiscriminatorConfig(4, 3, 1)));
        assertEquals("stddevFeatures (--mbstd-features) must divide the discriminator's " + nf1 + " channels at 4x4, got 3",
                e.getMessage());
    }
}
