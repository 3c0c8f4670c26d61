package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Creation of tensors from Java data whose memory the engine owns. DJL's PyTorch engine wraps Java
 * direct buffers without copying; such a tensor must not outlive its Java object inside an autograd
 * graph, so stylegan4j copies Java data into engine-owned memory once. The same holds for scalars:
 * DJL's {@code mul(Number)}, {@code div(Number)} and friends wrap the number in a Java buffer and
 * release it right after the call, while autograd keeps the tensor for the backward pass, which then
 * reads freed memory (garbage, NaN or infinite gradients). Differentiable code scales with
 * {@link #scale} instead.
 *
 * <p>Java data passes through one reused direct buffer per thread: a fresh direct buffer per call
 * (what DJL allocates for a Java array) is freed only when the Java heap is next collected, and with
 * a large, quiet heap a training run accumulated hundreds of megabytes of them between collections.
 */
public final class Tensors {

    private static final ThreadLocal<ByteBuffer> STAGING =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()));

    private Tensors() {
    }

    /** Wraps values in the calling thread's staging buffer, valid until the thread's next call. */
    private static NDArray staged(NDManager manager, float[] values, Shape shape) {
        int bytes = Math.multiplyExact(values.length, Float.BYTES);
        ByteBuffer buffer = STAGING.get();
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(Math.max(bytes, 2 * buffer.capacity())).order(ByteOrder.nativeOrder());
            STAGING.set(buffer);
        }
        buffer.clear();
        buffer.asFloatBuffer().put(values);
        buffer.limit(bytes);
        return manager.create(buffer, shape, DataType.FLOAT32);
    }

    /**
     * @param manager manager of the result
     * @param values data in C order
     * @param shape shape
     * @return a tensor holding a copy of the values in engine-owned memory
     */
    public static NDArray owned(NDManager manager, float[] values, Shape shape) {
        try (NDManager staging = manager.newSubManager()) {
            NDArray wrapped = staged(staging, values, shape);
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
            NDArray source = staged(staging, values, target.getShape());
            target.set(new NDIndex("..."), source);
        }
    }
}
