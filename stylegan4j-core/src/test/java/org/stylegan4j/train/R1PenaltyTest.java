package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R1 against finite differences on a tiny discriminator: the input gradient and the second-order weight gradient. */
class R1PenaltyTest {

    static ModelConfig tiny() {
        return new ModelConfig("tiny", 8, 1, 16, 16, 1, 16, 0.01, 128, 1.0, 16, true, true, true, false, 0.9, null);
    }

    private static double scoreSum(Discriminator d, NDManager m, float[] x) {
        try (NDManager s = m.newSubManager()) {
            return d.forward(org.stylegan4j.nn.Tensors.owned(s, x, new Shape(4, 1, 8, 8)), 0).sum().getFloat();
        }
    }

    private static double penalty(Discriminator d, NDManager m, float[] x) {
        try (NDManager s = m.newSubManager(); Autograd.Recording r = Autograd.record()) {
            NDArray reals = s.create(x, new Shape(4, 1, 8, 8));
            reals.setRequiresGradient(true);
            double value = R1Penalty.squaredGradientNorm(d.forward(reals, 0), reals, 0).sum().getFloat();
            Autograd.clearGradients(d.parameters());
            return value;
        }
    }

    @Test
    void penaltyEqualsFiniteDifferenceGradientNormAndBackpropagatesIntoWeights() {
        try (Discriminator d = new Discriminator(tiny(), 3); NDManager m = Engines.newManager()) {
            Random rng = new Random(1);
            float[] x = new float[4 * 64];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            double h = 2e-3;
            double sq = 0;
            for (int i = 0; i < x.length; i++) {
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                double g = (scoreSum(d, m, plus) - scoreSum(d, m, minus)) / (2 * h);
                sq += g * g;

            }
            double autograd = penalty(d, m, x);
            assertEquals(sq, autograd, 1e-2 * sq);

            NDArray w = d.parameters().get("4x4.Dense0.weight").array();
            float[] wv = w.toFloatArray();
            double analytic;
            Autograd.requireGradients(d.parameters(), true);
            try (NDManager s = m.newSubManager(); Autograd.Recording r = Autograd.record()) {
                NDArray reals = s.create(x, new Shape(4, 1, 8, 8));
                reals.setRequiresGradient(true);
                NDArray pen = R1Penalty.squaredGradientNorm(d.forward(reals, 0), reals, 0).sum();
                Autograd.clearGradients(d.parameters());
                Autograd.backward(pen);
                analytic = w.getGradient().toFloatArray()[5];
            }
            Autograd.clearGradients(d.parameters());
            Autograd.requireGradients(d.parameters(), false);
            double hw = 1e-2;
            wv[5] += (float) hw;
            w.set(wv);
            double up = penalty(d, m, x);
            wv[5] -= (float) (2 * hw);
            w.set(wv);
            double down = penalty(d, m, x);
            double numeric = (up - down) / (2 * hw);
            assertTrue(Math.abs(analytic) > 1e-6, "second-order gradient is zero: " + analytic);
            assertEquals(numeric, analytic, 2e-2 * Math.abs(numeric) + 1e-5);
        }
    }

    @Test
    void inputGradientEqualsBackwardsAndIsNotStoredOnTheInput() {
        try (Discriminator d = new Discriminator(tiny(), 3); NDManager m = Engines.newManager();
             Autograd.Recording r = Autograd.record()) {
            Random rng = new Random(2);
            float[] x = new float[4 * 64];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            NDArray a = org.stylegan4j.nn.Tensors.owned(m, x, new Shape(4, 1, 8, 8));
            a.setRequiresGradient(true);
            float[] viaGrad = Autograd.gradientWithGraph(d.forward(a, 0), a).toFloatArray();
            assertArrayEquals(new float[x.length], a.getGradient().toFloatArray(),
                    "a gradient with a graph stored on the input would keep the graph alive (memory grew at every R1 step)");

            NDArray b = org.stylegan4j.nn.Tensors.owned(m, x, new Shape(4, 1, 8, 8));
            b.setRequiresGradient(true);
            Autograd.backward(d.forward(b, 0));
            float[] viaBackward = b.getGradient().toFloatArray();
            assertTrue(Math.abs(viaBackward[0]) > 0, "zero input gradient");
            assertArrayEquals(viaBackward, viaGrad, 1e-6f);
        }
    }
}
