package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.Tensors;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A minibatch run in rounds ({@link TrainingConfig#batchRound}) sums to the whole minibatch's gradient. */
class TrainingRoundsTest {

    private static final int N = 8;

    private static TrainingConfig config(int workers, int batchRound) {
        TrainingConfig c = TrainingConfig.preset("ffhq", R1PenaltyTest.tiny());
        c.stddevGroupSize = 1;
        c.workers = workers;
        c.batchRound = batchRound;
        return c;
    }

    /** A training step of the tiny networks with the given config, handed to {@code body}. */
    private static <T> T withStep(TrainingConfig config, java.util.function.BiFunction<TrainingStep, Discriminator, T> body) {
        try (Generator g = new Generator(config.model, 1);
             Discriminator d = new Discriminator(config.model, 2, new Discriminator.Options(1, 1, 1));
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
        TrainingConfig c = config(1, 4);
        c.minibatchBase = 32;
        c.minibatchDict = new TreeMap<>(Map.of(8, 256, 16, 128));
        c.checkMinibatches();
        assertEquals(4, c.roundSize(8, 256));
        c.workers = 2;
        assertEquals(4, c.roundSize(8, 256));
        c.batchRound = 0;
        assertEquals(128, c.roundSize(8, 256));
        c.batchRoundDict = new TreeMap<>(Map.of(8, 16));
        assertEquals(16, c.roundSize(8, 256));
        assertEquals(128, c.roundSize(16, 256));
        c.batchRoundDict = new TreeMap<>();
        c.batchRound = 3;
        StyleGanInputException e = assertThrows(StyleGanInputException.class, c::checkMinibatches);
        assertEquals("the worker share of 16 images does not split into rounds of 3 that are multiples of the pack "
                + "size 1 (see --batch-round, --batch and --pack)", e.getMessage());
        c.workers = 1;
        c.minibatchBase = 24;
        c.minibatchDict = new TreeMap<>();
        c.batchRound = 12;
        c.stddevGroupSize = 8;
        e = assertThrows(StyleGanInputException.class, c::checkMinibatches);
        assertEquals("the 12 inputs of D per round are not a multiple of the minibatch-stddev group 8 (see --batch, "
                + "--workers, --batch-round, --pack and --mbstd-group)", e.getMessage());
        c.stddevGroupSize = 4;
        c.checkMinibatches();
        c.batchRound = 0;
        c.batchRoundDict = new TreeMap<>(Map.of(8, 12, 4, 5));
        e = assertThrows(StyleGanInputException.class, c::checkMinibatches);
        assertEquals("the worker share of 24 images does not split into rounds of 5 that are multiples of the pack "
                + "size 1 (see --batch-round, --batch and --pack)", e.getMessage());
    }
}
