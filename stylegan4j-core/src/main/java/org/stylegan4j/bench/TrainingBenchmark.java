package org.stylegan4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.train.Adam;
import org.stylegan4j.train.ResidentMemory;
import org.stylegan4j.train.TrainingConfig;
import org.stylegan4j.train.TrainingStep;

import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Training throughput: a full iteration (D step with R1, G step) at full resolution on synthetic
 * reals, with the share of time in G, D and R1; optionally a memory soak over many iterations.
 */
public final class TrainingBenchmark {

    /**
     * One result.
     *
     * @param preset model preset
     * @param resolution resolution
     * @param batch minibatch
     * @param threads engine threads
     * @param workers data-parallel workers, each with {@code threads / workers} intra-op threads
     * @param secondsPerIteration median seconds of D step (with R1) + G step
     * @param imagesPerSecond minibatch / secondsPerIteration
     * @param shareD share of the iteration in the D step without the penalty
     * @param shareR1 share of the iteration added by R1
     * @param shareG share of the iteration in the G step
     * @param soakIterations iterations of the memory soak (0 if none)
     * @param rssAfter200Mb resident memory after 200 soak iterations (NaN if none)
     * @param rssAfterSoakMb resident memory at the end of the soak (NaN if none)
     * @param profile where one iteration's time goes, operator by operator (null unless asked for)
     */
    public record Result(String preset, int resolution, int batch, int threads, int workers, double secondsPerIteration,
                         double imagesPerSecond, double shareD, double shareR1, double shareG, int soakIterations,
                         double rssAfter200Mb, double rssAfterSoakMb, OpProfile.Result profile) {
    }

    private TrainingBenchmark() {
    }

    /**
     * @param model architecture
     * @param batch minibatch (a multiple of 4 for the minibatch-stddev groups)
     * @param warmup untimed iterations
     * @param passes timed iterations
     * @param soakIterations further iterations of the memory soak (0 for none)
     * @param workers data-parallel workers sharing each minibatch (see {@link TrainingConfig#workers})
     * @param progress called after each soak iteration
     * @param profile whether to profile one more iteration (D with R1, then G) operator by operator
     * @return the result
     */
    public static Result run(ModelConfig model, int batch, int warmup, int passes, int soakIterations, int workers,
                             IntConsumer progress, boolean profile) {
        TrainingConfig withR1 = TrainingConfig.preset("ffhq", model).toBuilder().workers(workers).minibatchBase(batch)
                .minibatchDict(Map.of()).build();
        TrainingConfig withoutR1 = withR1.toBuilder().r1Gamma(0).build();
        try (Generator g = new Generator(model, 1); Discriminator d = new Discriminator(model, 2);
             Adam adamG = Adam.official(g.parameters()); Adam adamD = Adam.official(d.parameters());
             NDManager m = Engines.newManager();
             TrainingStep step = new TrainingStep(withR1, g, d, adamG, adamD);
             TrainingStep stepNoR1 = new TrainingStep(withoutR1, g, d, adamG, adamD)) {
            int res = model.resolution();
            NDArray reals = m.randomUniform(-1f, 1f, new Shape(batch, model.numChannels(), res, res));
            Random rng = new Random(0);
            double lr = withR1.lrBase();
            double tD = Timing.medianSeconds(warmup, passes, () -> scoped(m, s -> step.discriminatorStep(s, reals, 0, rng, lr, 0)));
            double tD0 = Timing.medianSeconds(warmup, passes, () -> scoped(m, s -> stepNoR1.discriminatorStep(s, reals, 0, rng, lr, 0)));
            double tG = Timing.medianSeconds(warmup, passes, () -> scoped(m, s -> step.generatorStep(s, batch, 0, rng, lr)));
            double iter = tD + tG;
            double rss200 = Double.NaN;
            double rssEnd = Double.NaN;
            for (int i = 1; i <= soakIterations; i++) {
                scoped(m, s -> {
                    step.discriminatorStep(s, reals, 0, rng, lr, 0);
                    step.generatorStep(s, batch, 0, rng, lr);
                });
                if (i == Math.min(200, soakIterations)) {
                    rss200 = ResidentMemory.megabytes();
                }
                progress.accept(i);
            }
            if (soakIterations > 0) {
                rssEnd = ResidentMemory.megabytes();
            }
            OpProfile.Result ops = !profile ? null : OpProfile.of(() -> scoped(m, s -> {
                step.discriminatorStep(s, reals, 0, rng, lr, 0);
                step.generatorStep(s, batch, 0, rng, lr);
            }), 20);
            return new Result(model.preset(), res, batch, Engines.threads(), workers, iter, batch / iter, tD0 / iter,
                    (tD - tD0) / iter, tG / iter, soakIterations, rss200, rssEnd, ops);
        }
    }

    private interface StepBody {
        void run(NDManager step);
    }

    private static void scoped(NDManager m, StepBody body) {
        try (NDScope scope = new NDScope(); NDManager s = m.newSubManager()) {
            scope.suppressNotUsedWarning();
            body.run(s);
        }
    }
}
