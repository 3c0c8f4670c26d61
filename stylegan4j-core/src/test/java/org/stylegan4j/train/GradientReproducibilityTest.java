package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression test for a use-after-free between DJL and PyTorch's autograd: DJL's {@code mul(Number)} and
 * tensors created from Java arrays live in Java direct buffers that are released while the autograd graph
 * still holds them, so a backward pass after a garbage collection read freed memory (garbage, NaN and 1e37
 * gradients, the cause of diverging training runs). The same loss, differentiated repeatedly with garbage
 * collections and fresh direct buffers between forward and backward, must give finite, bit-identical gradients.
 */
class GradientReproducibilityTest {

    private static NDManager manager;
    private static Generator g;
    private static Discriminator d;

    @BeforeAll
    static void setUp() {
        manager = Engines.newManager();
        ModelConfig cfg = ModelConfig.preset("small", 16);
        g = new Generator(cfg, 3);
        d = new Discriminator(cfg, 7);
    }

    @AfterAll
    static void tearDown() {
        g.close();
        d.close();
        manager.close();
    }

    @Test
    void generatorGradientsThroughTheDiscriminatorAreFiniteAndReproducible() {
        Map<String, float[]> first = generatorGradients(0.5);
        for (int rep = 0; rep < 2; rep++) {
            Map<String, float[]> again = generatorGradients(0.5);
            for (Map.Entry<String, float[]> e : first.entrySet()) {
                assertArrayEquals(e.getValue(), again.get(e.getKey()), 0f, e.getKey());
            }
        }
        for (Map.Entry<String, float[]> e : first.entrySet()) {
            for (float v : e.getValue()) {
                assertTrue(Float.isFinite(v) && Math.abs(v) < 1e6, e.getKey() + " has gradient " + v);
            }
        }
    }

    @Test
    void r1PenaltyWeightGradientsAreReproducible() {
        float[] first = penaltyGradient();
        float[] again = penaltyGradient();
        assertArrayEquals(first, again, 0f);
        double norm = 0;
        for (float v : first) {
            assertTrue(Float.isFinite(v));
            norm += v * v;
        }
        assertTrue(norm > 0, "the penalty reaches D's weights");
    }

    /** Loss softplus(-D(G(z))) as the G step computes it, with a fade-in level so every scaling op is used. */
    private static Map<String, float[]> generatorGradients(double lod) {
        Map<String, float[]> out = new LinkedHashMap<>();
        int n = 8;
        float[] z = TrainingStep.gaussians(new Random(1), n * g.config().latentSize());
        long[] seeds = new long[n];
        Arrays.setAll(seeds, i -> 100 + i);
        Autograd.requireGradients(g.parameters(), true);
        try (NDManager s = manager.newSubManager()) {
            try (Autograd.Recording r = Autograd.record()) {
                NDArray latents = Tensors.owned(s, z, new Shape(n, g.config().latentSize()));
                NDArray images = g.synthesis().forward(g.broadcast(g.mapping().forward(latents)), Noise.seeded(seeds), lod);
                NDArray loss = new LogisticR1Loss(1).generatorLoss(d.forward(images, lod));
                churn();
                Autograd.backward(loss);
                for (ParameterStore.Parameter p : g.parameters().trainable()) {
                    out.put(p.name(), p.array().getGradient().toFloatArray());
                }
            }
        } finally {
            Autograd.clearGradients(g.parameters());
            Autograd.requireGradients(g.parameters(), false);
        }
        return out;
    }

    /** Gradient of the R1 penalty with respect to D's first weight (second-order through D). */
    private static float[] penaltyGradient() {
        int n = 8;
        float[] x = TrainingStep.gaussians(new Random(2), n * 16 * 16);
        Autograd.requireGradients(d.parameters(), true);
        try (NDManager s = manager.newSubManager()) {
            try (Autograd.Recording r = Autograd.record()) {
                NDArray reals = Tensors.owned(s, x, new Shape(n, 1, 16, 16));
                reals.setRequiresGradient(true);
                NDArray scores = d.forward(reals, 0);
                NDArray penalty = Tensors.scale(R1Penalty.squaredGradientNorm(scores, reals, 0).mean(), 5.0);
                churn();
                Autograd.backward(penalty);
                return d.parameters().trainable().get(0).array().getGradient().toFloatArray();
            }
        } finally {
            Autograd.clearGradients(d.parameters());
            Autograd.requireGradients(d.parameters(), false);
        }
    }

    /** Collects garbage and fills fresh direct buffers, so that memory released too early gets overwritten. */
    private static void churn() {
        System.gc();
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            while (b.hasRemaining()) {
                b.put((byte) 0x7f);
            }
            buffers.add(b);
        }
        buffers.clear();
    }
}
