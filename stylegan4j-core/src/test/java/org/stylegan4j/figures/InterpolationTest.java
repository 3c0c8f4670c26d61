package org.stylegan4j.figures;

import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Seeds;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

class InterpolationTest {

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void endpointsAreTheEndLatentsExactly() {
        float[] a = Seeds.latent(1, 128);
        float[] b = Seeds.latent(2, 128);
        assertArrayEquals(a, Interpolation.slerp(a, b, 0));
        assertArrayEquals(b, Interpolation.slerp(a, b, 1));
        assertArrayEquals(a, Interpolation.lerp(a, b, 0));
        assertArrayEquals(b, Interpolation.lerp(a, b, 1));
        assertNotSame(a, Interpolation.lerp(a, b, 0));
    }

    @Test
    void slerpFollowsTheGreatCircleAndInterpolatesTheNorm() {
        float[] a = {2, 0, 0};
        float[] b = {0, 4, 0};
        float[] mid = Interpolation.slerp(a, b, 0.5);
        double s = Math.sqrt(0.5);
        assertArrayEquals(new float[] {(float) (3 * s), (float) (3 * s), 0}, mid, 1e-6f);
        float[] third = Interpolation.slerp(a, b, 1.0 / 3);
        assertEquals(2 + 2.0 / 3, norm(third), 1e-5);
        assertEquals(Math.cos(Math.PI / 6), third[0] / norm(third), 1e-6);
        assertArrayEquals(new float[] {1, 2, 0}, Interpolation.lerp(a, b, 0.5), 0f);
    }

    @Test
    void pathPassesExactlyThroughEverySeed() {
        try (Generator g = FigureNetworks.digits32()) {
            long[] seeds = {3, 4, 5};
            List<float[]> z = new Interpolation(g, seeds, Interpolation.Space.Z, 9).path();
            assertEquals(9, z.size());
            assertArrayEquals(Seeds.latent(3, 128), z.get(0));
            assertArrayEquals(Seeds.latent(4, 128), z.get(4));
            assertArrayEquals(Seeds.latent(5, 128), z.get(8));
            List<float[]> w = new Interpolation(g, seeds, Interpolation.Space.W, 5).path();
            float[] w3 = FigureNetworks.directWs(g, 3);
            float[] w5 = FigureNetworks.directWs(g, 5);
            int d = g.config().dlatentSize();
            assertArrayEquals(Arrays.copyOf(w3, d), w.get(0));
            assertArrayEquals(Arrays.copyOf(w5, d), w.get(4));
        }
    }

    @Test
    void rendersOneImagePerFrame() {
        try (Generator g = FigureNetworks.digits32()) {
            List<BufferedImage> frames = new Interpolation(g, new long[] {1, 2}, Interpolation.Space.W, 4).batchSize(3).render();
            assertEquals(4, frames.size());
            assertEquals(32, frames.get(3).getWidth());
        }
    }
}
