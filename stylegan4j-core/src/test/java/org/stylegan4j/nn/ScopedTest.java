package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Scoped#step}: temporaries freed when the step ends, the result handed to the enclosing scope. */
class ScopedTest {

    @Test
    void aStepFreesItsTemporariesAndHandsItsResultToTheEnclosingScope() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {1, 2, 3}, new Shape(3));
            List<NDArray> temporaries = new ArrayList<>();
            NDArray out;
            try (NDScope outer = new NDScope()) {
                outer.suppressNotUsedWarning();
                out = Scoped.step(x, in -> {
                    NDArray a = in.add(in);
                    NDArray b = a.add(in.div(in));
                    temporaries.add(a);
                    temporaries.add(b);
                    return b.square();
                });
                for (NDArray t : temporaries) {
                    assertTrue(t.isReleased(), "a temporary outlived its step");
                }
                assertFalse(out.isReleased());
                assertArrayEquals(new float[] {9, 25, 49}, out.toFloatArray());
            }
            assertTrue(out.isReleased(), "the result belongs to the enclosing scope");
            assertFalse(x.isReleased(), "the input is not the step's");
        }
    }

    @Test
    void aStepThatReturnsItsInputLeavesItWhereItWas() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {1, 2}, new Shape(2));
            try (NDScope outer = new NDScope()) {
                outer.suppressNotUsedWarning();
                assertSame(x, Scoped.step(x, in -> in));
            }
            assertFalse(x.isReleased(), "an input made outside the scope must not be closed by it");
        }
    }

    @Test
    void aConsumingStepFreesItsInputOnceTheResultExists() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {1, 2}, new Shape(2));
            NDArray activation = x.mul(2);
            NDArray out = Scoped.stepConsuming(activation, in -> in.add(1));
            assertTrue(activation.isReleased(), "the consumed input is freed right away");
            assertArrayEquals(new float[] {3, 5}, out.toFloatArray());
            assertSame(out, Scoped.stepConsuming(out, in -> in), "a step that returns its input keeps it");
            assertFalse(out.isReleased());
        }
    }

    @Test
    void gradientsFlowThroughConsumedActivations() {
        try (NDManager m = Engines.newManager(); Autograd.Recording r = Autograd.record()) {
            NDArray w = Tensors.owned(m, new float[] {0.5f, -1.5f, 2f}, new Shape(3));
            w.setRequiresGradient(true);
            NDArray a = w.mul(3);
            NDArray squared = Scoped.stepConsuming(a, NDArray::square);
            assertTrue(a.isReleased());
            Autograd.backward(squared.sum());
            // d/dw sum (3w)^2 = 18 w, through a tensor whose handle was closed before the backward pass
            assertArrayEquals(new float[] {9f, -27f, 36f}, w.getGradient().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void gradientsFlowThroughClosedIntermediates() {
        try (NDManager m = Engines.newManager(); Autograd.Recording r = Autograd.record()) {
            NDArray w = Tensors.owned(m, new float[] {0.5f, -1.5f, 2f}, new Shape(3));
            w.setRequiresGradient(true);
            NDArray y = Scoped.step(w, in -> Tensors.scale(in, 3).square()).sum();
            Autograd.backward(y);
            // d/dw sum (3w)^2 = 18 w
            assertArrayEquals(new float[] {9f, -27f, 36f}, w.getGradient().toFloatArray(), 1e-5f);
        }
    }
}
