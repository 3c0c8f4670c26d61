package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Runs a computation inside an {@link NDScope} so that every temporary tensor is freed at once,
 * and hands the result to the caller's manager; this keeps memory flat over long runs.
 */
public final class Scoped {

    private Scoped() {
    }

    /**
     * @param target manager that will own the result
     * @param computation the computation
     * @return its result, attached to {@code target}
     */
    public static NDArray compute(NDManager target, Supplier<NDArray> computation) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray out = computation.get();
            NDScope.unregister(out);
            out.attach(target);
            return out;
        }
    }

    /**
     * One step of a longer computation (a layer of a network): its temporaries are freed as soon as it ends,
     * not when the caller's scope or manager closes, so a forward pass holds about one layer's tensors at a time
     * (the working set stays small and its memory is reused while still in the cache). Tensors that autograd saved
     * for back-propagation stay alive in the engine; closing our handles only drops our references. The result
     * moves to the enclosing {@link NDScope}, if any.
     *
     * @param input the step's input, returned as is if the step does nothing (then it stays where it was)
     * @param step the computation from the input
     * @return its result
     */
    public static NDArray step(NDArray input, UnaryOperator<NDArray> step) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = step.apply(input);
            NDScope.unregister(out);
        }
        if (out != input) {
            NDScope.register(out);
        }
        return out;
    }

    /**
     * {@link #step} on an input that only this computation holds (an activation of a forward pass, not a parameter
     * nor the caller's tensor): the input's handle is closed as soon as the result exists, so that a pass without
     * autograd frees each activation right after its last use, not when the enclosing scope ends (at 1024x1024 each
     * one is 64 MB: the peak of generation fell by about 0.2 GB). With autograd recording, the engine keeps what it
     * saved for the backward pass; only our reference goes.
     *
     * @param input the step's input, closed unless the step returns it as is
     * @param step the computation from the input
     * @return its result
     */
    public static NDArray stepConsuming(NDArray input, UnaryOperator<NDArray> step) {
        NDArray out = step(input, step);
        if (out != input) {
            input.close();
        }
        return out;
    }
}
