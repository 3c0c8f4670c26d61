package org.stylegan4j.projection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.digits.DigitPerceptualDistance;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.metrics.PixelDistance;
import org.stylegan4j.metrics.TorchScriptFeatureExtractor;
import org.stylegan4j.metrics.TorchScriptPathDistance;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The projection's distances: values against their direct forms, gradients against hand and finite differences. */
class ImageDistanceTest {

    private static final Path PAIR_DISTANCE = Path.of("src", "test", "resources", "org", "stylegan4j", "metrics",
            "pair_distance.pt");

    private static float[] random(int n, long seed) {
        Random rng = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.tanh(rng.nextGaussian());
        }
        return out;
    }

    /** The distances and d(sum of distances)/d(images). */
    private static float[][] valueAndGradient(ImageDistance d, float[] images, float[] targets, Shape shape) {
        try (NDManager m = Engines.newManager(); ImageDistance.Target t = d.prepare(m.create(targets, shape))) {
            NDArray x = m.create(images, shape);
            x.setRequiresGradient(true);
            NDArray out;
            try (Autograd.Recording r = Autograd.record()) {
                out = t.distance(x);
                Autograd.backward(out.sum());
            }
            return new float[][] {out.toFloatArray(), x.getGradient().toFloatArray()};
        }
    }

    @Test
    void pixelDistanceAndItsGradientAreTheHandForms() {
        Shape shape = new Shape(2, 3, 4, 4);
        float[] x = random(96, 1);
        float[] t = random(96, 2);
        float[][] vg = valueAndGradient(new PixelDistance(), x, t, shape);
        for (int i = 0; i < 2; i++) {
            double se = 0;
            for (int k = 0; k < 48; k++) {
                se += (x[i * 48 + k] - t[i * 48 + k]) * (x[i * 48 + k] - t[i * 48 + k]);
            }
            assertEquals(se / 48, vg[0][i], 1e-6);
        }
        for (int k = 0; k < 96; k++) {
            assertEquals(2 * (x[k] - t[k]) / 48, vg[1][k], 1e-6);
        }
    }

    @Test
    void aTorchScriptDistanceIsDifferentiatedThroughTheEngine() {
        Shape shape = new Shape(2, 1, 8, 8);
        float[] x = random(128, 3);
        float[] t = random(128, 4);
        float[][] pixel = valueAndGradient(new PixelDistance(), x, t, shape);
        try (TorchScriptPathDistance lpips = new TorchScriptPathDistance(PAIR_DISTANCE,
                TorchScriptFeatureExtractor.Input.FLOAT, false, "--lpips-input")) {
            float[][] script = valueAndGradient(lpips, x, t, shape);
            assertArrayEquals(pixel[0], script[0], 1e-6f, "pair_distance.pt is the mean squared difference");
            assertArrayEquals(pixel[1], script[1], 1e-6f, "and so is its gradient");
        }
    }

    @Test
    void theDigitsDistanceOnArraysIsItsDirectFormAndItsGradientMatchesFiniteDifferences() {
        Shape shape = new Shape(2, 1, 32, 32);
        float[] x = random(2048, 5);
        float[] t = random(2048, 6);
        try (DigitPerceptualDistance digits = new DigitPerceptualDistance()) {
            float[][] vg = valueAndGradient(digits, x, t, shape);
            double[] direct = digits.distances(x, t, 2, 1, 32);
            assertEquals(direct[0], vg[0][0], 1e-5 * direct[0]);
            assertEquals(direct[1], vg[0][1], 1e-5 * direct[1]);
            // the three pixels with the largest gradients, where float32 distances resolve the difference quotient
            int[] largest = java.util.stream.IntStream.range(0, 2048).boxed()
                    .sorted((p, q) -> Float.compare(Math.abs(vg[1][q]), Math.abs(vg[1][p]))).limit(3)
                    .mapToInt(Integer::intValue).toArray();
            for (int k : largest) {
                double h = 1e-3;
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[k] += (float) h;
                minus[k] -= (float) h;
                int i = k / 1024;
                double numeric = (digits.distances(plus, t, 2, 1, 32)[i] - digits.distances(minus, t, 2, 1, 32)[i])
                        / (2 * h);
                assertEquals(numeric, vg[1][k], 2e-2 * Math.abs(numeric), "pixel " + k);
            }
        }
    }
}
