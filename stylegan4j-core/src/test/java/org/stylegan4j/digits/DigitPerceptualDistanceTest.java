package org.stylegan4j.digits;

import org.junit.jupiter.api.Test;
import org.stylegan4j.metrics.PerceptualPathLength;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LPIPS-style distance on the digit classifier's stages: zero for identical images, a hand-computed stage, and PPL with it deterministic. */
class DigitPerceptualDistanceTest {

    @Test
    void digitPathLengthIsDeterministic() {
        try (Generator g = new Generator(ModelConfig.preset("small", 32), 1);
             DigitPerceptualDistance d = new DigitPerceptualDistance()) {
            PerceptualPathLength.Options w = new PerceptualPathLength.Options(PerceptualPathLength.Space.W,
                    PerceptualPathLength.Sampling.FULL, 24, 12, false, 9);
            double a = PerceptualPathLength.measure(g, d, w, i -> { });
            double b = PerceptualPathLength.measure(g, d, w, i -> { });
            assertEquals(a, b, 0.0, "same seed, same result");
            assertTrue(a > 0 && Double.isFinite(a), "ppl " + a);
        }
    }

    @Test
    void digitPerceptualDistanceIsZeroForIdenticalImagesAndMatchesAHandComputedStage() {
        try (DigitPerceptualDistance d = new DigitPerceptualDistance()) {
            float[] img = new float[2 * 1024];
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) Math.sin(i * 0.37);
            }
            double[] same = d.distances(img, img, 2, 1, 32);
            assertArrayEquals(new double[] {0, 0}, same, 1e-12);
        }
        float[] x = {3, 0, 4, 1};
        float[] y = {0, 1, 0, 0};
        double pixel0 = Math.pow(0.6 - 0, 2) + Math.pow(0.8 - 0, 2);
        double pixel1 = Math.pow(0 - 1, 2) + Math.pow(1 - 0, 2);
        double expected = (pixel0 + pixel1) / 2;
        assertEquals(expected, DigitPerceptualDistance.stageDistance(x, y, 2), 1e-6);
    }
}
