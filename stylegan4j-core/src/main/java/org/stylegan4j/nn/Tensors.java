package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Creation of tensors from Java data whose memory the engine owns. DJL's PyTorch engine wraps Java
 * direct buffers without copying; such a tensor must not outlive its Java object inside an autograd
 * graph, so stylegan4j copies Java data into engine-owned memory once. The same holds for scalars:
 * DJL's {@code mul(Number)}, {@code div(Number)} and friends wrap the number in a Java buffer and
 * release it right after the call, while autograd keeps the tensor for the backward pass, which then
 * reads freed memory (garbage, NaN or infinite gradients). Differentiable code scales with
 * {@link #scale} instead.
 */
public final class Tensors {

    private Tensors() {
    }

    /**
     * @param manager manager of the result
     * @param values data in C order
     * @param shape shape
     * @return a tensor holding a copy of the values in engine-owned memory
     */
    public static NDArray owned(NDManager manager, float[] values, Shape shape) {
        try (NDManager staging = manager.newSubManager()) {
            NDArray wrapped = staging.create(values, shape);
            NDArray copy = wrapped.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    /**
     * Multiplies by a constant held in engine-owned memory, safe to differentiate (see the class comment).
     *
     * @param x tensor
     * @param factor constant factor
     * @return x * factor, in x's manager
     */
    public static NDArray scale(NDArray x, double factor) {
        try (NDArray s = x.getManager().full(new Shape(), (float) factor, x.getDataType())) {
            return x.mul(s);
        }
    }

    /**
     * Overwrites a tensor's values in place, keeping its engine-owned memory.
     *
     * @param target tensor to overwrite
     * @param values new data in C order, as many as the tensor holds
     */
    public static void copyInto(NDArray target, float[] values) {
        try (NDManager staging = target.getManager().newSubManager()) {
            NDArray source = staging.create(values, target.getShape());
            target.set(new NDIndex("..."), source);
        }
    }
}
