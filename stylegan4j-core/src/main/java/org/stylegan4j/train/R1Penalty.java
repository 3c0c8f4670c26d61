package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Tensors;

/**
 * The R1 gradient penalty on reals (Mescheder et al. 2018; StyleGAN appendix C, gamma 10):
 * (gamma / 2) ||grad_x sum_batch D(x)||^2 per score, a true second-order term.
 */
public final class R1Penalty {

    private R1Penalty() {
    }

    /**
     * @param realScores D(x) [S, 1] (S = N, or N / pack for a packing D), recorded with x requiring a gradient
     * @param reals x
     * @param lod level of detail; the official gradient is taken with respect to the reals upscaled to
     *            full resolution, which divides the squared norm by 4^floor(lod)
     * @return ||grad||^2 per score [S] (over the score's images), with a graph into D's weights, as the official
     *         code computes it
     */
    public static NDArray squaredGradientNorm(NDArray realScores, NDArray reals, double lod) {
        NDArray grad = Autograd.gradientWithGraph(realScores, reals);
        float scale = (float) Math.pow(4.0, -Math.floor(lod));
        return Tensors.scale(GanLoss.sumPerScore(grad.square(), realScores.getShape().get(0)), scale);
    }
}
