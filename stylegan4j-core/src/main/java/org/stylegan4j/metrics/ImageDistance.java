package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable distance from generated images to fixed target images, what a projection minimises (LPIPS in the
 * projector of Karras et al. 2020, "Training Generative Adversarial Networks with Limited Data", appendix; the
 * same family as the path length's distance of the paper's section 4.1). Images are {@code [N, C, R, R]} in [-1, 1].
 */
public interface ImageDistance extends AutoCloseable {

    /** @return what the distance is, for outputs and logs */
    String describe();

    /**
     * @param targets the targets {@code [N, C, R, R]}; what depends only on them is computed once here
     * @return the distance to these targets
     */
    Target prepare(NDArray targets);

    /** The distance to prepared targets. */
    interface Target extends AutoCloseable {
        /**
         * @param images one image per target, {@code [N, C, R, R]}
         * @return the N distances {@code [N]}, recorded for differentiation when the caller records
         */
        NDArray distance(NDArray images);

        @Override
        void close();
    }

    @Override
    void close();
}
