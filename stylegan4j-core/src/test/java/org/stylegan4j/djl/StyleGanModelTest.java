package org.stylegan4j.djl;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.data.Images;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * stylegan4j networks through DJL's Criteria, ZooModel and Predictor: the same pixels as the Generator API, batches,
 * options, several threads at once, and bad input.
 */
class StyleGanModelTest {

    private static final Path PKL = Path.of("src", "test", "resources", "pkl", "tiny32.pkl");

    @TempDir
    static Path tmp;
    private static Path checkpoint;

    @BeforeAll
    static void convert() throws Exception {
        checkpoint = tmp.resolve("tiny32.safetensors");
        OfficialImport.convert(PKL, checkpoint, false);
    }

    private static <I> ZooModel<I, Image> load(Class<I> input, Path path, String... arguments) throws Exception {
        Criteria.Builder<I, Image> b = Criteria.builder().setTypes(input, Image.class).optModelPath(path)
                .optEngine(StyleGanEngine.ENGINE_NAME).optTranslatorFactory(new StyleGanTranslatorFactory());
        for (int i = 0; i < arguments.length; i += 2) {
            b.optArgument(arguments[i], arguments[i + 1]);
        }
        return b.build().loadModel();
    }

    /** The images the Generator API draws for these seeds in one batch, as the CLI quantises them. */
    private static List<int[]> direct(Generator g, long[] seeds, Truncation t, Noise noise) {
        try (NDManager m = Engines.newManager()) {
            NDArray images = g.generate(Seeds.latents(seeds, g.config().latentSize(), m), t, noise);
            float[] all = images.toFloatArray();
            int r = g.config().resolution();
            int c = g.config().numChannels();
            List<int[]> out = new ArrayList<>();
            for (int i = 0; i < seeds.length; i++) {
                out.add(pixels(Images.fromCHW(all, i * c * r * r, c, r, r)));
            }
            return out;
        }
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static int[] pixels(Image image) {
        return pixels((BufferedImage) image.getWrappedImage());
    }

    @Test
    void aSeedGivesTheGeneratorsImageAndABatchGivesItsBatch() throws Exception {
        for (Path file : List.of(checkpoint, PKL)) {
            try (ZooModel<Long, Image> model = load(Long.class, file);
                 Predictor<Long, Image> predictor = model.newPredictor()) {
                Generator g = ((StyleGanModel) model.getWrappedModel()).generator();
                Image one = predictor.predict(7L);
                assertEquals(32, one.getWidth());
                assertArrayEquals(direct(g, new long[] {7}, Truncation.OFFICIAL, Noise.seeded(7)).get(0), pixels(one),
                        file.toString());
                List<Image> batch = predictor.batchPredict(List.of(1L, 2L, 3L));
                List<int[]> expected = direct(g, new long[] {1, 2, 3}, Truncation.OFFICIAL, Noise.seeded(1, 2, 3));
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(expected.get(i), pixels(batch.get(i)), "seed " + (i + 1));
                }
            }
        }
    }

    @Test
    void argumentsChooseTruncationAndNoiseAndALatentMatchesItsSeed() throws Exception {
        try (ZooModel<Long, Image> seeds = load(Long.class, checkpoint, "psi", "0.5", "cutoff", "4", "noise", "const");
             ZooModel<float[], Image> latents = load(float[].class, checkpoint, "psi", "0.5", "cutoff", "4",
                     "noise", "const");
             Predictor<Long, Image> bySeed = seeds.newPredictor();
             Predictor<float[], Image> byLatent = latents.newPredictor()) {
            Generator g = ((StyleGanModel) seeds.getWrappedModel()).generator();
            int[] expected = direct(g, new long[] {5}, new Truncation(0.5, 4), Noise.constant()).get(0);
            assertArrayEquals(expected, pixels(bySeed.predict(5L)));
            assertArrayEquals(expected, pixels(byLatent.predict(Seeds.latent(5, g.config().latentSize()))));
        }
    }

    @Test
    void fourThreadsWithTheirOwnPredictorsGiveTheSequentialImages() throws Exception {
        try (ZooModel<Long, Image> model = load(Long.class, checkpoint)) {
            List<int[]> sequential = new ArrayList<>();
            try (Predictor<Long, Image> p = model.newPredictor()) {
                for (long seed = 0; seed < 16; seed++) {
                    sequential.add(pixels(p.predict(seed)));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<int[]>>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long first = t;
                    futures.add(pool.submit(() -> {
                        List<int[]> mine = new ArrayList<>();
                        try (Predictor<Long, Image> p = model.newPredictor()) {
                            for (long seed = first; seed < 16; seed += 4) {
                                mine.add(pixels(p.predict(seed)));
                            }
                        }
                        return mine;
                    }));
                }
                for (int t = 0; t < 4; t++) {
                    List<int[]> mine = futures.get(t).get();
                    for (int k = 0; k < mine.size(); k++) {
                        assertArrayEquals(sequential.get(t + 4 * k), mine.get(k), "seed " + (t + 4 * k));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void badInputIsOneClearMessage() throws Exception {
        Exception psi = assertThrows(Exception.class, () -> load(Long.class, checkpoint, "psi", "strong"));
        assertTrue(rootMessage(psi).contains("argument 'psi' must be a finite number, got 'strong'"), rootMessage(psi));
        Exception noise = assertThrows(Exception.class, () -> load(Long.class, checkpoint, "noise", "loud"));
        assertTrue(rootMessage(noise).contains("noise must be random, const or none, got 'loud'"), rootMessage(noise));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Exception dir = assertThrows(Exception.class, () -> load(Long.class, empty));
        assertTrue(rootMessage(dir).contains("holds no network file(s)"), rootMessage(dir));
        try (ZooModel<float[], Image> model = load(float[].class, checkpoint);
             Predictor<float[], Image> p = model.newPredictor();
             ZooModel<Long, Image> bySeed = load(Long.class, checkpoint);
             Predictor<Long, Image> q = bySeed.newPredictor()) {
            TranslateException shortLatent = assertThrows(TranslateException.class, () -> p.predict(new float[3]));
            assertEquals("a latent of this network has 32 values, got 3", rootMessage(shortLatent));
            TranslateException seed = assertThrows(TranslateException.class, () -> q.predict(-1L));
            assertEquals("a seed must be in [0, 4294967295], got -1", rootMessage(seed));
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
