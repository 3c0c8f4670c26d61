package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.Tensors;
import org.stylegan4j.train.R1Penalty;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** PacGAN packing in D: consecutive images share one input and one score; R1 sums over a pack's images. */
class DiscriminatorPackingTest {

    private static final ModelConfig CFG = ModelConfig.preset("small", 16).withDiscriminator(DiscriminatorConfig.OFFICIAL);
    private static final int PIXELS = 16 * 16;

    private static float[] images(int n, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[n * PIXELS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    @Test
    void packsWidenFromRgbAndScoreConsecutiveImagesTogether() {
        // group size 1: the minibatch-stddev feature is constant, so packs do not influence each other
        try (Discriminator one = new Discriminator(CFG, 3);
             Discriminator two = new Discriminator(CFG.withDiscriminator(new DiscriminatorConfig(1, 1, 2)), 3);
             NDManager m = Engines.newManager()) {
            long fromRgbOut = 0;
            for (int res = 2; res <= CFG.resolutionLog2(); res++) {
                fromRgbOut += CFG.nf(res - 1);
            }
            assertEquals(one.parameterCount() + fromRgbOut, two.parameterCount(), "one more input channel per fromRGB");
            assertEquals(new Shape(CFG.nf(3), 2, 1, 1), two.parameters().get("FromRGB_lod0.weight").array().getShape());

            float[] a = images(4, 1);
            float[] b = a.clone();
            for (int k = 0; k < PIXELS; k++) {
                b[3 * PIXELS + k] += 1f;
            }
            float[] sa = two.forward(Tensors.owned(m, a, new Shape(4, 1, 16, 16)), 0).toFloatArray();
            float[] sb = two.forward(Tensors.owned(m, b, new Shape(4, 1, 16, 16)), 0).toFloatArray();
            assertEquals(2, sa.length);
            assertEquals(sa[0], sb[0], 0f, "image 3 is not in the first pack");
            assertNotEquals(sa[1], sb[1], "image 3 is in the second pack");

            NDArray three = Tensors.owned(m, images(3, 2), new Shape(3, 1, 16, 16));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> two.forward(three, 0));
            assertEquals("minibatch 3 is not a multiple of the pack size 2", e.getMessage());
        }
        assertEquals("pack (--pack) must be at least 1, got 0",
                assertThrows(StyleGanInputException.class, () -> new DiscriminatorConfig(4, 1, 0)).getMessage());
    }

    @Test
    void r1IsTheSquaredInputGradientOfEachScoreOverItsPack() {
        try (Discriminator d = new Discriminator(CFG.withDiscriminator(new DiscriminatorConfig(4, 1, 2)), 5);
             NDManager m = Engines.newManager(); Autograd.Recording r = Autograd.record()) {
            NDArray x = Tensors.owned(m, images(4, 3), new Shape(4, 1, 16, 16));
            x.setRequiresGradient(true);
            float[] perScore = R1Penalty.squaredGradientNorm(d.forward(x, 0), x, 0).toFloatArray();
            NDArray y = Tensors.owned(m, images(4, 3), new Shape(4, 1, 16, 16));
            y.setRequiresGradient(true);
            float[] grad = Autograd.gradientWithGraph(d.forward(y, 0), y).toFloatArray();
            double[] expected = new double[2];
            for (int i = 0; i < grad.length; i++) {
                expected[i / (2 * PIXELS)] += (double) grad[i] * grad[i];
            }
            assertEquals(2, perScore.length);
            assertArrayEquals(new float[] {(float) expected[0], (float) expected[1]}, perScore, 1e-5f * (float) expected[0]);
        }
    }
}
