package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.StyleMixing;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Tensors;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One minibatch of StyleGAN training (appendix C): a discriminator update with its gradient penalty,
 * then a generator update, each with Adam; the generator's forward passes update the tracked average
 * of w and apply the style-mixing regulariser. With more than one worker the minibatch is split
 * across {@link DataParallel} workers; with {@link TrainingConfig#batchRound} each worker's share runs
 * in rounds whose gradients are summed before the update. With {@link TrainingConfig#augmentation} every image D sees
 * (reals and fakes in the D step, fakes in the G step) passes through the {@link AugmentPipe} first.
 */
public final class TrainingStep implements AutoCloseable {

    private final TrainingConfig config;
    private final Generator g;
    private final Adam adamG;
    private final Adam adamD;
    private final GanLoss loss;
    private final DataParallel parallel;
    private final AugmentPipe augment;

    /**
     * @param config hyper-parameters (its {@link TrainingConfig#workers} sets the data parallelism)
     * @param g generator to train
     * @param d discriminator to train
     * @param adamG G's optimizer
     * @param adamD D's optimizer
     */
    public TrainingStep(TrainingConfig config, Generator g, Discriminator d, Adam adamG, Adam adamD) {
        this.config = config;
        this.g = g;
        this.adamG = adamG;
        this.adamD = adamD;
        this.loss = GanLoss.of(config.loss(), config.r1Gamma(), config.wganLambda(), config.wganEpsilon());
        this.parallel = new DataParallel(g, d, config.workers());
        this.augment = config.augmentation().enabled() ? config.augmentation().augmentPipe() : null;
    }

    /** D on images through the augmentation at probability p, with its draws from {@code rng} (none without one). */
    private GanLoss.Critic critic(Discriminator d, double lod, double augmentP, Random rng) {
        if (augment == null) {
            return x -> d.forward(x, lod);
        }
        return x -> d.forward(augment.apply(x, augmentP, rng), lod);
    }

    /** A worker's generated images and the mean of its w, which updates the tracked average. */
    private record Generated(NDArray images, float[] meanW) {
    }

    /** G's forward pass as in training: mixing regulariser, per-sample seeded noise, the mean of w. */
    private Generated generateForTraining(Generator gk, NDManager m, int n, double lod, Random rng) {
        int latent = config.model().latentSize();
        int layers = config.model().numLayers();
        NDArray z = Tensors.owned(m, gaussians(rng, n * latent), new Shape(n, latent));
        NDArray w = gk.mapping().forward(z);
        float[] meanW;
        try (NDScope inner = new NDScope()) {
            inner.suppressNotUsedWarning();
            meanW = w.stopGradient().mean(new int[] {0}).toFloatArray();
        }
        NDArray ws = w.reshape(n, 1, config.model().dlatentSize()).repeat(1, layers);
        if (config.model().styleMixingProb() > 0) {
            int curLayers = layers - 2 * (int) Math.floor(lod);
            int cutoff = StyleMixing.drawCrossover(rng, config.model().styleMixingProb(), curLayers);
            if (cutoff < curLayers) {
                NDArray z2 = Tensors.owned(m, gaussians(rng, n * latent), new Shape(n, latent));
                NDArray ws2 = gk.mapping().forward(z2).reshape(n, 1, config.model().dlatentSize()).repeat(1, layers);
                ws = StyleMixing.mix(ws, ws2, cutoff, layers);
            }
        }
        long[] noiseSeeds = new long[n];
        for (int i = 0; i < n; i++) {
            noiseSeeds[i] = rng.nextLong();
        }
        return new Generated(gk.synthesis().forward(ws, Noise.seeded(noiseSeeds), lod), meanW);
    }

    /** w_avg = lerp(batch mean of w, w_avg, beta), the batch mean averaged over the workers' equal shares. */
    private void updateAverageW(NDManager m, List<float[]> workerMeans) {
        float[] mean = workerMeans.get(0).clone();
        for (int k = 1; k < workerMeans.size(); k++) {
            float[] other = workerMeans.get(k);
            for (int i = 0; i < mean.length; i++) {
                mean[i] += other[i];
            }
        }
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= workerMeans.size();
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray batchAvg = Tensors.owned(m, mean, new Shape(mean.length));
            g.wAvg().muli((float) config.wAvgBeta()).addi(batchAvg.muli((float) (1 - config.wAvgBeta())));
        }
    }

    static float[] gaussians(Random rng, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** Back-propagates the loss of one worker's round, weighted by its share of the minibatch when there are several. */
    static void backward(NDArray partLoss, int parts) {
        Autograd.backward(parts == 1 ? partLoss : Tensors.scale(partLoss, 1.0 / parts));
    }

    /**
     * Runs a task on every worker for each round of the minibatch, in round order then worker order.
     *
     * @param n minibatch size
     * @param lod level of detail (its resolution sets the round size)
     * @param task receives the round's first image index within each worker's share, and the round size
     */
    <T> List<T> inRounds(NDManager m, Random rng, int n, double lod, RoundTask<T> task) {
        int share = n / parallel.workers();
        int round = config.roundSize(config.model().resolution() >> (int) Math.floor(lod), n);
        int parts = parallel.workers() * (share / round);
        List<T> out = new ArrayList<>();
        for (int first = 0; first < share; first += round) {
            int offset = first;
            out.addAll(parallel.run(m, rng, (k, gk, dk, wm, wrng) ->
                    task.run(k * share + offset, round, parts, gk, dk, wm, wrng)));
        }
        return out;
    }

    /** The work of one worker in one round. */
    interface RoundTask<T> {
        T run(int first, int size, int parts, Generator g, Discriminator d, NDManager m, Random rng);
    }

    /** One worker's part of a D step: its loss terms, the signs of its real scores and the mean of its w. */
    private record DiscriminatorPart(double[] terms, double realSignSum, long realScores, float[] meanW) {
    }

    /**
     * One discriminator update at the configured augmentation probability ({@link Augmentation#p()}).
     *
     * @param m manager of the step
     * @param reals processed reals at the native resolution
     * @param lod level of detail
     * @param rng the step's generator
     * @param lr learning rate
     * @param iteration minibatch index (decides whether a lazy penalty is due)
     * @return as {@link #discriminatorStep(NDManager, NDArray, double, Random, double, long, double)}
     */
    public double[] discriminatorStep(NDManager m, NDArray reals, double lod, Random rng, double lr, long iteration) {
        return discriminatorStep(m, reals, lod, rng, lr, iteration, config.augmentation().p());
    }

    /**
     * One discriminator update.
     *
     * @param m manager of the step
     * @param reals processed reals at the native resolution
     * @param lod level of detail
     * @param rng the step's generator
     * @param lr learning rate
     * @param iteration minibatch index (decides whether a lazy penalty is due)
     * @param augmentP probability of each augmentation (unused without augmentation)
     * @return D loss, penalty, mean real score, mean fake score (each the mean over the workers and rounds), then the
     *         sum of sign(D(x)) over the real scores and how many real scores there were (ADA's r_t is their ratio)
     */
    public double[] discriminatorStep(NDManager m, NDArray reals, double lod, Random rng, double lr, long iteration,
                                      double augmentP) {
        int interval = Math.max(1, config.penaltyInterval());
        double penaltyScale = iteration % interval == 0 ? interval : 0;
        int n = Math.toIntExact(reals.getShape().get(0));
        parallel.syncGenerators();
        parallel.syncDiscriminators();
        parallel.requireGradients(false, true);
        List<DiscriminatorPart> parts = inRounds(m, rng, n, lod, (first, size, count, gk, dk, wm, wrng) -> {
            NDArray partReals = size == n ? reals : reals.get(new NDIndex("{}:{}", first, first + size));
            Generated fakes = generateForTraining(gk, wm, size, lod, wrng);
            GanLoss.DiscriminatorLoss dl = loss.discriminatorLoss(critic(dk, lod, augmentP, wrng), partReals,
                    fakes.images().stopGradient(), lod, wrng, penaltyScale);
            backward(dl.total(), count);
            return new DiscriminatorPart(new double[] {dl.total().getFloat(), dl.penalty().getFloat(),
                dl.realScore().getFloat(), dl.fakeScore().getFloat()},
                    dl.realScores().stopGradient().sign().sum().getFloat(), dl.realScores().getShape().get(0),
                    fakes.meanW());
        });
        updateAverageW(m, parts.stream().map(DiscriminatorPart::meanW).toList());
        parallel.sumGradients(false);
        adamD.step(lr);
        parallel.clearGradients(false);
        parallel.requireGradients(false, false);
        double[] out = new double[6];
        for (DiscriminatorPart p : parts) {
            for (int i = 0; i < p.terms().length; i++) {
                out[i] += p.terms()[i] / parts.size();
            }
            out[4] += p.realSignSum();
            out[5] += p.realScores();
        }
        return out;
    }

    /** One worker's part of a G step: its loss and the mean of its w. */
    private record GeneratorPart(double loss, float[] meanW) {
    }

    /**
     * One generator update at the configured augmentation probability ({@link Augmentation#p()}).
     *
     * @param m manager of the step
     * @param n minibatch size
     * @param lod level of detail
     * @param rng the step's generator
     * @param lr learning rate
     * @return the G loss
     */
    public double generatorStep(NDManager m, int n, double lod, Random rng, double lr) {
        return generatorStep(m, n, lod, rng, lr, config.augmentation().p());
    }

    /**
     * One generator update.
     *
     * @param m manager of the step
     * @param n minibatch size
     * @param lod level of detail
     * @param rng the step's generator
     * @param lr learning rate
     * @param augmentP probability of each augmentation of the fakes D scores (unused without augmentation)
     * @return the G loss
     */
    public double generatorStep(NDManager m, int n, double lod, Random rng, double lr, double augmentP) {
        parallel.syncDiscriminators();
        parallel.requireGradients(true, true);
        List<GeneratorPart> parts = inRounds(m, rng, n, lod, (first, size, count, gk, dk, wm, wrng) -> {
            Generated fakes = generateForTraining(gk, wm, size, lod, wrng);
            NDArray lossG = loss.generatorLoss(critic(dk, lod, augmentP, wrng).score(fakes.images()));
            backward(lossG, count);
            return new GeneratorPart(lossG.getFloat(), fakes.meanW());
        });
        updateAverageW(m, parts.stream().map(GeneratorPart::meanW).toList());
        parallel.sumGradients(true);
        adamG.step(lr);
        parallel.clearGradients(true);
        parallel.requireGradients(true, false);
        return parts.stream().mapToDouble(GeneratorPart::loss).sum() / parts.size();
    }

    /** Stops the workers and frees the replicas. */
    @Override
    public void close() {
        parallel.close();
    }
}
