package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Mean squared pixel difference per image. Projections under it are blurrier than under a perceptual distance
 * (it rewards the average of plausible images); it needs no network.
 */
public final class PixelDistance implements ImageDistance {

    @Override
    public String describe() {
        return "mse (mean squared pixel difference)";
    }

    @Override
    public Target prepare(NDArray targets) {
        return new Target() {
            @Override
            public NDArray distance(NDArray images) {
                NDArray d = images.sub(targets).square();
                return d.reshape(d.getShape().get(0), -1).mean(new int[] {1});
            }

            @Override
            public void close() {
                // the targets are the caller's
            }
        };
    }

    @Override
    public void close() {
        // nothing held
    }
}
