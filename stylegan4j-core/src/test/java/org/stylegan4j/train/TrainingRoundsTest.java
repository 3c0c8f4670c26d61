package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.Tensors;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A minibatch run in rounds ({@link TrainingConfig#batchRound}) sums to the whole minibatch's gradient. */
class TrainingRoundsTest {

    private static final int N = 8;

    private static TrainingConfig config(int workers, int batchRound) {
        ModelConfig model = R1PenaltyTest.tiny().withDiscriminator(new DiscriminatorConfig(1, 1, 1));
        return TrainingConfig.preset("ffhq", model).toBuilder().minibatchBase(N).minibatchDict(Map.of())
                .workers(workers).batchRound(batchRound).build();
    }

    /** A training step of the tiny networks with the given config, handed to {@code body}. */
    private static <T> T withStep(TrainingConfig config, java.util.function.BiFunction<TrainingStep, Discriminator, T> body) {
        try (Generator g = new Generator(config.model(), 1);
             Discriminator d = new Discriminator(config.model(), 2);
             Adam adamG = Adam.official(g.parameters());
             Adam adamD = Adam.official(d.parameters());
             TrainingStep step = new TrainingStep(config, g, d, adamG, adamD)) {
            return body.apply(step, d);
        }
    }

    /** D's gradients of the mean logistic loss on reals, the minibatch run by {@link TrainingStep#inRounds}. */
    private static List<float[]> gradients(TrainingConfig config, float[] reals, List<Integer> sizesSeen) {
        return withStep(config, (step, d) -> {
            try (NDManager m = Engines.newManager()) {
                org.stylegan4j.nn.Autograd.requireGradients(d.parameters(), true);
                NDArray x = Tensors.owned(m, reals, new Shape(N, 1, 8, 8));
                List<Integer> firsts = step.inRounds(m, new Random(0), N, 0, (first, size, parts, gk, dk, wm, rng) -> {
                    NDArray part = x.get(new NDIndex("{}:{}", first, first + size));
                    TrainingStep.backward(Activation.softPlus(dk.forward(part, 0).neg()).mean(), parts);
                    synchronized (sizesSeen) {
                        sizesSeen.add(size);
                    }
                    return first;
                });
                assertEquals(N / config.roundSize(8, N), firsts.size());
                List<float[]> out = d.parameters().trainable().stream()
                        .map(p -> p.array().getGradient().toFloatArray()).toList();
                org.stylegan4j.nn.Autograd.requireGradients(d.parameters(), false);
                return out;
            }
        });
    }

    @Test
    void roundsSumToTheGradientOfTheWholeMinibatch() {
        float[] reals = TrainingStep.gaussians(new Random(5), N * 64);
        List<float[]> whole = gradients(config(1, 0), reals, new java.util.ArrayList<>());
        for (int round : new int[] {4, 2, 1}) {
            List<Integer> sizes = new java.util.ArrayList<>();
            List<float[]> split = gradients(config(1, round), reals, sizes);
            assertEquals(N / round, sizes.size());
            sizes.forEach(s -> assertEquals(round, s));
            for (int i = 0; i < whole.size(); i++) {
                float max = 0;
                for (float v : whole.get(i)) {
                    max = Math.max(max, Math.abs(v));
                }
                assertArrayEquals(whole.get(i), split.get(i), 1e-5f * Math.max(1, max),
                        "rounds of " + round + ", tensor " + i);
            }
        }
    }

    @Test
    void workersTakeTheirShareOfEachRound() {
        List<String> parts = withStep(config(2, 2), (step, d) -> {
            try (NDManager m = Engines.newManager()) {
                return step.inRounds(m, new Random(0), N, 0, (first, size, count, gk, dk, wm, rng) -> first + "+" + size + "/" + count);
            }
        });
        // shares of 4: worker 0 takes images 0-3, worker 1 images 4-7, each in two rounds of 2 (4 parts in all)
        assertEquals(List.of("0+2/4", "4+2/4", "2+2/4", "6+2/4"), parts);
    }

    @Test
    void roundSizesAreCheckedAgainstPacksAndGroups() {
        TrainingConfig c = TrainingConfig.preset("ffhq", R1PenaltyTest.tiny()).toBuilder().batchRound(4)
                .minibatchBase(32).minibatchDict(Map.of(8, 256, 16, 128)).build();
        assertEquals(4, c.roundSize(8, 256));
        c = c.toBuilder().workers(2).build();
        assertEquals(4, c.roundSize(8, 256));
        c = c.toBuilder().batchRound(0).build();
        assertEquals(128, c.roundSize(8, 256));
        c = c.toBuilder().batchRoundDict(Map.of(8, 16)).build();
        assertEquals(16, c.roundSize(8, 256));
        assertEquals(128, c.roundSize(16, 256));
        TrainingConfig.Builder threes = c.toBuilder().batchRoundDict(Map.of()).batchRound(3);
        StyleGanInputException e = assertThrows(StyleGanInputException.class, threes::build);
        assertEquals("the worker share of 16 images does not split into rounds of 3 that are multiples of the pack "
                + "size 1 (see --batch-round, --batch and --pack)", e.getMessage());
        TrainingConfig.Builder groups = threes.workers(1).minibatchBase(24).minibatchDict(Map.of()).batchRound(12)
                .model(c.model().withDiscriminator(new DiscriminatorConfig(8, 1, 1)));
        e = assertThrows(StyleGanInputException.class, groups::build);
        assertEquals("the 12 inputs of D per round are not a multiple of the minibatch-stddev group 8 (see --batch, "
                + "--workers, --batch-round, --pack and --mbstd-group)", e.getMessage());
        TrainingConfig fours = groups.model(c.model()).build();
        e = assertThrows(StyleGanInputException.class,
                () -> fours.toBuilder().batchRound(0).batchRoundDict(Map.of(8, 12, 4, 5)).build());
        assertEquals("the worker share of 24 images does not split into rounds of 5 that are multiples of the pack "
                + "size 1 (see --batch-round, --batch and --pack)", e.getMessage());
    }
}
