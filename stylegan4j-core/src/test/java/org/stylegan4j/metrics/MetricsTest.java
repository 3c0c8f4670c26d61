package org.stylegan4j.metrics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.digits.DigitClassifier;
import org.stylegan4j.digits.DigitFeatures;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {

    static final Path MNIST = Path.of("..", "data", "mnist32.zip");
    static final Path FIXTURES = Path.of("src", "test", "resources", "org", "stylegan4j", "metrics");

    private static double[] flat(RealMatrix m) {
        int d = m.getRowDimension();
        double[] out = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = m.getEntry(i, j);
            }
        }
        return out;
    }

    private static RealMatrix randomRotation(int d, Random rng) {
        double[][] a = new double[d][d];
        for (double[] row : a) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return new QRDecomposition(new Array2DRowRealMatrix(a)).getQ();
    }

    @Test
    void fidMatchesTheClosedFormForCovariancesSharingEigenvectors() {
        int d = 12;
        Random rng = new Random(3);
        RealMatrix q = randomRotation(d, rng);
        double[] d1 = new double[d];
        double[] d2 = new double[d];
        double[] mu1 = new double[d];
        double[] mu2 = new double[d];
        double expected = 0;
        for (int i = 0; i < d; i++) {
            d1[i] = 0.1 + 3 * rng.nextDouble();
            d2[i] = 0.1 + 3 * rng.nextDouble();
            mu1[i] = rng.nextGaussian();
            mu2[i] = rng.nextGaussian();
            expected += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + Math.pow(Math.sqrt(d1[i]) - Math.sqrt(d2[i]), 2);
        }
        RealMatrix s1 = q.multiply(new Array2DRowRealMatrix(diag(d1))).multiply(q.transpose());
        RealMatrix s2 = q.multiply(new Array2DRowRealMatrix(diag(d2))).multiply(q.transpose());
        assertTrue(Math.abs(s1.getEntry(0, 1)) > 1e-3, "the covariances are not diagonal");
        double fid = FrechetInceptionDistance.between(FeatureStatistics.of(mu1, flat(s1), 1000),
                FeatureStatistics.of(mu2, flat(s2), 1000));
        assertEquals(expected, fid, 1e-6 * expected);
    }

    @Test
    void fidMatchesTheClosedFormForNonCommutingTwoByTwoCovariances() {
        double[] s1 = {2.0, 0.7, 0.7, 1.0};
        double[] s2 = {0.5, -0.2, -0.2, 1.5};
        double[] mu1 = {1.0, -2.0};
        double[] mu2 = {0.5, 0.25};
        double trProduct = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
        double det1 = s1[0] * s1[3] - s1[1] * s1[2];
        double det2 = s2[0] * s2[3] - s2[1] * s2[2];
        double traceSqrt = Math.sqrt(trProduct + 2 * Math.sqrt(det1 * det2));
        double expected = 0.25 + 5.0625 + (s1[0] + s1[3]) + (s2[0] + s2[3]) - 2 * traceSqrt;
        double fid = FrechetInceptionDistance.between(FeatureStatistics.of(mu1, s1, 50), FeatureStatistics.of(mu2, s2, 50));
        assertEquals(expected, fid, 1e-6 * expected);
    }

    private static double[][] diag(double[] v) {
        double[][] m = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
            m[i][i] = v[i];
        }
        return m;
    }

    private static float[][] gaussianSet(int n, int d, double shift, long seed) {
        Random rng = new Random(seed);
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (rng.nextGaussian() + (j % 3 == 0 ? 0.5 * rng.nextGaussian() : 0) + shift + 10);
            }
        }
        return x;
    }

    @Test
    void streamingStatisticsEqualTwoPassStatistics() {
        float[][] x = gaussianSet(500, 6, 0, 1);
        FeatureStatistics s = new FeatureStatistics(6);
        s.add(java.util.Arrays.copyOfRange(x, 0, 123));
        s.add(java.util.Arrays.copyOfRange(x, 123, 500));
        double[] mean = new double[6];
        for (float[] row : x) {
            for (int j = 0; j < 6; j++) {
                mean[j] += row[j] / 500.0;
            }
        }
        double[] cov = new double[36];
        for (float[] row : x) {
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    cov[i * 6 + j] += (row[i] - mean[i]) * (row[j] - mean[j]) / 499.0;
                }
            }
        }
        assertArrayEquals(mean, s.mean(), 1e-9);
        assertArrayEquals(cov, s.covariance(), 1e-9);
        assertEquals(500, s.count());
        assertThrows(IllegalArgumentException.class, () -> s.add(new float[][] {new float[5]}));
    }

    @Test
    void fidOfASetAgainstItselfIsZeroAndGrowsWithAShift() {
        FeatureStatistics a = new FeatureStatistics(8);
        a.add(gaussianSet(400, 8, 0, 5));
        assertEquals(0, FrechetInceptionDistance.between(a, a), 1e-9);
        FeatureStatistics b = new FeatureStatistics(8);
        b.add(gaussianSet(400, 8, 1.0, 5));
        assertEquals(8.0, FrechetInceptionDistance.between(a, b), 1e-4, "a pure mean shift of 1 in 8 dimensions");
    }

    @Test
    void kidIsNearZeroForIdenticalSetsAndGrowsWithAMeanShift() {
        float[][] a = gaussianSet(300, 16, 0, 7);
        float[][] b = gaussianSet(300, 16, 0, 8);
        double same = KernelInceptionDistance.between(a, a, 10, 200, 1);
        double independent = KernelInceptionDistance.between(a, b, 10, 200, 1);
        double small = KernelInceptionDistance.between(a, gaussianSet(300, 16, 0.3, 8), 10, 200, 1);
        double large = KernelInceptionDistance.between(a, gaussianSet(300, 16, 1.0, 8), 10, 200, 1);
        assertTrue(Math.abs(same) < 0.05 * large, "same " + same + " large " + large);
        assertTrue(Math.abs(independent) < small, "independent " + independent + " small " + small);
        assertTrue(small < large, small + " < " + large);
    }

    /** The unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3, written out pair by pair. */
    private static double directMmd2(float[][] x, float[][] y) {
        int m = x.length;
        double kxx = 0;
        double kyy = 0;
        double kxy = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (i != j) {
                    kxx += cubicKernel(x[i], x[j]);
                    kyy += cubicKernel(y[i], y[j]);
                }
                kxy += cubicKernel(x[i], y[j]);
            }
        }
        return (kxx + kyy) / (m * (m - 1.0)) - 2 * kxy / ((double) m * m);
    }

    private static double cubicKernel(float[] a, float[] b) {
        double dot = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
        }
        return Math.pow(dot / a.length + 1, 3);
    }

    @Test
    void kidWithOneSubsetOfTheWholeSetsIsTheDirectUnbiasedEstimate() {
        float[][] a = {{1, 0, 2}, {0.5f, -1, 0}, {2, 2, -1}, {-1, 0.25f, 1}, {0, 1, 1}};
        float[][] b = {{0, 0, 1}, {1, 1, 1}, {-2, 0.5f, 0}, {1.5f, -0.5f, 2}, {0.75f, 0, -1}};
        double same = directMmd2(a, a);
        assertTrue(same < 0, "the unbiased estimate of identical sets is below 0: " + same);
        assertEquals(same, KernelInceptionDistance.between(a, a, 1, a.length, 3), 1e-6 * Math.abs(same));
        double other = directMmd2(a, b);
        assertEquals(other, KernelInceptionDistance.between(a, b, 1, a.length, 3), 1e-6 * Math.abs(other));
        assertEquals(other, KernelInceptionDistance.between(a, b, 4, 100, 9), 1e-6 * Math.abs(other),
                "subsets of the whole sets are permutations: the same estimate");
    }

    /**
     * 40 samples in 3 dimensions: 20 confident ones, 10 latents each twice, attribute 0 = the sign of z0 (margin 1,
     * p = 0.95 / 0.05) and attribute 1 = 1 for one copy and 0 for the other (p = 0.9 / 0.1, independent of the latent);
     * 20 unconfident ones (p = 0.6 / 0.45) that the most confident half leaves out.
     */
    @Test
    void lsIsOneForASeparableAttributeAndTwoForAnAttributeIndependentOfTheLatent() {
        Random rng = new Random(12);
        float[][] zs = new float[40][];
        float[][] ws = new float[40][];
        double[][] probs = new double[40][];
        for (int i = 0; i < 40; i++) {
            float[] z = {(float) rng.nextGaussian(), (float) rng.nextGaussian(), (float) rng.nextGaussian()};
            if (i < 20 && i % 2 == 1) {
                z = zs[i - 1].clone();
            } else if (i < 20) {
                z[0] = (float) ((i % 4 == 0 ? 1 : -1) * (1 + Math.abs(rng.nextGaussian())));
            }
            zs[i] = z;
            ws[i] = new float[] {2 * z[0] + 1, z[1] - z[2], 3 * z[2]};
            probs[i] = i < 20 ? new double[] {z[0] > 0 ? 0.95 : 0.05, i % 2 == 0 ? 0.9 : 0.1}
                    : new double[] {0.6, 0.45};
        }
        LinearSeparability.Result r = LinearSeparability.separability(zs, ws, probs);
        assertArrayEquals(new double[] {0, 1}, r.entropyZ(), 1e-12);
        assertArrayEquals(new double[] {0, 1}, r.entropyW(), 1e-12);
        assertEquals(Math.exp(0 + Math.log(2)), r.z(), 1e-6 * 2, "exp(H in nats): exp(0) * exp(ln 2)");
        assertEquals(2.0, r.w(), 1e-6 * 2);
    }

    /**
     * A linear generator: w = 2 z, image = w (one channel, 2x2 pixels); with the squared distance the path length of
     * a pair in W is |w1 - w0|^2 = 4 |z1 - z0|^2 wherever t lies. The latents are the ones the generator was given.
     */
    @Test
    void pplOfALinearGeneratorIsItsAnalyticValue() {
        for (PerceptualPathLength.Sampling sampling : PerceptualPathLength.Sampling.values()) {
            List<float[]> mapped = new java.util.ArrayList<>();
            PerceptualPathLength.Network linear = new PerceptualPathLength.Network() {
                @Override
                public int latentSize() {
                    return 4;
                }

                @Override
                public int channels() {
                    return 1;
                }

                @Override
                public int resolution() {
                    return 2;
                }

                @Override
                public ai.djl.ndarray.NDArray map(ai.djl.ndarray.NDArray z) {
                    mapped.add(z.toFloatArray());
                    return z.mul(2);
                }

                @Override
                public float[] synthesize(ai.djl.ndarray.NDArray w, long[] noiseSeeds) {
                    return w.toFloatArray();
                }
            };
            PathDistance squared = new PathDistance() {
                @Override
                public String id() {
                    return "squared";
                }

                @Override
                public double[] distances(float[] a, float[] b, int n, int channels, int resolution) {
                    double[] d = new double[n];
                    for (int i = 0; i < a.length; i++) {
                        d[i / 4] += Math.pow((double) a[i] - b[i], 2);
                    }
                    return d;
                }

                @Override
                public void close() {
                }
            };
            double ppl = PerceptualPathLength.measure(linear, squared, new PerceptualPathLength.Options(
                    PerceptualPathLength.Space.W, sampling, 3, 3, false, 4), i -> { });
            float[] z = mapped.get(0);
            double expected = 0;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 4; k++) {
                    expected += 4 * Math.pow((double) z[(3 + i) * 4 + k] - z[i * 4 + k], 2) / 3;
                }
            }
            // the path points are float32 (as the official metric's): w rounds to 2^-24 of itself, which over
            // epsilon = 1e-4 moves the squared distance by about 5e-5 here; 1e-6 is out of float32's reach
            assertEquals(expected, ppl, 1e-3 * expected, sampling.name());
        }
    }

    /** Pixel (y, x) of channel 0 is y * 1024 + x, of channel 1 its negative: exact in float32, and their means too. */
    @Test
    void pplFaceCropTakesRowsThreeToSevenEighthsAndColumnsTwoToSixEighthsThenScales() {
        for (int res : new int[] {256, 512, 1024}) {
            float[] img = new float[2 * res * res];
            for (int y = 0; y < res; y++) {
                for (int x = 0; x < res; x++) {
                    img[y * res + x] = y * 1024 + x;
                    img[res * res + y * res + x] = -(y * 1024 + x);
                }
            }
            int c = res / 8;
            int side = PerceptualPathLength.outputResolution(res, true);
            assertEquals(Math.min(4 * c, 256), side);
            int f = 4 * c / side;
            float[] out = PerceptualPathLength.prepare(img, 1, 2, res, true);
            assertEquals(2 * side * side, out.length);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    double v = (3 * c + f * y + (f - 1) / 2.0) * 1024 + 2 * c + f * x + (f - 1) / 2.0;
                    assertEquals(v, out[y * side + x], 0.0, res + ": " + y + "," + x);
                    assertEquals(-v, out[side * side + y * side + x], 0.0);
                }
            }
        }
    }

    @Test
    void slerpAndLerpFollowTheOfficialDefinitions() {
        double[] a = {2, 0};
        double[] b = {0, 3};
        double[] half = PerceptualPathLength.slerp(a, b, 0.5);
        assertArrayEquals(new double[] {Math.sqrt(0.5), Math.sqrt(0.5)}, half, 1e-12);
        assertArrayEquals(new double[] {1, 0}, PerceptualPathLength.slerp(a, b, 0), 1e-12);
        assertArrayEquals(new double[] {0, 1}, PerceptualPathLength.slerp(a, b, 1), 1e-12);
        assertEquals(2.5, PerceptualPathLength.lerp(2, 4, 0.25), 1e-12);
    }

    @Test
    void percentileFilterKeepsValuesBetweenTheLowerFirstAndHigherNinetyNinth() {
        double[] v = new double[201];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        v[0] = -1e9;
        v[200] = 1e9;
        assertEquals(100.0, PerceptualPathLength.filteredMean(v), 1e-9);
        double[] w = {5, 1, 3};
        assertEquals(3.0, PerceptualPathLength.filteredMean(w), 1e-12);
    }

    @Test
    void pathLengthIsTheDistanceOverEpsilonSquared() {
        try (Generator g = new Generator(ModelConfig.preset("small", 32), 1)) {
            PathDistance constant = new PathDistance() {
                @Override
                public String id() {
                    return "constant";
                }

                @Override
                public double[] distances(float[] a, float[] b, int n, int channels, int resolution) {
                    double[] d = new double[n];
                    java.util.Arrays.fill(d, 2e-8);
                    return d;
                }

                @Override
                public void close() {
                }
            };
            double ppl = PerceptualPathLength.measure(g, constant, new PerceptualPathLength.Options(
                    PerceptualPathLength.Space.W, PerceptualPathLength.Sampling.END, 6, 4, false, 1), i -> { });
            assertEquals(2.0, ppl, 1e-9);
        }
    }

    @Test
    void conditionalEntropyOfHandBuiltTables() {
        assertEquals(0.0, LinearSeparability.conditionalEntropy(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1}), 1e-12);
        assertEquals(1.0, LinearSeparability.conditionalEntropy(new int[] {0, 0, 0, 0}, new int[] {0, 1, 0, 1}), 1e-12);
        double h = -(0.25 * log2(0.25 / 0.5) + 0.25 * log2(0.25 / 0.5)) - 0.5 * log2(1.0);
        assertEquals(h, LinearSeparability.conditionalEntropy(new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 1}), 1e-12);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    @Test
    void lsRanksByFloat32ConfidenceKeepingEarlierSamplesOnTies() {
        // 1 - 1e-9 and 1 - 1e-12 both round to 1.0f: tied, so sample order decides (in double, sample 2 would win)
        double[][] probs = {{0.9}, {1 - 1e-9}, {1 - 1e-12}, {1e-10}, {0.3}};
        assertArrayEquals(new int[] {1, 2, 3}, LinearSeparability.mostConfident(probs, 0, 3));
        assertArrayEquals(new int[] {1, 2, 3, 0}, LinearSeparability.mostConfident(probs, 0, 4));
        assertEquals(1e-4, LinearSeparability.SVM_TOLERANCE, "sklearn's LinearSVC default");
    }

    @Test
    void lsHandsTheClassifierImagesOfAtMost256() {
        ModelConfig big = ModelConfig.preset("small", 512);
        List<Integer> seen = new java.util.ArrayList<>();
        AttributeClassifier recorder = new AttributeClassifier() {
            @Override
            public String id() {
                return "recorder";
            }

            @Override
            public double[][] probabilities(float[] images, int n, int channels, int resolution) {
                seen.add(resolution);
                assertEquals(n * channels * resolution * resolution, images.length);
                double[][] p = new double[n][1];
                for (int i = 0; i < n; i++) {
                    p[i][0] = images[i * channels * resolution * resolution] > 0 ? 0.9 : 0.1;
                }
                return p;
            }

            @Override
            public void close() {
            }
        };
        try (Generator g = new Generator(big, 2)) {
            LinearSeparability.Result r = LinearSeparability.measure(g, recorder, 8, 4, 0, i -> { });
            assertTrue(r.z() >= 1 && r.w() >= 1, r.toString());
        }
        assertEquals(List.of(256, 256), seen);
    }

    @Test
    void svmSeparatesALinearlySeparableAttributePerfectly() {
        Random rng = new Random(4);
        float[][] x = new float[200][3];
        int[] labels = new int[200];
        for (int i = 0; i < 200; i++) {
            for (int k = 0; k < 3; k++) {
                x[i][k] = (float) rng.nextGaussian();
            }
            labels[i] = x[i][0] + 0.5 * x[i][1] > 0.2 ? 1 : 0;
            x[i][0] += labels[i] == 1 ? 0.5f : -0.5f;
        }
        assertEquals(0.0, LinearSeparability.conditionalEntropy(LinearSeparability.predict(x, labels), labels), 1e-12);
    }

    @Test
    void metricLatentsNeverRepeat() {
        int n = 200_000;
        long[] plain = new long[n];
        java.util.Random rng = new java.util.Random(0);
        for (int i = 0; i < n; i++) {
            plain[i] = rng.nextInt() & Integer.MAX_VALUE;
        }
        long repeats = n - java.util.Arrays.stream(plain).distinct().count();
        assertTrue(repeats > 0, "independent 31-bit draws repeat (about 9 in 200k)");
        long[] seeds = MetricsRunner.distinctSeeds(0, n);
        assertEquals(n, java.util.Arrays.stream(seeds).distinct().count());
        int firstRepeat = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (seen.add(plain[firstRepeat])) {
            firstRepeat++;
        }
        assertArrayEquals(java.util.Arrays.copyOf(plain, firstRepeat), java.util.Arrays.copyOf(seeds, firstRepeat),
                "the same draws up to the first repeat");
        assertEquals(plain[firstRepeat + 1], seeds[firstRepeat], "the repeat is skipped");
    }

    @Test
    void eachInputConventionHandsTheNetworkTheDocumentedValues() {
        // mean_features.pt: the mean of each channel; pair_distance.pt: the mean squared difference of a pair
        float[] img = {-1f, -0.5f, 0.00001f, 1f};
        float[] expected = {
            (-1f - 0.5f + 0.00001f + 1f) / 4,
            ((-1f - 0.5f + 0.00001f + 1f) * 127.5f + 4 * 127.5f) / 4,
            (0 + 64 + 128 + 255) / 4f,
        };
        TorchScriptFeatureExtractor.Input[] inputs = TorchScriptFeatureExtractor.Input.values();
        for (int k = 0; k < inputs.length; k++) {
            try (TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(FIXTURES.resolve("mean_features.pt"),
                    inputs[k], false, 1, 2)) {
                assertEquals(expected[k], fx.features(img, 1, 1, 2)[0][0], 1e-4, inputs[k].label());
            }
        }
        // a difference of epsilon 1e-4 survives float255 input (uint8 would round it to 0 and is refused)
        float[] a = new float[16];
        float[] b = new float[16];
        java.util.Arrays.fill(b, 1e-4f);
        try (TorchScriptPathDistance pd = new TorchScriptPathDistance(FIXTURES.resolve("pair_distance.pt"),
                TorchScriptFeatureExtractor.Input.FLOAT255, false)) {
            assertEquals(Math.pow(127.5e-4, 2), pd.distances(a, b, 1, 1, 4)[0], 1e-7);
        }
    }

    @Test
    void torchScriptNetworksRunThroughTheEngine() {
        try (TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(FIXTURES.resolve("mean_features.pt"),
                TorchScriptFeatureExtractor.Input.FLOAT, false, 2, 4)) {
            float[] img = new float[2 * 2 * 16];
            for (int i = 0; i < img.length; i++) {
                img[i] = i;
            }
            assertEquals(2, fx.dimension());
            float[][] f = fx.features(img, 2, 2, 4);
            assertArrayEquals(new float[] {7.5f, 23.5f}, f[0], 1e-6f);
            assertArrayEquals(new float[] {39.5f, 55.5f}, f[1], 1e-6f);
            assertThrows(StyleGanInputException.class, () -> fx.features(img, 1, 1, 8));
        }
        try (TorchScriptPathDistance pd = new TorchScriptPathDistance(FIXTURES.resolve("pair_distance.pt"),
                TorchScriptFeatureExtractor.Input.FLOAT, false)) {
            float[] a = new float[2 * 16];
            float[] b = new float[2 * 16];
            for (int i = 0; i < 16; i++) {
                b[i] = 1;
                b[16 + i] = 2;
            }
            assertArrayEquals(new double[] {1, 4}, pd.distances(a, b, 2, 1, 4), 1e-9);
        }
        StyleGanInputException e = assertThrows(StyleGanInputException.class,
                () -> new TorchScriptPathDistance(FIXTURES.resolve("pair_distance.pt"),
                        TorchScriptFeatureExtractor.Input.UINT8, false));
        assertTrue(e.getMessage().startsWith("the path-length network takes float input"), e.getMessage());
        e = assertThrows(StyleGanInputException.class,
                () -> new TorchScriptFeatureExtractor(FIXTURES.resolve("not_torchscript.pt"),
                        TorchScriptFeatureExtractor.Input.FLOAT, false, 1, 4));
        assertTrue(e.getMessage().contains("is not a TorchScript file"), e.getMessage());
    }

    @Test
    void aNetworkOutputOfTheWrongRankIsOneLineNamingFileAndShapes() {
        Path perImage = FIXTURES.resolve("per_image_mean.pt");
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> new TorchScriptFeatureExtractor(
                perImage, TorchScriptFeatureExtractor.Input.FLOAT, false, 1, 4));
        assertEquals("feature network " + perImage + " returned shape (1) for a batch of 1, expected [1, features]",
                e.getMessage());
        try (AttributeClassifier ac = AttributeClassifier.torchScript(perImage, TorchScriptFeatureExtractor.Input.FLOAT,
                false)) {
            e = assertThrows(StyleGanInputException.class, () -> ac.probabilities(new float[32], 2, 1, 4));
            assertEquals("attribute network " + perImage + " returned shape (2) for a batch of 2, expected [2, "
                    + "attributes]", e.getMessage());
        }
        Path map = FIXTURES.resolve("pair_map.pt");
        try (TorchScriptPathDistance pd = new TorchScriptPathDistance(map, TorchScriptFeatureExtractor.Input.FLOAT,
                false)) {
            e = assertThrows(StyleGanInputException.class, () -> pd.distances(new float[32], new float[32], 2, 1, 4));
            assertEquals("path-length network " + map + " returned shape (2, 1, 4, 4) for 2 pairs, expected [2] or "
                    + "[2, 1, 1, 1] (one distance per pair)", e.getMessage());
        }
    }

    @Test
    void aNetworkThatRefusesTheInputConventionFailsOnItsFirstBatchNamingTheOption() {
        Path uint8 = FIXTURES.resolve("uint8_only.pt");
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> new TorchScriptFeatureExtractor(
                uint8, TorchScriptFeatureExtractor.Input.FLOAT, false, 1, 2));
        assertTrue(e.getMessage().startsWith(uint8 + " failed on its first batch of float input ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); if it takes another input, set --extractor-input (float, float255 or "
                + "uint8)"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
        try (AttributeClassifier ac = AttributeClassifier.torchScript(uint8, TorchScriptFeatureExtractor.Input.FLOAT255,
                false)) {
            e = assertThrows(StyleGanInputException.class, () -> ac.probabilities(new float[4], 1, 1, 2));
            assertTrue(e.getMessage().contains("first batch of float255 input")
                    && e.getMessage().contains("set --attributes-input"), e.getMessage());
        }
        try (TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(uint8,
                TorchScriptFeatureExtractor.Input.UINT8, false, 1, 2)) {
            // uint8 of {-1, -0.5, 0, 1} is {0, 64, 128, 255}; bitwise_not gives 255 - v
            assertEquals((255 + 191 + 127 + 0) / 4f, fx.features(new float[] {-1, -0.5f, 0, 1}, 1, 1, 2)[0][0], 1e-6f);
        }
    }

    @Test
    void aForwardWithReturnFeaturesIsCalledWithTrue() {
        Path file = FIXTURES.resolve("return_features.pt");
        assertTrue(TorchScriptArchive.forwardSignature(file).endsWith("return_features: bool=False)"),
                TorchScriptArchive.forwardSignature(file));
        assertTrue(TorchScriptArchive.forwardHas(file, "return_features"));
        assertTrue(!TorchScriptArchive.forwardHas(FIXTURES.resolve("mean_features.pt"), "return_features"));
        assertTrue(!TorchScriptArchive.forwardHas(FIXTURES.resolve("not_torchscript.pt"), "return_features"));
        float[] img = new float[2 * 2 * 16];
        for (int i = 0; i < img.length; i++) {
            img[i] = i;
        }
        try (TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(file,
                TorchScriptFeatureExtractor.Input.FLOAT, false, 2, 4)) {
            assertTrue(fx.returnsFeatures());
            assertEquals(2, fx.dimension(), "the channel means of forward(x, True), not the 32 values of forward(x)");
            float[][] f = fx.features(img, 2, 2, 4);
            assertArrayEquals(new float[] {7.5f, 23.5f}, f[0], 1e-6f);
            assertArrayEquals(new float[] {39.5f, 55.5f}, f[1], 1e-6f);
            assertTrue(fx.id().endsWith(":float:return_features"), fx.id());
        }
        try (TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(FIXTURES.resolve("mean_features.pt"),
                TorchScriptFeatureExtractor.Input.FLOAT, false, 2, 4)) {
            assertTrue(!fx.returnsFeatures());
        }
    }

    @Test
    void fidTellsRealDigitsFromARandomNetwork() {
        int n = 320;
        FeatureStatistics a = new FeatureStatistics(DigitClassifier.FEATURES);
        FeatureStatistics b = new FeatureStatistics(DigitClassifier.FEATURES);
        try (DigitFeatures fx = new DigitFeatures(); ImageDataset data = ImageDataset.open(MNIST)) {
            float[] images = new float[2 * n * 1024];
            for (int i = 0; i < 2 * n; i++) {
                data.readInto(i * (data.size() / (2 * n)), images, i * 1024, false);
            }
            float[][] f = fx.features(images, 2 * n, 1, 32);
            for (int i = 0; i < 2 * n; i++) {
                (i % 2 == 0 ? a : b).add(new float[][] {f[i]});
            }
            double realVsReal = FrechetInceptionDistance.between(a, b);
            try (Generator g = new Generator(ModelConfig.preset("small", 32), 1)) {
                MetricsRunner.Settings s = new MetricsRunner.Settings(n, 64, 1, MNIST, null, false, false, fx, null, null);
                Map<String, Double> r = MetricsRunner.run(g, MetricsRunner.parse("fid"), s, progress());
                double random = r.get("fid");
                assertTrue(random > 10 * realVsReal, "random-init FID " + random + " vs real-vs-real " + realVsReal);
            }
        }
    }

    @Test
    void realStatisticsAreCachedAndReused(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        try (DigitFeatures fx = new DigitFeatures(); Generator g = new Generator(ModelConfig.preset("small", 32), 1)) {
            MetricsRunner.Settings s = new MetricsRunner.Settings(300, 100, 2, MNIST, tmp, false, false, fx, null, null);
            double first = MetricsRunner.run(g, List.of("fid"), s, progress()).get("fid");
            try (var files = java.nio.file.Files.list(tmp)) {
                assertEquals(1, files.count());
            }
            double second = MetricsRunner.run(g, List.of("fid"), s, progress()).get("fid");
            assertEquals(first, second, 0.0, "cached float64 statistics: the same FID to the last bit");
            Path cache;
            try (var files = java.nio.file.Files.list(tmp)) {
                cache = files.findFirst().orElseThrow();
            }
            assertEquals(MetricsRunner.CACHE_FORMAT, org.stylegan4j.io.SafeTensors.readMetadata(cache).get("format"));
            java.util.Map<String, org.stylegan4j.io.SafeTensors.Tensor> stale = Map.of(
                    "mu", new org.stylegan4j.io.SafeTensors.Tensor(new long[] {256}, new float[256]),
                    "sigma", new org.stylegan4j.io.SafeTensors.Tensor(new long[] {256, 256}, new float[256 * 256]));
            org.stylegan4j.io.SafeTensors.write(cache, stale, Map.of("count", "300", "format",
                    "stylegan4j-feature-statistics/1"));
            assertEquals(first, MetricsRunner.run(g, List.of("fid"), s, progress()).get("fid"), 0.0,
                    "a /1 file is stale: recomputed, not read");
            assertEquals(MetricsRunner.CACHE_FORMAT, org.stylegan4j.io.SafeTensors.readMetadata(cache).get("format"));
        }
    }

    @Test
    void realsAreAsManyAsGeneratedByDefaultOrAllOfTheData(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        for (int i = 0; i < 9; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32,
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(i, i, 0, 200);
            javax.imageio.ImageIO.write(img, "png", tmp.resolve("img" + i + ".png").toFile());
        }
        int[] seen = new int[1];
        FeatureExtractor counting = new FeatureExtractor() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public String id() {
                return "counting";
            }

            @Override
            public float[][] features(float[] images, int n, int channels, int resolution) {
                seen[0] += n;
                float[][] f = new float[n][2];
                for (int i = 0; i < n; i++) {
                    f[i][0] = images[i * 1024];
                    f[i][1] = i;
                }
                return f;
            }

            @Override
            public void close() {
            }
        };
        try (Generator g = new Generator(ModelConfig.preset("small", 32), 1)) {
            int[] expected = {4 + 4, 4 + 9, 4 + 6};
            MetricsRunner.Settings[] settings = {
                new MetricsRunner.Settings(4, 4, 1, tmp, null, false, false, counting, null, null),
                new MetricsRunner.Settings(4, 4, 1, tmp, null, false, false, counting, null, null,
                        MetricsRunner.ALL_REALS),
                new MetricsRunner.Settings(4, 4, 1, tmp, null, false, false, counting, null, null, 6),
            };
            for (int k = 0; k < settings.length; k++) {
                seen[0] = 0;
                MetricsRunner.run(g, List.of("kid"), settings[k], progress());
                assertEquals(expected[k], seen[0], "generated + real images through the extractor, case " + k);
            }
        }
    }

    @Test
    void cachedStatisticsAreTheComputedOnesExactly(@org.junit.jupiter.api.io.TempDir Path tmp) {
        FeatureStatistics stats = new FeatureStatistics(5);
        stats.add(gaussianSet(40, 5, 0.1, 13));
        FeatureExtractor fx = new FeatureExtractor() {
            @Override
            public int dimension() {
                return 5;
            }

            @Override
            public String id() {
                return "five";
            }

            @Override
            public float[][] features(float[] images, int n, int channels, int resolution) {
                return new float[n][5];
            }

            @Override
            public void close() {
            }
        };
        Path file = tmp.resolve("reals.safetensors");
        MetricsRunner.writeCache(file, stats, new MetricsRunner.Settings(40, 10, 1, MNIST, tmp, false, false, fx, null,
                null), fx);
        FeatureStatistics read = MetricsRunner.readCache(file, 5);
        assertArrayEquals(stats.mean(), read.mean(), 0.0);
        assertArrayEquals(stats.covariance(), read.covariance(), 0.0);
        assertEquals(40, read.count());
        assertTrue(stats.covariance()[1] != (float) stats.covariance()[1], "the covariance needs more than float32");
    }

    @Test
    void mirroredRealsAreAnotherSetWithItsOwnCacheEntry(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        try (DigitFeatures fx = new DigitFeatures(); Generator g = new Generator(ModelConfig.preset("small", 32), 1)) {
            MetricsRunner.Settings plain = new MetricsRunner.Settings(300, 100, 2, MNIST, tmp, false, false, fx, null, null);
            MetricsRunner.Settings mirrored = new MetricsRunner.Settings(300, 100, 2, MNIST, tmp, false, true, fx, null, null);
            double a = MetricsRunner.run(g, List.of("fid"), plain, progress()).get("fid");
            double b = MetricsRunner.run(g, List.of("fid"), mirrored, progress()).get("fid");
            assertTrue(a != b, "flipping half of the digits changes their statistics: " + a);
            assertEquals(b, MetricsRunner.run(g, List.of("fid"), new MetricsRunner.Settings(300, 100, 2, MNIST, null,
                    false, true, fx, null, null), progress()).get("fid"), 1e-4 * b, "the same flips every run");
            try (var files = java.nio.file.Files.list(tmp)) {
                assertEquals(2, files.count());
            }
        }
    }

    @Test
    void badInputIsOneClearError() {
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> MetricsRunner.parse("fid,fsd"));
        assertTrue(e.getMessage().startsWith("unknown metric 'fsd'"), e.getMessage());
        try (DigitFeatures fx = new DigitFeatures(); Generator g = new Generator(ModelConfig.preset("small", 32), 1)) {
            MetricsRunner.Settings few = new MetricsRunner.Settings(100, 50, 1, MNIST, null, false, false, fx, null, null);
            e = assertThrows(StyleGanInputException.class, () -> MetricsRunner.run(g, List.of("fid"), few, progress()));
            assertTrue(e.getMessage().contains("more samples than features"), e.getMessage());
            FeatureExtractor wrong = new FeatureExtractor() {
                @Override
                public int dimension() {
                    return 4;
                }

                @Override
                public String id() {
                    return "wrong";
                }

                @Override
                public float[][] features(float[] images, int n, int channels, int resolution) {
                    return new float[n][5];
                }

                @Override
                public void close() {
                }
            };
            MetricsRunner.Settings mismatch = new MetricsRunner.Settings(20, 10, 1, MNIST, null, false, false, wrong, null, null);
            e = assertThrows(StyleGanInputException.class, () -> MetricsRunner.run(g, List.of("kid"), mismatch, progress()));
            assertTrue(e.getMessage().contains("returned 5 features per image, expected 4"), e.getMessage());
        }
    }

    private static MetricsRunner.Progress progress() {
        return new MetricsRunner.Progress() {
            @Override
            public void start(String task, long total) {
            }

            @Override
            public void step(long done) {
            }
        };
    }
}
