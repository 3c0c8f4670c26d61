package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Adam against the textbook update computed by hand, with the official betas; reset; non-finite skip. */
class AdamTest {

    /** Sets the gradient of p to g by back-propagating sum(p * g). */
    private static void setGradient(NDArray p, float[] g) {
        try (NDManager m = p.getManager().newSubManager(); Autograd.Recording r = Autograd.record()) {
            NDArray gg = m.create(g, p.getShape());
            Autograd.backward(p.mul(gg).sum());
        }
    }

    @Test
    void matchesTheTextbookUpdate() {
        try (NDManager m = Engines.newManager()) {
            ParameterStore store = new ParameterStore(m, 0);
            NDArray p = store.create("p", new Shape(2), true, ParameterStore.Init.zeros());
            Tensors.copyInto(p, new float[] {1f, -2f});
            p.setRequiresGradient(true);
            try (Adam adam = new Adam(store, 0.5, 0.99, 1e-8)) {
                double[] x = {1, -2};
                double[] mm = {0, 0};
                double[] vv = {0, 0};
                float[][] grads = {{0.3f, -0.1f}, {-0.2f, 0.4f}, {0.05f, 0.05f}};
                for (int t = 1; t <= grads.length; t++) {
                    setGradient(p, grads[t - 1]);
                    adam.step(0.01);
                    Autograd.clearGradients(store);
                    double lrT = 0.01 * Math.sqrt(1 - Math.pow(0.99, t)) / (1 - Math.pow(0.5, t));
                    for (int i = 0; i < 2; i++) {
                        double g = grads[t - 1][i];
                        mm[i] = 0.5 * mm[i] + 0.5 * g;
                        vv[i] = 0.99 * vv[i] + 0.01 * g * g;
                        x[i] -= lrT * mm[i] / (Math.sqrt(vv[i]) + 1e-8);
                    }
                    float[] actual = p.toFloatArray();
                    assertEquals(x[0], actual[0], 1e-6, "step " + t);
                    assertEquals(x[1], actual[1], 1e-6, "step " + t);
                }
                assertEquals(3, adam.steps());
                adam.reset();
                assertEquals(0, adam.steps());
                setGradient(p, new float[] {Float.NaN, 1f});
                float[] before = p.toFloatArray();
                assertFalse(adam.step(0.01));
                assertEquals(before[1], p.toFloatArray()[1]);
                Autograd.clearGradients(store);
                setGradient(p, new float[] {Float.NEGATIVE_INFINITY, 1f});
                assertFalse(adam.step(0.01));
                assertEquals(before[1], p.toFloatArray()[1]);
                assertEquals(0, adam.steps());
            }
        }
    }
}
