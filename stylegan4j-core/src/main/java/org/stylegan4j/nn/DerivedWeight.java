package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;

import java.util.function.Supplier;

/**
 * A tensor computed from parameters before a layer can use them (the polyphase kernels of
 * {@link Upscale2dConv2d}): computed on every use while training changes the parameters, computed once and kept
 * once the store is {@linkplain ParameterStore#freeze() frozen}. The kept tensor belongs to the store's manager.
 */
final class DerivedWeight {

    private final ParameterStore store;
    private final Supplier<NDArray> computation;
    private NDArray kept;

    /**
     * @param store the store whose parameters the computation reads
     * @param computation the computation
     */
    DerivedWeight(ParameterStore store, Supplier<NDArray> computation) {
        this.store = store;
        this.computation = computation;
    }

    /** @return the derived tensor: new on every call unless the store is frozen */
    NDArray get() {
        if (!store.frozen()) {
            return computation.get();
        }
        synchronized (this) {
            if (kept == null) {
                kept = Scoped.compute(store.manager(), computation);
            }
            return kept;
        }
    }
}
