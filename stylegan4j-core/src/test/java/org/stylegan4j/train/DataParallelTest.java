package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Data parallelism: the workers' summed gradients equal the whole minibatch's, and replicas follow the networks. */
class DataParallelTest {

    private static final int N = 8;

    /** D's gradients of the mean logistic loss on reals, the minibatch split over {@code workers}. */
    private static List<float[]> gradients(int workers, float[] reals) {
        ModelConfig model = R1PenaltyTest.tiny();
        try (Generator g = new Generator(model, 1);
             Discriminator d = new Discriminator(model.withDiscriminator(new DiscriminatorConfig(1, 1, 1)), 2);
             DataParallel parallel = new DataParallel(g, d, workers);
             NDManager m = Engines.newManager()) {
            parallel.syncDiscriminators();
            parallel.requireGradients(false, true);
            NDArray x = Tensors.owned(m, reals, new Shape(N, 1, 8, 8));
            int share = N / workers;
            List<Float> losses = parallel.run(m, new Random(0), (k, gk, dk, wm, rng) -> {
                NDArray part = x.get(new NDIndex("{}:{}", k * share, (k + 1) * share));
                NDArray loss = Activation.softPlus(dk.forward(part, 0).neg()).mean();
                Autograd.backward(Tensors.scale(loss, 1.0 / workers));
                return loss.getFloat();
            });
            assertEquals(workers, losses.size());
            parallel.sumGradients(false);
            List<float[]> out = d.parameters().trainable().stream()
                    .map(p -> p.array().getGradient().toFloatArray()).toList();
            parallel.clearGradients(false);
            parallel.requireGradients(false, false);
            return out;
        }
    }

    @Test
    void workersSumToTheGradientOfTheWholeMinibatch() {
        float[] reals = TrainingStep.gaussians(new Random(3), N * 64);
        List<float[]> whole = gradients(1, reals);
        for (int workers : new int[] {2, 4}) {
            List<float[]> split = gradients(workers, reals);
            assertEquals(whole.size(), split.size());
            for (int i = 0; i < whole.size(); i++) {
                float max = 0;
                for (float v : whole.get(i)) {
                    max = Math.max(max, Math.abs(v));
                }
                assertArrayEquals(whole.get(i), split.get(i), 1e-5f * Math.max(1, max),
                        workers + " workers, tensor " + i);
            }
        }
    }

    @Test
    void replicasTakeTheNetworksValuesWhenSynchronised() {
        ModelConfig model = R1PenaltyTest.tiny();
        try (Generator g = new Generator(model, 1);
             Discriminator d = new Discriminator(model.withDiscriminator(new DiscriminatorConfig(4, 1, 2)), 2);
             DataParallel parallel = new DataParallel(g, d, 3);
             NDManager m = Engines.newManager()) {
            List<float[]> before = parallel.run(m, new Random(0), (k, gk, dk, wm, rng) -> firstWeights(gk, dk));
            assertFalse(Arrays.equals(before.get(0), before.get(1)), "replicas start from other initial weights");
            parallel.syncGenerators();
            parallel.syncDiscriminators();
            List<float[]> after = parallel.run(m, new Random(0), (k, gk, dk, wm, rng) -> {
                assertEquals(2, dk.pack());
                return firstWeights(gk, dk);
            });
            assertArrayEquals(after.get(0), after.get(1));
            assertArrayEquals(after.get(0), after.get(2));
        }
    }

    /** The first trainable tensors of G and D, concatenated. */
    private static float[] firstWeights(Generator g, Discriminator d) {
        ParameterStore.Parameter pg = g.parameters().trainable().get(0);
        ParameterStore.Parameter pd = d.parameters().trainable().get(0);
        float[] a = pg.array().toFloatArray();
        float[] b = pd.array().toFloatArray();
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
