package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;

import java.util.Random;

/** The adversarial objective: a generator loss on fake scores and a discriminator loss with its gradient penalty. */
public interface GanLoss {

    /**
     * The discriminator's loss of one minibatch.
     *
     * @param total scalar to minimise (with the penalty)
     * @param realScore mean score of the reals
     * @param fakeScore mean score of the fakes
     * @param penalty mean gradient penalty term as added to the loss
     * @param realScores the raw scores of the reals [S, 1] (S = N, or N / pack for a packing D), for ADA's r_t
     */
    record DiscriminatorLoss(NDArray total, NDArray realScore, NDArray fakeScore, NDArray penalty,
                             NDArray realScores) {
    }

    /**
     * The discriminator as the loss sees it: images in, scores out, with any augmentation in between (which the
     * gradient penalties differentiate through: they take the gradient with respect to the images given).
     */
    interface Critic {
        /**
         * @param images [N, C, H, W] at the native resolution of the level of detail
         * @return scores [S, 1]
         */
        NDArray score(NDArray images);
    }

    /**
     * @param fakeScores D(G(z)) [N, 1]
     * @return scalar generator loss
     */
    NDArray generatorLoss(NDArray fakeScores);

    /**
     * Scores reals and fakes and builds the discriminator's loss with its penalty; must run while
     * recording, with the discriminator's parameters requiring gradients.
     *
     * @param d the discriminator, with any augmentation
     * @param reals real images at the native resolution of the level of detail
     * @param fakes generated images, same shape, without graph into G
     * @param lod level of detail
     * @param rng generator for any per-sample draw
     * @param penaltyScale multiplier of the gradient penalty: 1 every minibatch (the paper), the
     *                     interval on the minibatches of a lazy schedule, 0 to skip it
     * @return the loss terms
     */
    DiscriminatorLoss discriminatorLoss(Critic d, NDArray reals, NDArray fakes, double lod, Random rng,
                                        double penaltyScale);

    /**
     * @param kind {@code LOGISTIC} (non-saturating G, logistic D + R1, the paper's FFHQ setting) or {@code WGAN_GP}
     * @param r1Gamma R1 weight gamma (10)
     * @param wganLambda WGAN-GP weight lambda (10)
     * @param wganEpsilon WGAN drift weight epsilon (0.001)
     * @return the loss
     */
    static GanLoss of(TrainingConfig.Loss kind, double r1Gamma, double wganLambda, double wganEpsilon) {
        return switch (kind) {
            case LOGISTIC -> new LogisticR1Loss(r1Gamma);
            case WGAN_GP -> new WganGpLoss(wganLambda, wganEpsilon);
        };
    }

    /**
     * Sum over every axis but the batch axis, then over the images that share a score (a pack of a
     * packing discriminator).
     *
     * @param x [N, ...]
     * @param scores S scores of those N images, N a multiple of S
     * @return [S]
     */
    static NDArray sumPerScore(NDArray x, long scores) {
        NDArray y = sumPerSample(x);
        long n = y.getShape().get(0);
        return n == scores ? y : y.reshape(scores, n / scores).sum(new int[] {1});
    }

    /**
     * Sum over every axis but the batch axis.
     *
     * @param x [N, ...]
     * @return [N]
     */
    static NDArray sumPerSample(NDArray x) {
        NDArray y = x;
        for (int axis = y.getShape().dimension() - 1; axis >= 1; axis--) {
            y = y.sum(new int[] {axis});
        }
        return y;
    }
}
