package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Adam (Kingma and Ba 2015) as StyleGAN trains with it (appendix C: beta1 0, beta2 0.99, eps 1e-8),
 * with its moments in our own tensors so that a resumed run continues exactly.
 */
public final class Adam implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Adam.class);

    private final ParameterStore params;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;
    private Set<String> frozen = Set.of();

    /**
     * @param params the trainable tensors to update
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param epsilon added to the root of the second moment
     */
    public Adam(ParameterStore params, double beta1, double beta2, double epsilon) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.manager = Engines.newManager();
        for (ParameterStore.Parameter p : params.trainable()) {
            m.put(p.name(), manager.zeros(p.array().getShape()));
            v.put(p.name(), manager.zeros(p.array().getShape()));
        }
    }

    /** @return the official StyleGAN settings: beta1 0, beta2 0.99, eps 1e-8 */
    public static Adam official(ParameterStore params) {
        return new Adam(params, 0.0, 0.99, 1e-8);
    }

    /**
     * Applies one update from the gradients currently held by the parameters; call it with
     * recording off. Like the official optimizer, it skips the update when a gradient is not finite.
     *
     * @param learningRate learning rate
     * @return whether the update was applied
     */
    public boolean step(double learningRate) {
        if (!gradientsFinite()) {
            return false;
        }
        step++;
        double correction = Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
        float lrT = (float) (learningRate * correction);
        for (ParameterStore.Parameter p : params.trainable()) {
            if (frozen.contains(p.name())) {
                continue;
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = p.array().getGradient();
                NDArray mi = m.get(p.name());
                NDArray vi = v.get(p.name());
                mi.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                vi.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                p.array().subi(mi.mul(lrT).divi(vi.sqrt().addi((float) epsilon)));
            }
        }
        return true;
    }

    /** @return whether every gradient is finite (the official loop skips updates that are not) */
    private boolean gradientsFinite() {
        for (ParameterStore.Parameter p : params.trainable()) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = p.array().getGradient();
                if (g.isNaN().logicalOr(g.isInfinite()).any().getBoolean()) {
                    LOG.warn("skipping an update: the gradient of {} is not finite", p.name());
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Keeps parameters fixed: {@link #step} leaves them (and their moments) as they are.
     *
     * @param names names of trainable parameters
     * @throws IllegalArgumentException for a name that is not one
     */
    public void freeze(Set<String> names) {
        for (String n : names) {
            if (!m.containsKey(n)) {
                throw new IllegalArgumentException("no trainable parameter '" + n + "' to freeze");
            }
        }
        frozen = Set.copyOf(names);
    }

    /** Forgets the moments and the step count (the official reset at every level-of-detail change). */
    public void reset() {
        step = 0;
        for (NDArray a : m.values()) {
            a.muli(0f);
        }
        for (NDArray a : v.values()) {
            a.muli(0f);
        }
    }

    /** @return number of updates since the last reset */
    public long steps() {
        return step;
    }

    /**
     * Restores the state.
     *
     * @param steps update count
     * @param firstMoments first moments by parameter name
     * @param secondMoments second moments by parameter name
     */
    public void restore(long steps, Map<String, float[]> firstMoments, Map<String, float[]> secondMoments) {
        this.step = steps;
        for (Map.Entry<String, NDArray> e : m.entrySet()) {
            Tensors.copyInto(e.getValue(), firstMoments.get(e.getKey()));
            Tensors.copyInto(v.get(e.getKey()), secondMoments.get(e.getKey()));
        }
    }

    /** @return first moments by parameter name */
    public Map<String, NDArray> firstMoments() {
        return m;
    }

    /** @return second moments by parameter name */
    public Map<String, NDArray> secondMoments() {
        return v;
    }

    @Override
    public void close() {
        manager.close();
    }
}
