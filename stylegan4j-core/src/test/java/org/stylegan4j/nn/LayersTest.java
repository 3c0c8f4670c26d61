package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every layer of {@code org.stylegan4j.nn} against hand-computed values (spec section 1 and 5). */
class LayersTest {

    private static final double SQRT2 = Math.sqrt(2.0);

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static NDArray array(Shape shape, float... values) {
        return manager.create(values, shape);
    }

    private static NDArray randn(long seed, Shape shape) {
        Random rng = new Random(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return manager.create(v, shape);
    }

    private static void set(ParameterStore store, String name, float... values) {
        Tensors.copyInto(store.get(name).array(), values);
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        assertEquals(a.getShape(), b.getShape());
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        float m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    private static NDArray conv(NDArray x, NDArray w, int pad) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(pad, pad),
                new Shape(1, 1), 1).singletonOrThrow();
    }

    @Test
    void equalizedLrCoefficientsMatchAppendixA() {
        assertEquals((float) 0.000625, EqualizedLr.coefficient(SQRT2, 512, 0.01), 0f);
        assertEquals((float) 0.0208333333, EqualizedLr.coefficient(SQRT2, 3 * 3 * 512, 1.0), 0f);
        assertEquals(0.25, EqualizedLr.coefficient(1.0, 16, 1.0), 0.0);
        assertEquals((float) 0.0441941738, EqualizedLr.coefficient(1.0, 512, 1.0), 0f);
        assertEquals((float) 0.0294627825, EqualizedLr.coefficient(SQRT2, 3 * 3 * 256, 1.0), 0f);
        assertEquals(0.0625, EqualizedLr.coefficient(1.0, 256, 1.0), 0.0);
        assertEquals((float) 0.0416666667, EqualizedLr.coefficient(SQRT2, 3 * 3 * 128, 1.0), 0f);
        assertEquals((float) 0.0883883476, EqualizedLr.coefficient(1.0, 128, 1.0), 0f);
        assertEquals((float) 0.0589255651, EqualizedLr.coefficient(SQRT2, 3 * 3 * 64, 1.0), 0f);
        assertEquals(100.0, EqualizedLr.initStd(0.01), 1e-12);
        assertEquals(1.0, EqualizedLr.initStd(1.0), 0.0);
        assertEquals(SQRT2, EqualizedLr.RELU_GAIN, 0.0);
        ParameterStore store = new ParameterStore(manager, 0);
        assertEquals(0.000625f, new Dense(store, "m", 512, 4, SQRT2, 0.01, true).coefficient(), 1e-10f);
    }

    @Test
    void denseAppliesCoefficientToWeightAndLrMulToBias() {
        ParameterStore store = new ParameterStore(manager, 0);
        // gain sqrt(3) over fan-in 3 gives a coefficient of exactly lrmul = 0.5
        Dense d = new Dense(store, "d", 3, 2, Math.sqrt(3.0), 0.5, true);
        assertEquals(0.5f, d.coefficient(), 0f);
        set(store, "d.weight", 1, 0, -1, 2, 1, 0.5f);
        set(store, "d.bias", 4, -2);
        NDArray x = array(new Shape(2, 3), 1, 2, 3, -1, 0, 2);
        // row 0: 0.5 * [-2, 5.5] + 0.5 * [4, -2] = [1, 1.75]; row 1: 0.5 * [-3, -1] + [2, -1] = [0.5, -1.5]
        assertArrayEquals(new float[] {1f, 1.75f, 0.5f, -1.5f}, d.forward(x).toFloatArray(), 1e-6f);
        assertEquals(new Shape(2, 3), store.get("d.weight").array().getShape());
        assertEquals(2L * 3 * 2, d.flops());
    }

    @Test
    void denseWithoutBiasRegistersNoBias() {
        ParameterStore store = new ParameterStore(manager, 0);
        Dense d = new Dense(store, "nb", 2, 1, 2.0, 1.0, false);
        assertEquals(null, store.get("nb.bias"));
        set(store, "nb.weight", 3, -1);
        // coefficient 2 / sqrt(2) = sqrt(2); (3 * 1 - 1 * 2) * sqrt(2)
        assertArrayEquals(new float[] {(float) SQRT2}, d.forward(array(new Shape(1, 2), 1, 2)).toFloatArray(), 1e-6f);
    }

    @Test
    void leakyReluSlopeIsPointTwo() {
        NDArray y = LeakyReLU.apply(array(new Shape(5), -2, -0.5f, 0, 3, 1e-3f));
        assertArrayEquals(new float[] {-0.4f, -0.1f, 0f, 3f, 1e-3f}, y.toFloatArray(), 1e-7f);
    }

    @Test
    void pixelNormDividesByRootMeanSquareOverFeatures() {
        NDArray y = PixelNorm.apply(array(new Shape(3, 2), 3, 4, 0, 0, -1, 1));
        // [3, 4]: mean square 12.5, root 3.5355339; zeros stay zeros; [-1, 1]: root 1
        assertArrayEquals(new float[] {0.8485281f, 1.1313709f, 0f, 0f, -1f, 1f}, y.toFloatArray(), 1e-6f);
    }

    @Test
    void modulatedInstanceNormKeepsAConstantChannelExactAt4x4() {
        NDArray x = manager.full(new Shape(1, 2, 4, 4), 1f);
        NDArray y = InstanceNorm.modulate(x, array(new Shape(1, 2), 3f, 0.5f), array(new Shape(1, 2), 0.25f, -2f));
        float[] v = y.toFloatArray();
        for (int i = 0; i < 32; i++) {
            assertEquals(i < 16 ? 0.25f : -2f, v[i], 0f);
        }
    }

    @Test
    void withoutRecordingTheModulationRunsTheFoldedFormWhichMatchesTheDirectForm() {
        for (Shape in : new Shape[] {new Shape(2, 3, 4, 4), new Shape(1, 16, 64, 48)}) {
            Shape nc = new Shape(in.get(0), in.get(1));
            NDArray x = randn(25, in).mul(4).add(2);
            NDArray scale = randn(26, nc);
            NDArray shift = randn(27, nc);
            NDArray y = InstanceNorm.modulate(x, scale, shift);
            assertEquals(0f, maxAbsDiff(y, InstanceNorm.folded(x, scale, shift)), in + ": the folded form runs");
            assertTrue(maxAbsDiff(y, InstanceNorm.direct(x, scale, shift)) < 1e-5f, in + ": values");
            assertTrue(maxAbsDiff(y, InstanceNorm.fused(x, scale, shift)) < 1e-5f, in + ": batch norm's values");
        }
    }

    @Test
    void modulatedInstanceNormMatchesTheDirectFormInValuesAndGradients() {
        Shape in = new Shape(3, 5, 6, 7);
        Shape nc = new Shape(3, 5);
        NDArray x = randn(21, in).mul(4).add(2);
        NDArray scale = randn(22, nc);
        NDArray shift = randn(23, nc);
        assertTrue(maxAbsDiff(InstanceNorm.modulate(x, scale, shift), InstanceNorm.direct(x, scale, shift)) < 1e-5f);
        NDArray g = randn(24, in);
        float[][] fused = modulationGradients(x, scale, shift, g, InstanceNorm::fused);
        float[][] direct = modulationGradients(x, scale, shift, g, InstanceNorm::direct);
        String[] names = {"input", "scale", "shift"};
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(direct[i], fused[i], 1e-4f, names[i] + " gradient");
        }
    }

    /** Gradients of sum(f(x, scale, shift) * g) with respect to x, scale and shift. */
    private static float[][] modulationGradients(NDArray x0, NDArray scale0, NDArray shift0, NDArray g,
                                                 TriFunction f) {
        try (NDManager m = manager.newSubManager(); Autograd.Recording r = Autograd.record()) {
            NDArray[] in = {x0.duplicate(), scale0.duplicate(), shift0.duplicate()};
            for (NDArray a : in) {
                a.attach(m);
                a.setRequiresGradient(true);
            }
            Autograd.backward(f.apply(in[0], in[1], in[2]).mul(g));
            return new float[][] {in[0].getGradient().toFloatArray(), in[1].getGradient().toFloatArray(),
                in[2].getGradient().toFloatArray()};
        }
    }

    /** A function of the input, the scale and the shift. */
    private interface TriFunction {
        NDArray apply(NDArray x, NDArray scale, NDArray shift);
    }

    @Test
    void instanceNormZeroMeanUnitVarianceWithTinyEpsilon() {
        NDArray x = array(new Shape(1, 3, 2, 2),
                1, 2, 3, 4,
                7, 7, 7, 7,
                0, 0, 0, 4e-4f);
        float[] y = InstanceNorm.apply(x).toFloatArray();
        assertArrayEquals(new float[] {-1.3416408f, -0.4472136f, 0.4472136f, 1.3416408f}, slice(y, 0, 4), 1e-5f);
        // a constant channel becomes zeros, not NaN
        assertArrayEquals(new float[] {0, 0, 0, 0}, slice(y, 4, 8), 0f);
        // variance 3e-8: with eps 1e-8 the root is 2e-4 (PyTorch's 1e-5 would give about 0.03 instead of 1.5)
        assertArrayEquals(new float[] {-0.5f, -0.5f, -0.5f, 1.5f}, slice(y, 8, 12), 2e-3f);

        float[] r = InstanceNorm.apply(randn(1, new Shape(2, 3, 8, 8)).mul(5).add(3)).toFloatArray();
        for (int nc = 0; nc < 6; nc++) {
            double mean = 0;
            double sq = 0;
            for (int i = 0; i < 64; i++) {
                mean += r[nc * 64 + i];
                sq += r[nc * 64 + i] * r[nc * 64 + i];
            }
            assertEquals(0.0, mean / 64, 1e-5);
            assertEquals(1.0, sq / 64, 1e-4);
        }
    }

    private static float[] slice(float[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    @Test
    void blurOfAnImpulseIsTheKernelWithZeroPaddingAtBorders() {
        Blur blur = new Blur(manager, 2);
        float[] img = new float[2 * 25];
        img[2 * 5 + 2] = 1;
        img[25] = 1; // channel 1: impulse in the top-left corner
        float[] y = blur.forward(array(new Shape(1, 2, 5, 5), img)).toFloatArray();
        float[] centre = new float[25];
        float[][] k = {{1, 2, 1}, {2, 4, 2}, {1, 2, 1}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                centre[(i + 1) * 5 + j + 1] = k[i][j] / 16f;
            }
        }
        assertArrayEquals(centre, slice(y, 0, 25), 1e-7f);
        float[] corner = new float[25];
        corner[0] = 4 / 16f;
        corner[1] = 2 / 16f;
        corner[5] = 2 / 16f;
        corner[6] = 1 / 16f;
        assertArrayEquals(corner, slice(y, 25, 50), 1e-7f);
        assertEquals(2L * 9 * 2 * 5 * 5, blur.flops(5, 5));
    }

    @Test
    void upscaleIsNearestNeighbour() {
        NDArray x = array(new Shape(1, 1, 2, 2), 1, 2, 3, 4);
        assertArrayEquals(new float[] {
            1, 1, 2, 2,
            1, 1, 2, 2,
            3, 3, 4, 4,
            3, 3, 4, 4}, Upscale2d.apply(x, 2).toFloatArray(), 0f);
        assertEquals(new Shape(1, 1, 8, 8), Upscale2d.apply(x, 4).getShape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, Upscale2d.apply(x, 1).toFloatArray(), 0f);
    }

    @Test
    void downscaleIsTwoByTwoBoxAverage() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        NDArray y = Downscale2d.apply(array(new Shape(1, 1, 4, 4), v), 2);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, y.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {7.5f}, Downscale2d.apply(array(new Shape(1, 1, 4, 4), v), 4).toFloatArray(), 1e-6f);
    }

    private static NDArray effectiveWeight(ParameterStore store, String name, int in) {
        return store.get(name).array().mul(EqualizedLr.coefficient(SQRT2, 9L * in, 1.0));
    }

    @Test
    void pointwiseConvMatchesPerPixelSumsAndTheTransposedFormsGradients() {
        ParameterStore store = new ParameterStore(manager, 14);
        Conv2d conv = new Conv2d(store, "p", 5, 3, 1, 1.0, true);
        set(store, "p.bias", 0.5f, -1f, 2f);
        float coef = EqualizedLr.coefficient(1.0, 5, 1.0);
        float[] w = store.get("p.weight").array().toFloatArray();
        NDArray x = randn(15, new Shape(2, 5, 3, 4));
        float[] in = x.toFloatArray();
        float[] y = conv.forward(x).toFloatArray();
        float[] bias = {0.5f, -1f, 2f};
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 3; o++) {
                for (int p = 0; p < 12; p++) {
                    double sum = bias[o];
                    for (int i = 0; i < 5; i++) {
                        sum += coef * w[o * 5 + i] * in[(n * 5 + i) * 12 + p];
                    }
                    assertEquals(sum, y[(n * 3 + o) * 12 + p], 1e-5, "n " + n + " out " + o + " pixel " + p);
                }
            }
        }
        // gradients against the same map written with transposes to channels-last and back
        NDArray weight = store.get("p.weight").array();
        NDArray b = store.get("p.bias").array();
        UnaryOperator<NDArray> transposed = input -> input.transpose(0, 2, 3, 1)
                .matMul(Tensors.scale(weight, coef).reshape(3, 5).transpose()).add(b).transpose(0, 3, 1, 2);
        float[][] viaLayer = gradients(store, new Shape(2, 5, 3, 4), conv::forward);
        float[][] viaTransposes = gradients(store, new Shape(2, 5, 3, 4), transposed);
        assertArrayEquals(viaTransposes[0], viaLayer[0], 1e-5f, "input gradient");
        assertArrayEquals(viaTransposes[1], viaLayer[1], 1e-4f, "weight gradient");
    }

    @Test
    void fusedUpscaleConvEqualsNearestUpscaleAndFlippedKernel() {
        ParameterStore store = new ParameterStore(manager, 7);
        Upscale2dConv2d up = new Upscale2dConv2d(store, "up", 3, 4, true);
        assertTrue(up.fused());
        NDArray x = randn(2, new Shape(2, 3, 5, 6));
        NDArray y = up.forward(x);
        assertEquals(new Shape(2, 4, 10, 12), y.getShape());
        NDArray w = effectiveWeight(store, "up.weight", 3);
        NDArray reference = conv(Upscale2d.apply(x, 2), w.flip(2, 3), 1);
        assertTrue(maxAbsDiff(y, reference) < 1e-5f, "fused differs from nearest + flipped conv");
        assertTrue(maxAbsDiff(y, conv(Upscale2d.apply(x, 2), w, 1)) > 1e-2f, "the unflipped kernel must not match");
        assertEquals(2L * 16 * 3 * 4 * 5 * 6, up.flops(5, 6));
    }

    @Test
    void nonFusedUpscaleConvIsConvOfNearestUpscale() {
        ParameterStore store = new ParameterStore(manager, 8);
        Upscale2dConv2d up = new Upscale2dConv2d(store, "up", 2, 3, false);
        NDArray x = randn(3, new Shape(1, 2, 4, 4));
        NDArray w = effectiveWeight(store, "up.weight", 2);
        assertTrue(maxAbsDiff(up.forward(x), conv(Upscale2d.apply(x, 2), w, 1)) < 1e-6f);
        assertEquals(2L * 2 * 3 * 9 * 8 * 8, up.flops(4, 4));
    }

    @Test
    void fusedConvDownscaleEqualsAveragePoolOfConv() {
        ParameterStore store = new ParameterStore(manager, 9);
        Conv2dDownscale2d fused = new Conv2dDownscale2d(store, "down", 3, 2, true);
        NDArray x = randn(4, new Shape(2, 3, 8, 6));
        NDArray w = effectiveWeight(store, "down.weight", 3);
        NDArray reference = Downscale2d.apply(conv(x, w, 1), 2);
        NDArray y = fused.forward(x);
        assertEquals(new Shape(2, 2, 4, 3), y.getShape());
        assertTrue(maxAbsDiff(y, reference) < 1e-5f, "fused differs from avgpool(conv(x))");

        ParameterStore plainStore = new ParameterStore(manager, 9);
        Conv2dDownscale2d plain = new Conv2dDownscale2d(plainStore, "down", 3, 2, false);
        assertTrue(maxAbsDiff(plain.forward(x), reference) < 1e-6f);
    }

    @Test
    void unfusedUpscaleConvFromAn8x8InputIsThePolyphaseFormOfNearestPlusConv() {
        ParameterStore store = new ParameterStore(manager, 10);
        Upscale2dConv2d up = new Upscale2dConv2d(store, "up", 8, 16, false);
        assertMatchesDirectForm(store, new Shape(2, 8, 8, 9), up::forward,
                (in, w) -> conv(Upscale2d.apply(in, 2), w, 1));
        assertEquals(2L * 16 * 8 * 16 * 8 * 9, up.flops(8, 9));
    }

    @Test
    void unfusedConvDownscaleFromA16x16InputIsTheStridedFormOfConvPlusAverage() {
        ParameterStore store = new ParameterStore(manager, 11);
        Conv2dDownscale2d down = new Conv2dDownscale2d(store, "down", 8, 16, false);
        assertMatchesDirectForm(store, new Shape(2, 8, 16, 16), down::forward,
                (in, w) -> Downscale2d.apply(conv(in, w, 1), 2));
        assertEquals(2L * 16 * 8 * 16 * 8 * 8, down.flops(16, 16));
    }

    /**
     * A layer and its direct form, given the layer's effective 3x3 weight (the store's one trainable tensor), agree
     * in values and in the gradients with respect to the input and to the weight.
     */
    private static void assertMatchesDirectForm(ParameterStore store, Shape in, UnaryOperator<NDArray> layer,
                                                BinaryOperator<NDArray> direct) {
        NDArray weight = store.trainable().get(0).array();
        float coef = EqualizedLr.coefficient(SQRT2, 9L * in.get(1), 1.0);
        NDArray x = randn(5, in);
        assertTrue(maxAbsDiff(layer.apply(x), direct.apply(x, Tensors.scale(weight, coef))) < 1e-5f, "values");
        float[][] viaLayer = gradients(store, in, layer);
        float[][] viaDirect = gradients(store, in, input -> direct.apply(input, Tensors.scale(weight, coef)));
        assertArrayEquals(viaDirect[0], viaLayer[0], 1e-4f, "input gradient");
        assertArrayEquals(viaDirect[1], viaLayer[1], 1e-3f, "weight gradient");
    }

    /**
     * Gradients of {@code sum(f(x) * g)} (fixed random x and g) with respect to x and to the store's one trainable
     * tensor. Callers use 8 input and 16 output channels, counts at which the engine's convolution of the unpadded
     * reference is exact (see {@link Conv2d#correlate}).
     */
    private static float[][] gradients(ParameterStore store, Shape in, UnaryOperator<NDArray> f) {
        Autograd.requireGradients(store, true);
        try (NDManager m = manager.newSubManager(); Autograd.Recording r = Autograd.record()) {
            NDArray x = Tensors.owned(m, randn(12, in).toFloatArray(), in);
            x.setRequiresGradient(true);
            NDArray y = f.apply(x);
            Autograd.backward(y.mul(Tensors.owned(m, randn(13, y.getShape()).toFloatArray(), y.getShape())));
            return new float[][] {x.getGradient().toFloatArray(),
                store.trainable().get(0).array().getGradient().toFloatArray()};
        } finally {
            Autograd.clearGradients(store);
            Autograd.requireGradients(store, false);
        }
    }

    @Test
    void conv2dIsSameCrossCorrelationWithCoefficient() {
        ParameterStore store = new ParameterStore(manager, 0);
        // gain 3 over fan-in 9 gives coefficient 1
        Conv2d c = new Conv2d(store, "c", 1, 1, 3, 3.0, true);
        set(store, "c.weight", 0, 0, 0, 0, 0, 1, 0, 0, 0); // picks the right neighbour
        set(store, "c.bias", 0.5f);
        NDArray y = c.forward(array(new Shape(1, 1, 2, 2), 1, 2, 3, 4));
        assertArrayEquals(new float[] {2.5f, 0.5f, 4.5f, 0.5f}, y.toFloatArray(), 1e-6f);
    }

    @Test
    void noiseInjectionAddsNoiseTimesPerChannelWeight() {
        ParameterStore store = new ParameterStore(manager, 0);
        NoiseInjection inj = new NoiseInjection(store, "n", 2);
        assertArrayEquals(new float[] {0, 0}, store.get("n.Noise.weight").array().toFloatArray(), 0f);
        set(store, "n.Noise.weight", 0.5f, -2f);
        NDArray x = array(new Shape(1, 2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        NDArray noise = array(new Shape(1, 1, 2, 2), 1, -1, 2, 0);
        assertArrayEquals(new float[] {1.5f, 1.5f, 4f, 4f, 3f, 8f, 3f, 8f}, inj.forward(x, noise).toFloatArray(), 1e-6f);
        assertArrayEquals(x.toFloatArray(), inj.forward(x, null).toFloatArray(), 0f);
    }

    private static final float C = (float) (1 / Math.sqrt(2.0));

    /** StyleMod over w = [1, -1] with weight rows [1,0], [0,1], [1,1], [2,0] and bias [0.5, 0, 0, -1]. */
    private static void setStyle(ParameterStore store, String name) {
        set(store, name + ".StyleMod.weight", 1, 0, 0, 1, 1, 1, 2, 0);
        set(store, name + ".StyleMod.bias", 0.5f, 0, 0, -1);
    }

    @Test
    void styleModGivesOnePlusYsAndYb() {
        ParameterStore store = new ParameterStore(manager, 0);
        StyleMod mod = new StyleMod(store, "s", 2, 2);
        assertEquals(new Shape(4, 2), store.get("s.StyleMod.weight").array().getShape());
        setStyle(store, "s");
        // ys = [c + 0.5, -c], yb = [0, 2c - 1] with c = 1/sqrt(2)
        NDArray[] style = mod.scaleAndShift(array(new Shape(1, 2), 1, -1));
        assertArrayEquals(new float[] {C + 1.5f, 1 - C}, style[0].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, 2 * C - 1}, style[1].toFloatArray(), 1e-6f);
    }

    @Test
    void adaInIsInstanceNormThenStyle() {
        ParameterStore store = new ParameterStore(manager, 0);
        AdaIN adain = new AdaIN(store, "a", 2, 2);
        setStyle(store, "a");
        NDArray x = array(new Shape(1, 2, 2, 2), 1, 2, 3, 4, 5, 5, 5, 5);
        float s = C + 1.5f;
        float yb1 = 2 * C - 1;
        float[] expected = {-1.3416408f * s, -0.4472136f * s, 0.4472136f * s, 1.3416408f * s, yb1, yb1, yb1, yb1};
        assertArrayEquals(expected, adain.forward(x, array(new Shape(1, 2), 1, -1)).toFloatArray(), 1e-5f);
        assertEquals(2L * 2 * 4, adain.flops());
    }

    @Test
    void constantInputStartsAtOnesAndTilesOverTheBatch() {
        ParameterStore store = new ParameterStore(manager, 0);
        ConstantInput in = new ConstantInput(store, "k", 3);
        NDArray y = in.forward(2);
        assertEquals(new Shape(2, 3, 4, 4), y.getShape());
        for (float v : y.toFloatArray()) {
            assertEquals(1f, v, 0f);
        }
        float[] values = new float[48];
        for (int i = 0; i < 48; i++) {
            values[i] = i;
        }
        set(store, "k.const", values);
        float[] tiled = in.forward(3).toFloatArray();
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(values, slice(tiled, b * 48, (b + 1) * 48), 0f);
        }
    }

    /** N = 8, C = 2, 2x2: x[b, 0] = b, x[b, 1] = b (even b) or 3b (odd b), constant over pixels. */
    private static float[] stddevData() {
        float[] v = new float[8 * 2 * 4];
        for (int b = 0; b < 8; b++) {
            for (int p = 0; p < 4; p++) {
                v[(b * 2) * 4 + p] = b;
                v[(b * 2 + 1) * 4 + p] = b % 2 == 0 ? b : 3 * b;
            }
        }
        return v;
    }

    @Test
    void minibatchStddevUsesStridedGroupsAndAppendsLastChannel() {
        float[] v = stddevData();
        NDArray x = array(new Shape(8, 2, 2, 2), v);
        NDArray y = MinibatchStddev.apply(x, MinibatchStddev.GROUP_SIZE);
        assertEquals(new Shape(8, 3, 2, 2), y.getShape());
        float[] out = y.toFloatArray();
        // group m = b % 2 holds samples b = g*2 + m. Group 0: {0,2,4,6} in both channels, sd sqrt(5);
        // group 1: {1,3,5,7} sd sqrt(5) and {3,9,15,21} sd sqrt(45); averaged over channels
        float g0 = (float) Math.sqrt(5.0);
        float g1 = (float) ((Math.sqrt(5.0) + Math.sqrt(45.0)) / 2);
        for (int b = 0; b < 8; b++) {
            assertArrayEquals(slice(v, b * 8, b * 8 + 8), slice(out, b * 12, b * 12 + 8), 0f);
            float expected = b % 2 == 0 ? g0 : g1;
            for (int p = 0; p < 4; p++) {
                assertEquals(expected, out[b * 12 + 8 + p], 1e-5f, "sample " + b);
            }
        }
        assertEquals(2.2360680f, g0, 1e-6f);
        assertEquals(4.4721360f, g1, 1e-6f);
    }

    @Test
    void minibatchStddevWithOneFeaturePerChannelGroup() {
        // F = 2 splits the 2 channels into groups of one: no averaging over channels
        float[] v = stddevData();
        NDArray y = MinibatchStddev.apply(array(new Shape(8, 2, 2, 2), v), 4, 2);
        assertEquals(new Shape(8, 4, 2, 2), y.getShape());
        float[] out = y.toFloatArray();
        for (int b = 0; b < 8; b++) {
            assertArrayEquals(slice(v, b * 8, b * 8 + 8), slice(out, b * 16, b * 16 + 8), 0f);
            float second = (float) Math.sqrt(b % 2 == 0 ? 5.0 : 45.0);
            for (int p = 0; p < 4; p++) {
                assertEquals((float) Math.sqrt(5.0), out[b * 16 + 8 + p], 1e-5f, "sample " + b);
                assertEquals(second, out[b * 16 + 12 + p], 1e-5f, "sample " + b);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MinibatchStddev.apply(array(new Shape(4, 3, 1, 1), new float[12]), 4, 2));
        assertEquals("3 channels cannot be split into 2 stddev features", e.getMessage());
    }

    @Test
    void minibatchStddevSmallBatchesAndIndivisibleBatch() {
        NDArray two = MinibatchStddev.apply(array(new Shape(2, 1, 1, 1), 0, 2), 4);
        // group of 2: mean 1, biased variance 1
        assertArrayEquals(new float[] {0, 1, 2, 1}, two.toFloatArray(), 1e-6f);
        NDArray one = MinibatchStddev.apply(array(new Shape(1, 1, 1, 1), 5), 4);
        assertArrayEquals(new float[] {5, 1e-4f}, one.toFloatArray(), 1e-6f);
        NDArray six = array(new Shape(6, 1, 1, 1), 1, 2, 3, 4, 5, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MinibatchStddev.apply(six, 4));
        assertTrue(e.getMessage().contains("6"));
        assertFalse(e.getMessage().contains("\n"));
    }
}
