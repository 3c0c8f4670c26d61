package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.List;

/**
 * Reverse-mode differentiation through the PyTorch engine, including the gradient of a gradient
 * that R1 and WGAN-GP need (DJL's GradientCollector cannot build a graph of the gradient).
 */
public final class Autograd {

    private Autograd() {
    }

    /** Turns the recording of operations on while open and restores the previous mode on close. */
    public static final class Recording implements AutoCloseable {
        private final boolean previous;

        private Recording() {
            previous = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
        }

        @Override
        public void close() {
            JniUtils.setGradMode(previous);
        }
    }

    /** @return a scope in which operations are recorded for differentiation */
    public static Recording record() {
        Engines.pytorch();
        return new Recording();
    }

    /**
     * Back-propagates {@code sum(output)} into the gradients of every leaf that requires one. The
     * seed gradient is a dense tensor of ones shaped like the output: seeding a scalar sum instead
     * hands convolutions an expanded (stride 0) gradient, which the CPU kernels of PyTorch 2.7.1
     * reached through DJL 0.36 read out of bounds (non-reproducible or NaN input gradients).
     *
     * @param output a loss (scalar) or any differentiable output
     * @param createGraph whether the gradients themselves get a graph (for gradient penalties)
     */
    public static void backward(NDArray output, boolean createGraph) {
        NDArray ones = output.onesLike();
        JniUtils.backward((PtNDArray) output, (PtNDArray) ones, createGraph, createGraph);
        ones.close();
    }

    /**
     * Gradient of {@code output.sum()} with respect to {@code input}, carrying a graph so that a
     * penalty on it back-propagates into the weights. The weights that produced {@code output} stop
     * requiring gradients during this pass, so none is accumulated into them: a create-graph
     * gradient stored on a weight would hold its graph alive (the reference cycle PyTorch warns
     * about) and memory would grow with every step.
     *
     * @param output differentiable output
     * @param input leaf that requires a gradient
     * @param weights trainable tensors between input and output
     * @return d sum(output) / d input, same shape as input
     */
    public static NDArray gradientWithGraph(NDArray output, NDArray input, ParameterStore weights) {
        List<ParameterStore.Parameter> frozen = weights.trainable().stream()
                .filter(p -> p.array().hasGradient()).toList();
        for (ParameterStore.Parameter p : frozen) {
            p.array().setRequiresGradient(false);
        }
        try {
            backward(output, true);
        } finally {
            for (ParameterStore.Parameter p : frozen) {
                p.array().setRequiresGradient(true);
            }
        }
        return input.getGradient();
    }

    /**
     * Marks every trainable tensor of a store as requiring (or not) a gradient.
     *
     * @param store the store
     * @param requires whether gradients are needed
     */
    public static void requireGradients(ParameterStore store, boolean requires) {
        for (ParameterStore.Parameter p : store.trainable()) {
            p.array().setRequiresGradient(requires);
        }
    }

    /**
     * Drops the accumulated gradients of a store's trainable tensors, and with them any graph they
     * carry (which would otherwise form a reference cycle after a create-graph pass).
     *
     * @param store the store
     */
    public static void clearGradients(ParameterStore store) {
        for (ParameterStore.Parameter p : store.trainable()) {
            JniUtils.zeroGrad((PtNDArray) p.array());
        }
    }
}
