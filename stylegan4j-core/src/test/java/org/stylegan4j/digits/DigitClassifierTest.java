package org.stylegan4j.digits;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.CheckpointFormatException;
import org.stylegan4j.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigitClassifierTest {

    static final Path MNIST = Path.of("..", "data", "mnist32.zip");

    static Digits heldBack;

    @BeforeAll
    static void readHeldBack() {
        heldBack = Digits.heldBack(MNIST);
    }

    static Digits slice(Digits d, int from, int to) {
        return new Digits(Arrays.copyOfRange(d.images(), from * DigitClassifier.IMAGE_SIZE, to * DigitClassifier.IMAGE_SIZE),
                Arrays.copyOfRange(d.labels(), from, to));
    }

    @Test
    void heldBackSetIsEveryTenthImageWithEveryDigit() {
        assertEquals(1000, heldBack.size());
        assertEquals(1000 * 1024, heldBack.images().length);
        assertEquals(0, heldBack.labels()[0]);
        int[] perDigit = new int[10];
        for (int label : heldBack.labels()) {
            perDigit[label]++;
        }
        for (int d = 0; d < 10; d++) {
            assertTrue(perDigit[d] >= 80, "digit " + d + ": " + perDigit[d]);
        }
        assertTrue(Digits.isHeldBack(0) && Digits.isHeldBack(9990) && !Digits.isHeldBack(9999));
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : heldBack.images()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(-1f, min);
        assertEquals(1f, max);
    }

    @Test
    void bundledWeightsClassifyHeldBackDigits() {
        try (DigitClassifier c = DigitClassifier.bundled()) {
            assertEquals(DigitClassifier.FORMAT, c.metadata().get("format"));
            assertTrue(c.metadata().get("command").startsWith("stylegan4j train-classifier --data data/mnist32.zip"));
            double accuracy = c.accuracy(heldBack.images(), heldBack.labels());
            assertTrue(accuracy >= 0.98, "held-back accuracy " + accuracy);
            assertEquals(Double.parseDouble(c.metadata().get("held_back_accuracy")), accuracy, 1e-9);
        }
    }

    @Test
    void probabilitiesFeaturesAndPredictionsAgree() {
        int n = 300;
        try (DigitClassifier c = DigitClassifier.bundled()) {
            float[][] p = c.probabilities(heldBack.images(), n);
            float[][] f = c.features(heldBack.images(), n);
            int[] predicted = c.predict(heldBack.images(), n);
            assertEquals(n, p.length);
            assertEquals(n, f.length);
            for (int i = 0; i < n; i++) {
                assertEquals(10, p[i].length);
                double sum = 0;
                for (float v : p[i]) {
                    assertTrue(v >= 0 && v <= 1);
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-5);
                assertEquals(DigitClassifier.FEATURES, f[i].length);
                for (float v : f[i]) {
                    assertTrue(v >= 0, "features are ReLU outputs");
                }
            }
            assertArrayEquals(DigitClassifier.argmax(p), predicted);
            // batching (256 per pass) does not change results: image 299 alone equals image 299 in a batch
            float[] last = Arrays.copyOfRange(heldBack.images(), 299 * 1024, 300 * 1024);
            assertArrayEquals(p[299], c.probabilities(last, 1)[0], 1e-6f);
            assertArrayEquals(f[299], c.features(last, 1)[0], 1e-5f);
            // real digits (the held-back set, sorted by digit) are labelled confidently and every digit appears
            DigitClassifier.Judgement j = DigitClassifier.judge(c.probabilities(heldBack.images(), heldBack.size()),
                    DigitClassifier.ACCEPTANCE_CONFIDENCE);
            assertTrue(j.passesAcceptance(), j.toString());
            assertThrows(IllegalArgumentException.class, () -> c.probabilities(new float[1023], 1));
        }
    }

    @Test
    void judgeCountsConfidentSamplesPerDigit() {
        float[][] probs = new float[10][10];
        for (int i = 0; i < 8; i++) {            // 8 samples: digit i % 4 with probability 0.95
            Arrays.fill(probs[i], 0.05f / 9);
            probs[i][i % 4] = 0.95f;
        }
        Arrays.fill(probs[8], 0.1f);              // a tie: argmax is digit 0, probability 0.1, not confident
        Arrays.fill(probs[9], 0.0f);              // digit 7 at exactly the threshold counts as confident
        probs[9][7] = 0.9f;
        probs[9][3] = 0.1f;
        DigitClassifier.Judgement j = DigitClassifier.judge(probs, 0.9);
        assertEquals(10, j.samples());
        assertEquals(9, j.confident());
        assertEquals(0.9, j.confidentFraction(), 1e-12);
        assertArrayEquals(new int[]{2, 2, 2, 2, 0, 0, 0, 1, 0, 0}, j.confidentPerDigit());
        assertArrayEquals(new int[]{3, 2, 2, 2, 0, 0, 0, 1, 0, 0}, j.predictedPerDigit());
        assertEquals(2.0 / 9, j.digitShare(0), 1e-12);
        assertEquals(1.0 / 9, j.digitShare(7), 1e-12);
        assertEquals(0.0, j.minDigitShare());
        assertEquals(4, j.rarestDigit());
        assertTrue(j.accepts(0.9, 0.0));
        assertFalse(j.accepts(0.91, 0.0));
        assertFalse(j.accepts(0.9, 0.01));
        assertFalse(j.passesAcceptance());
        assertEquals("9/10 confident (>= 0.90): 90.0%, rarest digit 4 at 0.0%", j.describe());

        float[][] even = new float[100][10];
        for (int i = 0; i < 100; i++) {
            even[i][i % 10] = i < 85 ? 0.99f : 0.5f;
        }
        DigitClassifier.Judgement k = DigitClassifier.judge(even, 0.9);
        assertEquals(85, k.confident());
        assertEquals(0.08 / 0.85, k.minDigitShare(), 1e-12);     // digits 5..9: 8 of the 85 confident samples
        assertTrue(k.passesAcceptance());
        assertFalse(DigitClassifier.judge(new float[0][], 0.9).passesAcceptance());
    }

    @Test
    void tinyTrainingRunLowersTheLossAndIsDeterministic(@TempDir Path dir) throws IOException {
        Digits train = slice(heldBack, 0, 200);
        Digits check = slice(heldBack, 200, 300);
        DigitClassifierTrainer.Options options = DigitClassifierTrainer.Options.defaults(1, 7);
        double before;
        try (DigitClassifier fresh = DigitClassifier.initialised(7)) {
            before = DigitClassifierTrainer.loss(fresh, train);
        }
        int[] steps = new int[1];
        DigitClassifierTrainer.Listener count = new DigitClassifierTrainer.Listener() {
            @Override
            public void step(int step, int totalSteps, double loss) {
                steps[0] = step;
                assertEquals(4, totalSteps);
            }
        };
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Path c = dir.resolve("c.safetensors");
        DigitClassifierTrainer.Result r1 = DigitClassifierTrainer.train(train, check, options, count);
        try (DigitClassifier trained = r1.classifier()) {
            double after = DigitClassifierTrainer.loss(trained, train);
            assertTrue(after < 0.8 * before, "loss " + before + " -> " + after);
            assertEquals(1, r1.epochLoss().length);
            assertEquals(trained.accuracy(check.images(), check.labels()), r1.heldBackAccuracy());
            trained.save(a, Map.of("note", "test"));
        }
        assertEquals(4, steps[0]);
        try (DigitClassifier again = DigitClassifierTrainer.train(train, check, options,
                new DigitClassifierTrainer.Listener() { }).classifier()) {
            again.save(b, Map.of("note", "test"));
        }
        try (DigitClassifier other = DigitClassifierTrainer.train(train, check,
                DigitClassifierTrainer.Options.defaults(1, 8), new DigitClassifierTrainer.Listener() { }).classifier()) {
            other.save(c, Map.of("note", "test"));
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same weights");
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)), "another seed, other weights");
        try (DigitClassifier loaded = DigitClassifier.load(a)) {
            assertEquals("test", loaded.metadata().get("note"));
            assertEquals(DigitClassifier.FORMAT, loaded.metadata().get("format"));
        }
    }

    @Test
    void badWeightsFilesFailWithOneLine(@TempDir Path dir) throws IOException {
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "this is not a safetensors file");
        CheckpointFormatException e1 = assertThrows(CheckpointFormatException.class, () -> DigitClassifier.load(garbage));
        assertTrue(e1.getMessage().startsWith(garbage.toString()), e1.getMessage());
        assertFalse(e1.getMessage().contains("\n"));

        Path other = dir.resolve("other.safetensors");
        SafeTensors.write(other, Map.of("x", new SafeTensors.Tensor(new long[]{1}, new float[]{1f})), Map.of());
        CheckpointFormatException e2 = assertThrows(CheckpointFormatException.class, () -> DigitClassifier.load(other));
        assertEquals(other + ": not a digit classifier (metadata format is null, expected "
                + DigitClassifier.FORMAT + ")", e2.getMessage());

        Path missing = dir.resolve("missing.safetensors");
        assertThrows(StyleGanInputException.class, () -> DigitClassifier.load(missing));
    }

    @Test
    void unlabelledOrWrongSizeDataIsRejected(@TempDir Path dir) {
        StyleGanInputException e = assertThrows(StyleGanInputException.class,
                () -> Digits.heldBack(dir.resolve("nothing.zip")));
        assertFalse(e.getMessage().contains("\n"));
    }
}
