package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.StyleMixing;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Tensors;

import java.util.Random;

/**
 * One minibatch of StyleGAN training (appendix C): a discriminator update with its gradient penalty,
 * then a generator update, each with Adam; the generator's forward pass updates the tracked average
 * of w and applies the style-mixing regulariser.
 */
public final class TrainingStep {

    private final TrainingConfig config;
    private final Generator g;
    private final Discriminator d;
    private final Adam adamG;
    private final Adam adamD;
    private final GanLoss loss;

    /**
     * @param config hyper-parameters
     * @param g generator to train
     * @param d discriminator to train
     * @param adamG G's optimizer
     * @param adamD D's optimizer
     */
    public TrainingStep(TrainingConfig config, Generator g, Discriminator d, Adam adamG, Adam adamD) {
        this.config = config;
        this.g = g;
        this.d = d;
        this.adamG = adamG;
        this.adamD = adamD;
        this.loss = GanLoss.of(config.loss, config.r1Gamma, config.wganLambda, config.wganEpsilon);
    }

    /** G's forward pass as in training: w average update, mixing regulariser, per-sample seeded noise. */
    private NDArray generateForTraining(NDManager m, int n, double lod, Random rng) {
        int latent = config.model.latentSize();
        int layers = config.model.numLayers();
        NDArray z = Tensors.owned(m, gaussians(rng, n * latent), new Shape(n, latent));
        NDArray w = g.mapping().forward(z);
        try (NDScope inner = new NDScope()) {
            inner.suppressNotUsedWarning();
            NDArray batchAvg = w.stopGradient().mean(new int[] {0});
            g.wAvg().muli((float) config.wAvgBeta).addi(batchAvg.muli((float) (1 - config.wAvgBeta)));
        }
        NDArray ws = w.reshape(n, 1, config.model.dlatentSize()).repeat(1, layers);
        if (config.model.styleMixingProb() > 0) {
            int curLayers = layers - 2 * (int) Math.floor(lod);
            int cutoff = StyleMixing.drawCrossover(rng, config.model.styleMixingProb(), curLayers);
            if (cutoff < curLayers) {
                NDArray z2 = Tensors.owned(m, gaussians(rng, n * latent), new Shape(n, latent));
                NDArray ws2 = g.mapping().forward(z2).reshape(n, 1, config.model.dlatentSize()).repeat(1, layers);
                ws = StyleMixing.mix(ws, ws2, cutoff, layers);
            }
        }
        long[] noiseSeeds = new long[n];
        for (int i = 0; i < n; i++) {
            noiseSeeds[i] = rng.nextLong();
        }
        return g.synthesis().forward(ws, Noise.seeded(noiseSeeds), lod);
    }

    static float[] gaussians(Random rng, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
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
     * @return D loss, penalty, mean real score, mean fake score
     */
    public double[] discriminatorStep(NDManager m, NDArray reals, double lod, Random rng, double lr, long iteration) {
        int interval = Math.max(1, config.penaltyInterval);
        double penaltyScale = iteration % interval == 0 ? interval : 0;
        Autograd.requireGradients(d.parameters(), true);
        double[] out;
        try (Autograd.Recording r = Autograd.record()) {
            NDArray fakes = generateForTraining(m, (int) reals.getShape().get(0), lod, rng).stopGradient();
            GanLoss.DiscriminatorLoss dl = loss.discriminatorLoss(d, reals, fakes, lod, rng, penaltyScale);
            Autograd.backward(dl.total());
            out = new double[] {dl.total().getFloat(), dl.penalty().getFloat(), dl.realScore().getFloat(),
                dl.fakeScore().getFloat()};
        }
        adamD.step(lr);
        Autograd.clearGradients(d.parameters());
        Autograd.requireGradients(d.parameters(), false);
        return out;
    }

    /**
     * One generator update.
     *
     * @param m manager of the step
     * @param n minibatch size
     * @param lod level of detail
     * @param rng the step's generator
     * @param lr learning rate
     * @return the G loss
     */
    public double generatorStep(NDManager m, int n, double lod, Random rng, double lr) {
        Autograd.requireGradients(g.parameters(), true);
        double value;
        try (Autograd.Recording r = Autograd.record()) {
            NDArray fakes = generateForTraining(m, n, lod, rng);
            NDArray lossG = loss.generatorLoss(d.forward(fakes, lod));
            Autograd.backward(lossG);
            value = lossG.getFloat();
        }
        adamG.step(lr);
        Autograd.clearGradients(g.parameters());
        Autograd.requireGradients(g.parameters(), false);
        return value;
    }
}
