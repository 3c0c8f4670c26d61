package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Tensors;

import java.util.Random;

/**
 * WGAN-GP (Gulrajani et al. 2017), the alternative the paper's code offers: G minimises -D(G(z)); D
 * minimises D(G(z)) - D(x) + lambda (||grad D(x_hat)|| - 1)^2 + epsilon D(x)^2 on random
 * interpolates x_hat (lambda 10, epsilon 0.001). With augmentation, D scores the augmented interpolates and the
 * penalty is the gradient with respect to the interpolates before augmentation.
 */
public final class WganGpLoss implements GanLoss {

    private final double lambda;
    private final double epsilon;

    /**
     * @param lambda gradient penalty weight
     * @param epsilon drift penalty weight
     */
    public WganGpLoss(double lambda, double epsilon) {
        this.lambda = lambda;
        this.epsilon = epsilon;
    }

    @Override
    public NDArray generatorLoss(NDArray fakeScores) {
        return fakeScores.neg().mean();
    }

    @Override
    public DiscriminatorLoss discriminatorLoss(Critic d, NDArray reals, NDArray fakes, double lod, Random rng,
                                               double penaltyScale) {
        NDArray realScores = d.score(reals);
        NDArray fakeScores = d.score(fakes);
        NDArray drift = Tensors.scale(realScores.square().mean(), epsilon);
        if (penaltyScale <= 0 || lambda <= 0) {
            NDArray zero = drift.zerosLike();
            return new DiscriminatorLoss(fakeScores.mean().sub(realScores.mean()).add(drift), realScores.mean(),
                    fakeScores.mean(), zero, realScores);
        }
        long n = reals.getShape().get(0);
        float[] u = new float[(int) n];
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextFloat();
        }
        NDArray t = Tensors.owned(reals.getManager(), u, new Shape(n, 1, 1, 1));
        NDArray mixed = reals.add(fakes.sub(reals).mul(t)).stopGradient();
        mixed.setRequiresGradient(true);
        NDArray mixedScores = d.score(mixed);
        NDArray grad = Autograd.gradientWithGraph(mixedScores, mixed);
        float scale = (float) Math.pow(2.0, -Math.floor(lod));
        NDArray norm = Tensors.scale(GanLoss.sumPerScore(grad.square(), mixedScores.getShape().get(0)).sqrt(), scale);
        NDArray penalty = Tensors.scale(norm.sub(1f).square().mean(), lambda * penaltyScale);
        NDArray total = fakeScores.mean().sub(realScores.mean()).add(penalty).add(drift);
        return new DiscriminatorLoss(total, realScores.mean(), fakeScores.mean(), penalty, realScores);
    }
}
