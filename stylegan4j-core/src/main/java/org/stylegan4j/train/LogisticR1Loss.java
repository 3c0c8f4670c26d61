package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.stylegan4j.nn.Tensors;

import java.util.Random;

/**
 * The paper's FFHQ losses (appendix C): non-saturating logistic loss for G, softplus(-D(G(z))), and
 * logistic loss for D, softplus(D(G(z))) + softplus(-D(x)), with the R1 penalty on reals. With augmentation the
 * penalty is the gradient with respect to the reals before they are augmented, through the augmentation, as in ADA.
 */
public final class LogisticR1Loss implements GanLoss {

    private final double gamma;

    /** @param gamma R1 weight (10 in the paper) */
    public LogisticR1Loss(double gamma) {
        this.gamma = gamma;
    }

    @Override
    public NDArray generatorLoss(NDArray fakeScores) {
        return Activation.softPlus(fakeScores.neg()).mean();
    }

    @Override
    public DiscriminatorLoss discriminatorLoss(Critic d, NDArray reals, NDArray fakes, double lod, Random rng,
                                               double penaltyScale) {
        NDArray fakeScores = d.score(fakes);
        NDArray penalty;
        NDArray realScores;
        if (gamma > 0 && penaltyScale > 0) {
            NDArray x = reals.stopGradient();
            x.setRequiresGradient(true);
            realScores = d.score(x);
            penalty = Tensors.scale(R1Penalty.squaredGradientNorm(realScores, x, lod).mean(), gamma * 0.5 * penaltyScale);
        } else {
            realScores = d.score(reals);
            penalty = realScores.zerosLike().sum();
        }
        NDArray total = Activation.softPlus(fakeScores).mean()
                .add(Activation.softPlus(realScores.neg()).mean())
                .add(penalty);
        return new DiscriminatorLoss(total, realScores.mean(), fakeScores.mean(), penalty, realScores);
    }
}
