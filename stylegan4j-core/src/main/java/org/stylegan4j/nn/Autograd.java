package org.stylegan4j.nn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reverse-mode differentiation through the PyTorch engine, including the gradient of a gradient
 * that R1 and WGAN-GP need (DJL's GradientCollector cannot build a graph of the gradient).
 */
public final class Autograd {

    private Autograd() {
    }

    /** Whether this thread is inside {@link #record()}; PyTorch's own grad mode starts on in every new thread. */
    private static final ThreadLocal<Boolean> RECORDING = ThreadLocal.withInitial(() -> false);

    /** Turns the recording of operations on while open and restores the previous mode on close. */
    public static final class Recording implements AutoCloseable {
        private final boolean previous;

        private Recording() {
            previous = RECORDING.get();
            RECORDING.set(true);
            JniUtils.setGradMode(true);
        }

        @Override
        public void close() {
            RECORDING.set(previous);
            JniUtils.setGradMode(previous);
        }
    }

    /**
     * @return whether this thread records operations for differentiation (inside {@link #record()}); tensors
     *         that require no gradient (every parameter outside training) are never recorded, in any thread
     */
    public static boolean isRecording() {
        return RECORDING.get();
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
     */
    public static void backward(NDArray output) {
        NDArray ones = output.onesLike();
        JniUtils.backward((PtNDArray) output, (PtNDArray) ones, false, false);
        ones.close();
    }

    /**
     * Gradient of {@code output.sum()} with respect to {@code input}, carrying a graph so that a
     * penalty on it back-propagates into the weights. It runs PyTorch's {@code autograd.grad} through
     * a bundled TorchScript module ({@code input_gradient.pt}, written by
     * {@code tools/make_input_gradient_module.py}): DJL offers only {@code backward}, which would store
     * the gradient on {@code input}, where its graph holds {@code input} and itself alive (the
     * reference cycle PyTorch warns about; memory grew by the discriminator's activations at every R1
     * step). Nothing is accumulated into any tensor's gradient.
     *
     * @param output differentiable output, recorded with {@code input} requiring a gradient
     * @param input tensor that requires a gradient
     * @return d sum(output) / d input, same shape as input, in the manager of {@code output}
     */
    public static NDArray gradientWithGraph(NDArray output, NDArray input) {
        NDList result = InputGradient.on(output.getDevice()).getBlock()
                .forward(new ai.djl.training.ParameterStore(output.getManager(), false), new NDList(output, input), true);
        NDArray grad = result.get(0);
        grad.attach(output.getManager());
        return grad;
    }

    /** The TorchScript module behind {@link #gradientWithGraph}, loaded once per device from the classpath. */
    private static final class InputGradient {
        private static final Map<Device, Model> MODULES = new ConcurrentHashMap<>();

        static Model on(Device device) {
            return MODULES.computeIfAbsent(device, InputGradient::load);
        }

        private static Model load(Device device) {
            Engines.pytorch();
            Model model = Model.newInstance("input-gradient", device, "PyTorch");
            try (InputStream in = Autograd.class.getResourceAsStream("input_gradient.pt")) {
                if (in == null) {
                    throw new IllegalStateException("input_gradient.pt is missing from the stylegan4j-core jar");
                }
                model.load(in);
                return model;
            } catch (IOException | MalformedModelException e) {
                model.close();
                throw new IllegalStateException("cannot load the bundled input_gradient.pt: " + e.getMessage(), e);
            }
        }
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
     * Zeroes, in place, the accumulated gradients of a store's trainable tensors.
     *
     * @param store the store
     */
    public static void clearGradients(ParameterStore store) {
        for (ParameterStore.Parameter p : store.trainable()) {
            JniUtils.zeroGrad((PtNDArray) p.array());
        }
    }
}
