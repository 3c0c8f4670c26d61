package org.stylegan4j.gpu;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.Tensors;
import org.stylegan4j.train.Adam;
import org.stylegan4j.train.TrainingConfig;
import org.stylegan4j.train.TrainingStep;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GPU path against the CPU's results: the same networks (weights are initialised on the Java side, so both
 * devices start from the same values) give the same images, scores and training step, R1 included. Tagged
 * {@code gpu}: excluded from the default suite, run by {@code tools/gpu-check.sh} on a machine with CUDA natives
 * and a GPU (skipped where there is none).
 */
@Tag("gpu")
class GpuParityTest {

    @BeforeEach
    void needsAGpu() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() > 0, "no GPU visible to PyTorch");
    }

    @AfterEach
    void backToTheDefault() {
        Engines.useDevice("auto");
    }

    /** Runs the same computation on the CPU and on the GPU and returns both results as floats. */
    private static List<float[]> onBoth(Function<NDManager, float[]> work) {
        Engines.useDevice("cpu");
        float[] cpu;
        try (NDManager m = Engines.newManager()) {
            assertFalse(m.getDevice().isGpu());
            cpu = work.apply(m);
        }
        Engines.useDevice("gpu");
        float[] gpu;
        try (NDManager m = Engines.newManager()) {
            assertTrue(m.getDevice().isGpu());
            gpu = work.apply(m);
        }
        return List.of(cpu, gpu);
    }

    private static void assertClose(List<float[]> both, double tolerance, String what) {
        float[] a = both.get(0);
        float[] b = both.get(1);
        assertEquals(a.length, b.length, what);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
        }
        assertTrue(worst <= tolerance, what + ": largest relative difference " + worst);
    }

    @Test
    void generatorAndDiscriminatorMatchTheCpu() {
        ModelConfig config = ModelConfig.official(64);
        long[] seeds = {0, 1, 2, 3};
        assertClose(onBoth(m -> {
            try (Generator g = new Generator(config, 5)) {
                NDArray z = Seeds.latents(seeds, config.latentSize(), m);
                return g.generate(z, Truncation.allLayers(0.7), Noise.seeded(seeds)).toFloatArray();
            }
        }), 2e-3, "images");
        float[] images = gaussians(4 * 3 * 64 * 64);
        assertClose(onBoth(m -> {
            try (Discriminator d = new Discriminator(config, 6)) {
                return d.forward(Tensors.owned(m, images, new Shape(4, 3, 64, 64)), 0).toFloatArray();
            }
        }), 2e-3, "scores");
    }

    @Test
    void aTrainingStepWithR1MatchesTheCpu() {
        ModelConfig config = ModelConfig.official(32);
        float[] reals = gaussians(8 * 3 * 32 * 32);
        assertClose(onBoth(m -> {
            TrainingConfig c = TrainingConfig.preset("ffhq", config);
            try (Generator g = new Generator(config, 7);
                 Discriminator d = new Discriminator(config, 8);
                 Adam adamG = Adam.official(g.parameters());
                 Adam adamD = Adam.official(d.parameters());
                 TrainingStep step = new TrainingStep(c, g, d, adamG, adamD)) {
                NDArray x = Tensors.owned(m, reals, new Shape(8, 3, 32, 32));
                double[] dl = step.discriminatorStep(m, x, 0, new Random(9), 0.001, 0);
                double lossG = step.generatorStep(m, 8, 0, new Random(10), 0.001);
                float[] firstG = g.parameters().trainable().get(0).array().toFloatArray();
                float[] out = new float[5 + 16];
                out[0] = (float) dl[0];
                out[1] = (float) dl[1];
                out[2] = (float) dl[2];
                out[3] = (float) dl[3];
                out[4] = (float) lossG;
                System.arraycopy(firstG, 0, out, 5, 16);
                return out;
            }
        }), 5e-3, "D loss, R1, scores, G loss and updated weights");
    }

    private static float[] gaussians(int n) {
        Random rng = new Random(4);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
