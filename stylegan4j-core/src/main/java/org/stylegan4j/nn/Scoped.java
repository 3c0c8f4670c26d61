package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.function.Supplier;

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
}
