package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.stylegan4j.nn.Tensors;

/**
 * The truncation trick in W (section 3.3, appendix B): w' = w_avg + psi (w - w_avg), applied to the
 * first {@code cutoff} layers only (official defaults psi 0.7, cutoff 8).
 *
 * @param psi truncation strength; 1 leaves w unchanged
 * @param cutoff number of leading layers truncated; 0 or less disables truncation
 */
public record Truncation(double psi, int cutoff) {

    /** The official default: psi 0.7 on the first 8 layers. */
    public static final Truncation OFFICIAL = new Truncation(0.7, 8);

    /** No truncation. */
    public static final Truncation NONE = new Truncation(1.0, 0);

    /**
     * @param psi truncation strength
     * @return truncation of every layer
     */
    public static Truncation allLayers(double psi) {
        return new Truncation(psi, Integer.MAX_VALUE);
    }

    /** @return whether applying it changes anything */
    public boolean isIdentity() {
        return psi == 1.0 || cutoff <= 0;
    }

    /**
     * @param ws per-layer w [N, L, D]
     * @param wAvg tracked average of w [D]
     * @return truncated per-layer w; layers at or past the cutoff are untouched bit for bit
     */
    public NDArray apply(NDArray ws, NDArray wAvg) {
        if (isIdentity()) {
            return ws;
        }
        long layers = ws.getShape().get(1);
        long cut = Math.min(cutoff, layers);
        NDArray head = cut == layers ? ws : ws.get(":, :" + cut);
        NDArray avg = wAvg.reshape(1, 1, wAvg.getShape().get(0));
        NDArray truncated = avg.add(Tensors.scale(head.sub(avg), psi));
        if (cut == layers) {
            return truncated;
        }
        return NDArrays.concat(new NDList(truncated, ws.get(":, " + cut + ":")), 1);
    }
}
