package org.stylegan4j.projection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.metrics.PixelDistance;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The projector's schedule and regulariser against hand-computed values, and projections that converge. */
class ProjectorTest {

    private static Generator g;

    @BeforeAll
    static void load() {
        g = OfficialImport.load(Path.of("src", "test", "resources", "pkl", "tiny32.pkl")).freeze();
    }

    @AfterAll
    static void close() {
        g.close();
    }

    @Test
    void learningRateAndWNoiseFollowThePublishedRamps() {
        Projector.Options o = Projector.Options.PUBLISHED;
        assertEquals(0.0, o.learningRate(0), 0.0);
        assertEquals(0.05, o.learningRate(25), 1e-12, "half-way up the 5% ramp-up");
        assertEquals(0.1, o.learningRate(500), 1e-12);
        assertEquals(0.1 * (0.5 - 0.5 * Math.cos(0.4 * Math.PI)), o.learningRate(900), 1e-12, "cosine ramp-down");
        assertEquals(2.0 * 0.05, o.wNoiseScale(0, 2.0), 1e-12);
        assertEquals(2.0 * 0.05 * 0.25, o.wNoiseScale(375, 2.0), 1e-12, "half the 75% ramp, squared");
        assertEquals(0.0, o.wNoiseScale(800, 2.0), 0.0);
    }

    @Test
    void theNoiseRegulariserIsTheSquaredShiftedAutocorrelationAtEveryScale() {
        Random rng = new Random(5);
        float[] v = new float[16 * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        double expected = autocorrelation(v, 16);
        float[] half = new float[8 * 8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                half[y * 8 + x] = (v[2 * y * 16 + 2 * x] + v[2 * y * 16 + 2 * x + 1] + v[(2 * y + 1) * 16 + 2 * x]
                        + v[(2 * y + 1) * 16 + 2 * x + 1]) / 4;
            }
        }
        expected += autocorrelation(half, 8);
        try (NDManager m = Engines.newManager()) {
            NDArray map = m.create(v, new Shape(1, 1, 16, 16));
            assertEquals(expected, Projector.noiseRegularisation(new NDArray[] {map}).getFloat(0), 1e-6);
            assertArrayEquals(new float[] {3, 1, 2, 6, 4, 5}, Projector.roll(m.create(new float[] {1, 2, 3, 4, 5, 6},
                    new Shape(2, 3)), 1).toFloatArray(), 0f);
        }
    }

    private static double autocorrelation(float[] v, int s) {
        double x = 0;
        double y = 0;
        for (int r = 0; r < s; r++) {
            for (int c = 0; c < s; c++) {
                x += v[r * s + c] * v[r * s + (c + s - 1) % s];
                y += v[r * s + c] * v[((r + s - 1) % s) * s + c];
            }
        }
        x /= s * s;
        y /= s * s;
        return x * x + y * y;
    }

    @Test
    void aNearbyOutputOfTheNetworkIsReachedInAFewSteps() {
        // a freshly initialised network: its noise strengths start at 0 (official initialisation), so an image is a
        // function of w alone; without the exploration noise on w the projection walks straight to the target
        try (Generator fresh = new Generator(ModelConfig.preset("small", 32), 1).freeze();
             NDManager m = Engines.newManager()) {
            Projector.Options o = new Projector.Options(Projector.Space.W, 30, 0.1, 0, 0.25, 0.05, 0.75, 1e5, 1000, 1);
            NDArray seedW = fresh.map(Seeds.latents(new long[] {7}, 128, m));
            float[] avg = new Projector(fresh, new PixelDistance(), o.withSteps(1)).project(
                    fresh.synthesize(fresh.broadcast(seedW), Noise.constant()), null).wAverage();
            NDArray wAvg = m.create(avg, new Shape(1, 128));
            NDArray target = fresh.synthesize(fresh.broadcast(wAvg.add(seedW.sub(wAvg).mul(0.3f))), Noise.constant());
            long start = System.nanoTime();
            Projector.Result r = new Projector(fresh, new PixelDistance(), o).project(target, null);
            System.out.printf("nearby target: step 0 %.6f, 10 %.6f, 29 %.6f (%.1f s)%n", r.meanDistance(0),
                    r.meanDistance(10), r.meanDistance(29), (System.nanoTime() - start) / 1e9);
            assertTrue(r.meanDistance(29) < 0.15 * r.meanDistance(0), r.meanDistance(0) + " -> " + r.meanDistance(29));
        }
    }

    @Test
    void theDistanceFallsOnAverageForSeveralTargetsAtOnce() {
        try (NDManager m = Engines.newManager()) {
            NDArray targets = g.generate(Seeds.latents(new long[] {3, 4, 5}, 32, m), Truncation.NONE,
                    Noise.seeded(3, 4, 5));
            Projector.Result r = new Projector(g, new PixelDistance(),
                    Projector.Options.PUBLISHED.withSpace(Projector.Space.W_PLUS).withSteps(100)).project(targets, null);
            assertEquals(3, r.distances()[0].length);
            assertArrayEquals(new long[] {3, g.config().numLayers(), 32}, r.ws().shape());
            double early = 0;
            double late = 0;
            for (int i = 0; i < 10; i++) {
                early += r.meanDistance(i);
                late += r.meanDistance(90 + i);
            }
            System.out.printf("seeds 3-5 in W+: first 10 steps %.5f, last 10 %.5f%n", early / 10, late / 10);
            assertTrue(late < 0.5 * early, early + " -> " + late);
        }
    }

    @Test
    void targetsOfAnotherShapeAreRefused() {
        try (NDManager m = Engines.newManager()) {
            Projector p = new Projector(g, new PixelDistance(), Projector.Options.PUBLISHED.withSteps(1));
            StyleGanInputException e = assertThrows(StyleGanInputException.class,
                    () -> p.project(m.zeros(new Shape(1, 1, 32, 32)), null));
            assertEquals("targets must be (1, 3, 32, 32) for this network, got (1, 1, 32, 32)", e.getMessage());
        }
    }
}
