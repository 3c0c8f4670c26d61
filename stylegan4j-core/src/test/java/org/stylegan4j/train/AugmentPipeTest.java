package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.train.AugmentPipe.Transform;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ADA's augmentation pipeline: the identity at p = 0, each transform's image on synthetic patterns, exact pixel moves
 * for the integer transforms, ADA's probabilities, and gradients (first and second order) against finite differences.
 */
class AugmentPipeTest {

    private static final int N = 4;
    private static final int S = 8;

    /** Distinct values at every position: x + 8 y + 64 c + 256 n, scaled into about [-1, 1]. */
    private static float[] pattern(int n, int c) {
        float[] v = new float[n * c * S * S];
        for (int i = 0; i < v.length; i++) {
            v[i] = i / 512f - 1f;
        }
        return v;
    }

    private static float value(float[] v, int c, int image, int channel, int y, int x) {
        return v[((image * c + channel) * S + y) * S + x];
    }

    /** The reflect-padding index: -1 is 1, S is S - 2. */
    private static int mirror(int i) {
        int period = 2 * (S - 1);
        int r = Math.floorMod(i, period);
        return r < S ? r : period - r;
    }

    private static double[][] each(double[] matrix, int n) {
        double[][] out = new double[n][];
        Arrays.fill(out, matrix);
        return out;
    }

    private static float[] resampled(NDManager m, float[] x, int c, double[] matrix) {
        return AugmentPipe.resample(m.create(x, new Shape(N, c, S, S)), each(matrix, N)).toFloatArray();
    }

    private static float[] recoloured(NDManager m, float[] x, int c, double[] matrix) {
        return AugmentPipe.recolour(m.create(x, new Shape(N, c, S, S)), each(matrix, N)).toFloatArray();
    }

    /** Expected image from a map of output pixel (x, y) to source pixel, for every image and channel. */
    private static float[] moved(float[] x, int c, Function<int[], int[]> source) {
        float[] out = new float[x.length];
        for (int n = 0; n < N; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < S; y++) {
                    for (int xx = 0; xx < S; xx++) {
                        int[] src = source.apply(new int[] {xx, y});
                        out[((n * c + ch) * S + y) * S + xx] = value(x, c, n, ch, src[1], src[0]);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void atPZeroEveryTransformIsTheIdentity() {
        try (NDManager m = Engines.newManager()) {
            for (int c : new int[] {1, 3}) {
                NDArray x = m.create(pattern(N, c), new Shape(N, c, S, S));
                float[] before = x.toFloatArray();
                for (Transform t : Transform.values()) {
                    NDArray y = new AugmentPipe(EnumSet.of(t)).apply(x, 0, new Random(1));
                    assertSame(x, y, t + " at p = 0 returns the images as they are");
                }
                NDArray all = AugmentPipe.bgc().apply(x, 0, new Random(2));
                assertSame(x, all);
                assertArrayEquals(before, all.toFloatArray(), 0f);
            }
        }
    }

    @Test
    void xFlipReversesTheColumns() {
        try (NDManager m = Engines.newManager()) {
            float[] x = pattern(N, 3);
            float[] flipped = moved(x, 3, p -> new int[] {S - 1 - p[0], p[1]});
            assertArrayEquals(flipped, resampled(m, x, 3, AugmentPipe.scale2d(-1, 1)), 0f);
            // in a minibatch where only some images move, the others come out bit-identical
            double[] identity = AugmentPipe.scale2d(1, 1);
            double[] flip = AugmentPipe.scale2d(-1, 1);
            float[] mixed = AugmentPipe.resample(m.create(x, new Shape(N, 3, S, S)),
                    new double[][] {identity, flip, identity, flip}).toFloatArray();
            int size = 3 * S * S;
            for (int n = 0; n < N; n++) {
                float[] expected = n % 2 == 0 ? x : flipped;
                assertArrayEquals(Arrays.copyOfRange(expected, n * size, (n + 1) * size),
                        Arrays.copyOfRange(mixed, n * size, (n + 1) * size), 0f, "image " + n);
            }
        }
    }

    @Test
    void quarterTurnsMovePixelsExactly() {
        try (NDManager m = Engines.newManager()) {
            float[] x = pattern(N, 1);
            // output (x, y) around the centre reads the source at (-y, x): a quarter turn in image terms
            assertArrayEquals(moved(x, 1, p -> new int[] {S - 1 - p[1], p[0]}),
                    resampled(m, x, 1, AugmentPipe.rotate90(1)), 0f);
            assertArrayEquals(moved(x, 1, p -> new int[] {S - 1 - p[0], S - 1 - p[1]}),
                    resampled(m, x, 1, AugmentPipe.rotate90(2)), 0f);
            assertArrayEquals(moved(x, 1, p -> new int[] {p[1], S - 1 - p[0]}),
                    resampled(m, x, 1, AugmentPipe.rotate90(3)), 0f);
            assertArrayEquals(x, resampled(m, x, 1, AugmentPipe.mul3(AugmentPipe.rotate90(1), AugmentPipe.rotate90(3))),
                    0f);
        }
    }

    @Test
    void integerTranslationShiftsWithReflectionAtTheBorder() {
        try (NDManager m = Engines.newManager()) {
            float[] x = pattern(N, 3);
            float[] shifted = resampled(m, x, 3, AugmentPipe.translate2d(2, -3));
            assertArrayEquals(moved(x, 3, p -> new int[] {mirror(p[0] + 2), mirror(p[1] - 3)}), shifted, 0f);
            // the mirrored border: column 7 reads column 9, which is column 5; row 0 reads row -3, which is row 3
            assertEquals(value(x, 3, 0, 0, 3, 5), shifted[7], 0f);
        }
    }

    @Test
    void anArbitraryRotationOf90DegreesEqualsTheQuarterTurn() {
        try (NDManager m = Engines.newManager()) {
            float[] x = pattern(N, 3);
            assertArrayEquals(resampled(m, x, 3, AugmentPipe.rotate90(1)),
                    resampled(m, x, 3, AugmentPipe.rotate2d(Math.PI / 2)), 1e-5f);
        }
    }

    @Test
    void fractionalTranslationAndScalingInterpolateBilinearly() {
        try (NDManager m = Engines.newManager()) {
            float[] x = pattern(N, 1);
            float[] half = resampled(m, x, 1, AugmentPipe.translate2d(0.5, 0));
            for (int y = 0; y < S; y++) {
                for (int xx = 0; xx < S; xx++) {
                    float expected = (value(x, 1, 1, 0, y, xx) + value(x, 1, 1, 0, y, mirror(xx + 1))) / 2;
                    assertEquals(expected, half[(S + y) * S + xx], 1e-6f, "half a pixel right at " + xx + "," + y);
                }
            }
            // zooming in 2x about the centre (3.5, 3.5): output pixel 0 reads the source at 3.5 - 3.5 / 2 = 1.75
            float[] zoom = resampled(m, x, 1, AugmentPipe.scale2d(0.5, 0.5));
            float expected = 0.25f * 0.25f * value(x, 1, 0, 0, 1, 1) + 0.75f * 0.25f * value(x, 1, 0, 0, 1, 2)
                    + 0.25f * 0.75f * value(x, 1, 0, 0, 2, 1) + 0.75f * 0.75f * value(x, 1, 0, 0, 2, 2);
            assertEquals(expected, zoom[0], 1e-6f);
            // anisotropic 2x on x and 1/2 on y: output (0, 0) reads (3.5 - 7, 3.5 - 1.75) = (-3.5, 1.75)
            float[] aniso = resampled(m, x, 1, AugmentPipe.scale2d(2, 0.5));
            float anisoExpected = 0.25f * 0.5f * value(x, 1, 0, 0, 1, 4) + 0.25f * 0.5f * value(x, 1, 0, 0, 1, 3)
                    + 0.75f * 0.5f * value(x, 1, 0, 0, 2, 4) + 0.75f * 0.5f * value(x, 1, 0, 0, 2, 3);
            assertEquals(anisoExpected, aniso[0], 1e-6f);
        }
    }

    @Test
    void brightnessContrastAndLumaFlipOnGrayAndColour() {
        try (NDManager m = Engines.newManager()) {
            for (int c : new int[] {1, 3}) {
                float[] x = pattern(N, c);
                float[] bright = recoloured(m, x, c, AugmentPipe.translate3d(0.25));
                float[] contrast = recoloured(m, x, c, AugmentPipe.scale3d(1.5));
                float[] both = recoloured(m, x, c, AugmentPipe.mul4(AugmentPipe.scale3d(1.5),
                        AugmentPipe.translate3d(0.25)));
                for (int i = 0; i < x.length; i++) {
                    assertEquals(x[i] + 0.25f, bright[i], 1e-6f);
                    assertEquals(x[i] * 1.5f, contrast[i], 1e-6f);
                    assertEquals((x[i] + 0.25f) * 1.5f, both[i], 1e-6f, "brightness first, then contrast");
                }
            }
            float[] gray = pattern(N, 1);
            float[] flipped = recoloured(m, gray, 1, AugmentPipe.lumaFlip());
            for (int i = 0; i < gray.length; i++) {
                assertEquals(-gray[i], flipped[i], 1e-6f, "a luma flip negates a gray image");
            }
        }
    }

    /** One colour on every pixel of every image. */
    private static float[] solid(float r, float g, float b) {
        float[] v = new float[N * 3 * S * S];
        for (int n = 0; n < N; n++) {
            for (int i = 0; i < S * S; i++) {
                v[(n * 3) * S * S + i] = r;
                v[(n * 3 + 1) * S * S + i] = g;
                v[(n * 3 + 2) * S * S + i] = b;
            }
        }
        return v;
    }

    @Test
    void lumaFlipHueAndSaturationOnAKnownColour() {
        try (NDManager m = Engines.newManager()) {
            float[] colour = solid(0.5f, -0.25f, 0f);
            // I - 2 v v^T: minus 2/3 of the channel sum (0.25) on each channel
            assertArrayEquals(solid(0.5f - 1 / 6f, -0.25f - 1 / 6f, -1 / 6f),
                    recoloured(m, colour, 3, AugmentPipe.lumaFlip()), 1e-6f);
            // saturation 0: the gray of the same mean; saturation 1: unchanged
            assertArrayEquals(solid(1 / 12f, 1 / 12f, 1 / 12f),
                    recoloured(m, colour, 3, AugmentPipe.saturation(0)), 1e-6f);
            assertArrayEquals(colour, recoloured(m, colour, 3, AugmentPipe.saturation(1)), 1e-6f);
            // a third of a turn about the luma axis moves each channel to the next: (r, g, b) -> (b, r, g)
            assertArrayEquals(solid(0f, 0.5f, -0.25f),
                    recoloured(m, colour, 3, AugmentPipe.hueRotation(2 * Math.PI / 3)), 1e-6f);
        }
    }

    /** Whether an output image equals one of the candidates exactly. */
    private static int matching(float[] out, int image, List<float[]> candidates) {
        int size = S * S;
        float[] got = Arrays.copyOfRange(out, image * size, (image + 1) * size);
        for (int k = 0; k < candidates.size(); k++) {
            if (Arrays.equals(got, Arrays.copyOfRange(candidates.get(k), image * size, (image + 1) * size))) {
                return k;
            }
        }
        return -1;
    }

    @Test
    void atPOneThePixelBlittingTransformsGiveTheirImagesAndEveryOutcomeOccurs() {
        int n = 64;
        try (NDManager m = Engines.newManager()) {
            float[] x = new float[n * S * S];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.37);
            }
            NDArray images = m.create(x, new Shape(n, 1, S, S));
            List<float[]> flips = List.of(x, AugmentPipe.resample(images, each(AugmentPipe.scale2d(-1, 1), n)).toFloatArray());
            List<float[]> turns = new java.util.ArrayList<>();
            for (int q = 0; q < 4; q++) {
                turns.add(AugmentPipe.resample(images, each(AugmentPipe.rotate90(q), n)).toFloatArray());
            }
            List<float[]> shifts = new java.util.ArrayList<>();
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    shifts.add(AugmentPipe.resample(images, each(AugmentPipe.translate2d(dx, dy), n)).toFloatArray());
                }
            }
            Object[][] cases = {{Transform.XFLIP, flips}, {Transform.ROTATE90, turns}, {Transform.XINT, shifts}};
            for (Object[] c : cases) {
                @SuppressWarnings("unchecked")
                List<float[]> outcomes = (List<float[]>) c[1];
                float[] out = new AugmentPipe(EnumSet.of((Transform) c[0])).apply(images, 1, new Random(5)).toFloatArray();
                Set<Integer> seen = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    int k = matching(out, i, outcomes);
                    assertTrue(k >= 0, c[0] + ": image " + i + " is none of the expected images");
                    seen.add(k);
                }
                assertEquals(outcomes.size(), seen.size(), c[0] + ": every outcome occurs in " + n + " images");
            }
        }
    }

    @Test
    void atPOneTheColourTransformsChangeEveryImageByItsOwnParameter() {
        try (NDManager m = Engines.newManager()) {
            float[] x = pattern(N, 1);
            float[] out = new AugmentPipe(EnumSet.of(Transform.BRIGHTNESS)).apply(m.create(x, new Shape(N, 1, S, S)), 1,
                    new Random(3)).toFloatArray();
            Set<Float> shifts = new HashSet<>();
            for (int n = 0; n < N; n++) {
                float shift = out[n * S * S] - x[n * S * S];
                for (int i = 0; i < S * S; i++) {
                    assertEquals(shift, out[n * S * S + i] - x[n * S * S + i], 1e-6f, "one shift per image");
                }
                shifts.add(shift);
            }
            assertEquals(N, shifts.size());
            assertFalse(shifts.contains(0f));
        }
    }

    @Test
    void eachTransformAppliesWithProbabilityPAndADAsDistributions() {
        int n = 40_000;
        double p = 0.3;
        for (Transform t : Transform.values()) {
            AugmentPipe.Draw d = new AugmentPipe(EnumSet.of(t)).draw(n, 3, 16, 16, p, new Random(t.ordinal()));
            int changed = 0;
            for (int i = 0; i < n; i++) {
                if (!Arrays.equals(d.geometric()[i], AugmentPipe.rotate90(0))
                        || !Arrays.equals(d.colour()[i], AugmentPipe.scale3d(1))) {
                    changed++;
                }
            }
            // a flip (x or luma) applies with p and then flips with odds 1/2; a quarter turn is none with odds 1/4;
            // an integer shift of 16 pixels, rint of a uniform in [-2, 2] on each axis, is (0, 0) with odds (1/4)^2
            double expected = switch (t) {
                case XFLIP, LUMAFLIP -> p / 2;
                case ROTATE90 -> p * 3 / 4;
                case XINT -> p * (1 - 1 / 16.0);
                default -> p;
            };
            assertEquals(expected, changed / (double) n, 0.01, t.toString());
        }
        AugmentPipe.Draw contrast = new AugmentPipe(EnumSet.of(Transform.CONTRAST)).draw(n, 3, 16, 16, 1, new Random(9));
        double sum = 0;
        double sq = 0;
        for (double[] c : contrast.colour()) {
            double log2 = Math.log(c[0]) / Math.log(2);
            sum += log2;
            sq += log2 * log2;
        }
        assertEquals(0, sum / n, 0.01);
        assertEquals(AugmentPipe.CONTRAST_STD, Math.sqrt(sq / n), 0.01, "contrast is 2^N(0, 0.5^2)");
        AugmentPipe.Draw gray = AugmentPipe.bgc().draw(1000, 1, 16, 16, 1, new Random(4));
        for (double[] c : gray.colour()) {
            assertEquals(c[0], c[5], 1e-12, "no hue or saturation on gray images: the matrix stays isotropic");
        }
    }

    @Test
    void theDrawsDependOnTheGeneratorOnly() {
        AugmentPipe.Draw a = AugmentPipe.bgc().draw(8, 3, 32, 32, 0.4, new Random(11));
        AugmentPipe.Draw b = AugmentPipe.bgc().draw(8, 3, 32, 32, 0.4, new Random(11));
        assertTrue(Arrays.deepEquals(a.geometric(), b.geometric()) && Arrays.deepEquals(a.colour(), b.colour()));
        Random r0 = new Random(12);
        Random r1 = new Random(12);
        AugmentPipe.bgc().draw(8, 3, 32, 32, 0, r0);
        AugmentPipe.bgc().draw(8, 3, 32, 32, 1, r1);
        assertEquals(r0.nextLong(), r1.nextLong(), "as many draws whatever p is");
    }

    @Test
    void eachPipeAppliesOnlyItsGroup() {
        for (Augmentation.Pipe pipe : Augmentation.Pipe.values()) {
            AugmentPipe.Draw d = new AugmentPipe(pipe.transforms()).draw(400, 3, 32, 32, 1, new Random(21));
            boolean anyGeometric = false;
            boolean anyFractional = false;
            boolean anyColour = false;
            for (int i = 0; i < 400; i++) {
                anyColour |= !Arrays.equals(d.colour()[i], identity(4));
                for (double v : d.geometric()[i]) {
                    anyFractional |= v != Math.rint(v);
                }
                anyGeometric |= !Arrays.equals(d.geometric()[i], identity(3));
            }
            String name = pipe.label();
            assertEquals(pipe != Augmentation.Pipe.COLOR, anyGeometric, name + " moves pixels");
            assertEquals(name.contains("g"), anyFractional, name + " resamples between pixels");
            assertEquals(name.contains("c"), anyColour, name + " changes colours");
        }
        assertEquals(EnumSet.allOf(AugmentPipe.Transform.class), Augmentation.Pipe.BGC.transforms());
    }

    private static double[] identity(int size) {
        double[] out = new double[size * size];
        for (int i = 0; i < size; i++) {
            out[i * size + i] = 1;
        }
        return out;
    }

        /** A composite transform of everything but the integer moves, with a colour matrix. */
    private static double[][] geometric() {
        double[] g = AugmentPipe.mul3(AugmentPipe.rotate2d(0.3), AugmentPipe.scale2d(0.8, 1.1));
        return new double[][] {AugmentPipe.mul3(g, AugmentPipe.translate2d(0.37, -0.61))};
    }

    private static double[][] colour() {
        double[] c = AugmentPipe.mul4(AugmentPipe.saturation(0.7), AugmentPipe.hueRotation(0.9));
        return new double[][] {AugmentPipe.mul4(c, AugmentPipe.mul4(AugmentPipe.scale3d(1.2),
                AugmentPipe.translate3d(-0.1)))};
    }

    private static NDArray augment(NDArray x) {
        return AugmentPipe.recolour(AugmentPipe.resample(x, geometric()), colour());
    }

    private static double[] input(int size, long seed) {
        Random rng = new Random(seed);
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = rng.nextGaussian() * 0.5;
        }
        return v;
    }

    /** A smooth, non-linear scalar of the augmented images: sum(tanh(a * aug(x))). */
    private static NDArray objective(NDArray x, NDArray a) {
        return augment(x).mul(a).tanh().sum();
    }

    @Test
    void gradientsReachTheImagesAsFiniteDifferencesSay() {
        Shape shape = new Shape(1, 3, 4, 4);
        double[] x = input(48, 1);
        try (NDManager m = Engines.newManager()) {
            NDArray a = m.create(input(48, 2), shape);
            double[] analytic;
            try (NDManager s = m.newSubManager(); Autograd.Recording r = Autograd.record()) {
                NDArray in = s.create(x, shape);
                in.setRequiresGradient(true);
                Autograd.backward(objective(in, a));
                analytic = in.getGradient().toDoubleArray();
            }
            double h = 1e-6;
            int nonZero = 0;
            for (int i = 0; i < x.length; i++) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[i] += h;
                minus[i] -= h;
                double numeric;
                try (NDManager s = m.newSubManager()) {
                    numeric = (objective(s.create(plus, shape), a).getDouble()
                            - objective(s.create(minus, shape), a).getDouble()) / (2 * h);
                }
                assertEquals(numeric, analytic[i], 1e-6 + 1e-6 * Math.abs(numeric), "element " + i);
                nonZero += Math.abs(analytic[i]) > 1e-3 ? 1 : 0;
            }
            assertTrue(nonZero > 40, "gradients reach most pixels: " + nonZero);
        }
    }

    /** R1's shape: ||grad_x sum(tanh(a * aug(x)))||^2, a second-order function of a. */
    private static NDArray penalty(NDArray x, NDArray a) {
        return Autograd.gradientWithGraph(augment(x).mul(a).tanh(), x).square().sum();
    }

    @Test
    void anR1StyleGradientPenaltyDifferentiatesThroughThePipe() {
        Shape shape = new Shape(1, 3, 4, 4);
        double[] x = input(48, 3);
        double[] a = input(48, 4);
        try (NDManager m = Engines.newManager()) {
            double[] analytic;
            try (NDManager s = m.newSubManager(); Autograd.Recording r = Autograd.record()) {
                NDArray in = s.create(x, shape);
                in.setRequiresGradient(true);
                NDArray weights = s.create(a, shape);
                weights.setRequiresGradient(true);
                NDArray pen = penalty(in, weights);
                assertTrue(Double.isFinite(pen.getDouble()));
                Autograd.backward(pen);
                analytic = weights.getGradient().toDoubleArray();
            }
            double h = 1e-6;
            for (int i = 0; i < a.length; i++) {
                double[] plus = a.clone();
                double[] minus = a.clone();
                plus[i] += h;
                minus[i] -= h;
                double numeric;
                try (NDManager s = m.newSubManager(); Autograd.Recording r = Autograd.record()) {
                    NDArray in = s.create(x, shape);
                    in.setRequiresGradient(true);
                    double up = penalty(in, s.create(plus, shape)).getDouble();
                    NDArray in2 = s.create(x, shape);
                    in2.setRequiresGradient(true);
                    double down = penalty(in2, s.create(minus, shape)).getDouble();
                    numeric = (up - down) / (2 * h);
                }
                assertEquals(numeric, analytic[i], 1e-6 + 1e-5 * Math.abs(numeric), "weight " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT32", "FLOAT64"})
    void theOutputKeepsTheImagesTypeAndDevice(DataType type) {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(pattern(N, 3), new Shape(N, 3, S, S)).toType(type, false);
            NDArray y = AugmentPipe.bgc().apply(x, 1, new Random(8));
            assertEquals(type, y.getDataType());
            assertEquals(x.getDevice(), y.getDevice());
            assertEquals(x.getShape(), y.getShape());
            for (float v : y.toType(DataType.FLOAT32, false).toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }
}
