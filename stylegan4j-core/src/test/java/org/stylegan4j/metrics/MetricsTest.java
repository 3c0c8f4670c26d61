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
            assertEquals(first, second, 1e-4 * first, "cached float32 statistics");
        }
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
