package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.Random;

/**
 * Style mixing (section 3.1): per-layer w taken from one latent in some layers and from another in
 * the rest; as a training regulariser, the crossover layer is drawn once per minibatch.
 */
public final class StyleMixing {

    private StyleMixing() {
    }

    /**
     * Takes layers [from, to) from {@code source} and the rest from {@code target}.
     *
     * @param target per-layer w [N, L, D] kept outside the range
     * @param source per-layer w [N, L, D] copied into the range
     * @param from first layer taken from source
     * @param to one past the last layer taken from source
     * @return mixed per-layer w; every layer equals bit for bit one of the inputs
     */
    public static NDArray mix(NDArray target, NDArray source, int from, int to) {
        long layers = target.getShape().get(1);
        int a = (int) Math.max(0, Math.min(from, layers));
        int b = (int) Math.max(a, Math.min(to, layers));
        NDList parts = new NDList();
        if (a > 0) {
            parts.add(target.get(":, :" + a));
        }
        if (b > a) {
            parts.add(source.get(":, " + a + ":" + b));
        }
        if (b < layers) {
            parts.add(target.get(":, " + b + ":"));
        }
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 1);
    }

    /**
     * The mixing regulariser's crossover: with probability {@code prob} a layer uniform in
     * [1, curLayers), otherwise curLayers (no mixing).
     *
     * @param rng generator
     * @param prob mixing probability (0.9)
     * @param curLayers layers in use at the current level of detail
     * @return layer from which the second latent takes over
     */
    public static int drawCrossover(Random rng, double prob, int curLayers) {
        if (curLayers > 1 && rng.nextDouble() < prob) {
            return 1 + rng.nextInt(curLayers - 1);
        }
        return curLayers;
    }
}
