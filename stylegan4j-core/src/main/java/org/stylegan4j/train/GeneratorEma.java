package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import org.stylegan4j.nn.ParameterStore;

/**
 * The exponential moving average of the generator's weights that StyleGAN samples from (appendix C,
 * Karras et al. 2018): beta = 0.5^(minibatch / (halfLifeKimg * 1000)), non-trainables copied.
 */
public final class GeneratorEma {

    private GeneratorEma() {
    }

    /**
     * @param minibatch images per update
     * @param halfLifeKimg half-life in thousands of images (10 in the paper)
     * @return the decay per update
     */
    public static double beta(int minibatch, double halfLifeKimg) {
        return halfLifeKimg <= 0 ? 0.0 : Math.pow(0.5, minibatch / (halfLifeKimg * 1000.0));
    }

    /**
     * ema = g + (ema - g) * beta for trainables; ema = g for the rest (noise maps, w_avg).
     *
     * @param ema the averaged copy, updated in place
     * @param g the trained generator's tensors
     * @param beta decay
     */
    public static void update(ParameterStore ema, ParameterStore g, double beta) {
        for (ParameterStore.Parameter p : g.all()) {
            NDArray target = ema.get(p.name()).array();
            float b = p.trainable() ? (float) beta : 0f;
            target.subi(p.array()).muli(b).addi(p.array());
        }
    }
}
