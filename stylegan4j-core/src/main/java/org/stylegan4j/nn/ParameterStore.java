package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The named tensors of one network (trainable variables and non-trainable buffers such as noise
 * maps), in creation order, owned by one long-lived {@link NDManager}.
 */
public final class ParameterStore {

    private static final NDIndex ALL = new NDIndex("...");

    /** One named tensor of a network. */
    public static final class Parameter {
        private final String name;
        private final NDArray array;
        private final boolean trainable;

        Parameter(String name, NDArray array, boolean trainable) {
            this.name = name;
            this.array = array;
            this.trainable = trainable;
        }

        /** @return the tensor name, e.g. {@code synthesis.4x4.Conv.weight} */
        public String name() {
            return name;
        }

        /** @return the tensor; update it in place to keep references valid */
        public NDArray array() {
            return array;
        }

        /** @return whether the optimizer trains it (and parameter counts include it) */
        public boolean trainable() {
            return trainable;
        }

        /** @return number of elements */
        public long size() {
            return array.getShape().size();
        }
    }

    /** How a new tensor is initialised. */
    public interface Init {
        /**
         * Fills a new array.
         *
         * @param values the array to fill
         * @param rng the store's seeded generator
         */
        void fill(float[] values, Random rng);

        /** @return all zeros */
        static Init zeros() {
            return (v, r) -> { };
        }

        /** @return all ones */
        static Init ones() {
            return (v, r) -> java.util.Arrays.fill(v, 1f);
        }

        /**
         * @param std standard deviation
         * @return N(0, std^2)
         */
        static Init normal(double std) {
            return (v, r) -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * std);
                }
            };
        }
    }

    private final NDManager manager;
    private final Random rng;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private volatile boolean frozen;

    /**
     * Creates an empty store.
     *
     * @param manager the long-lived manager that owns every tensor
     * @param seed seed of the Java-side generator used for initialisation
     */
    public ParameterStore(NDManager manager, long seed) {
        this.manager = manager;
        this.rng = new Random(seed);
    }

    /**
     * Declares the values final (a network loaded to generate images): tensors derived from them, such as the
     * polyphase kernels of the upsampling convolutions, are then computed once and kept ({@link DerivedWeight}), and
     * {@link #copyFrom} refuses. Gradients with respect to a frozen store's parameters would miss the kept tensors
     * (constants to autograd): freeze only what no longer trains. There is no way back.
     */
    public void freeze() {
        frozen = true;
    }

    /** @return whether {@link #freeze} was called */
    public boolean frozen() {
        return frozen;
    }

    /** @return the manager that owns the tensors */
    public NDManager manager() {
        return manager;
    }

    /**
     * Creates and registers a tensor.
     *
     * @param name unique name
     * @param shape shape
     * @param trainable whether it is a trainable variable
     * @param init initialiser
     * @return the new tensor
     */
    public NDArray create(String name, Shape shape, boolean trainable, Init init) {
        if (params.containsKey(name)) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        float[] values = new float[Math.toIntExact(shape.size())];
        init.fill(values, rng);
        NDArray array = Tensors.owned(manager, values, shape);
        array.setName(name);
        params.put(name, new Parameter(name, array, trainable));
        return array;
    }

    /**
     * @param name tensor name
     * @return the parameter, or null
     */
    public Parameter get(String name) {
        return params.get(name);
    }

    /** @return all tensors in creation order */
    public List<Parameter> all() {
        return Collections.unmodifiableList(new ArrayList<>(params.values()));
    }

    /** @return trainable tensors in creation order */
    public List<Parameter> trainable() {
        return params.values().stream().filter(Parameter::trainable).toList();
    }

    /**
     * Counts trainable elements whose name starts with a prefix.
     *
     * @param prefix name prefix ("" for all)
     * @return number of trainable values
     */
    public long count(String prefix) {
        return params.values().stream()
                .filter(p -> p.trainable() && p.name().startsWith(prefix))
                .mapToLong(Parameter::size)
                .sum();
    }

    /**
     * Copies values, engine to engine, from another store with the same names and shapes.
     *
     * @param other source store
     */
    public void copyFrom(ParameterStore other) {
        if (frozen) {
            throw new IllegalStateException("the parameters are frozen (a network loaded to generate images)");
        }
        for (Parameter p : params.values()) {
            Parameter q = other.get(p.name());
            if (q == null || !q.array().getShape().equals(p.array().getShape())) {
                throw new IllegalArgumentException("stores differ at " + p.name());
            }
            p.array().set(ALL, q.array());
        }
    }
}
