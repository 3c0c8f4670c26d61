package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;
import org.stylegan4j.nn.Upscale2d;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Initialisation, shapes, determinism, truncation, mixing, level of detail and presets of the generator (spec 2-4, 6). */
class GeneratorTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Mean and standard deviation of every tensor whose name matches. */
    private static double[] stats(ParameterStore store, java.util.function.Predicate<String> names) {
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (ParameterStore.Parameter p : store.all()) {
            if (names.test(p.name())) {
                for (float v : p.array().toFloatArray()) {
                    sum += v;
                    sq += (double) v * v;
                    n++;
                }
            }
        }
        assertTrue(n > 0, "no tensor matched");
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(sq / n - mean * mean), n};
    }

    private static void assertAll(ParameterStore store, java.util.function.Predicate<String> names, float value) {
        int matched = 0;
        for (ParameterStore.Parameter p : store.all()) {
            if (names.test(p.name())) {
                matched++;
                for (float v : p.array().toFloatArray()) {
                    assertEquals(value, v, 0f, p.name());
                }
            }
        }
        assertTrue(matched > 0);
    }

    @Test
    void officialInitialisationAt32() {
        try (Generator g = new Generator(ModelConfig.official(32), 5)) {
            ParameterStore s = g.parameters();
            assertAll(s, n -> n.equals("synthesis.4x4.Const.const"), 1f);
            assertAll(s, n -> n.endsWith(".Noise.weight"), 0f);
            assertAll(s, n -> n.endsWith(".bias"), 0f);
            assertAll(s, n -> n.equals(Generator.W_AVG), 0f);
            assertEquals(8, s.all().stream().filter(p -> p.name().endsWith(".Noise.weight")).count());

            double[] style = stats(s, n -> n.endsWith(".StyleMod.weight"));
            assertEquals(0.0, style[0], 0.005);
            assertEquals(1.0, style[1], 0.005);
            double[] mapping = stats(s, n -> n.startsWith("mapping.") && n.endsWith(".weight"));
            assertEquals(8 * 512 * 512, mapping[2], 0);
            assertEquals(0.0, mapping[0], 0.5);
            assertEquals(100.0, mapping[1], 0.5);
            double[] conv = stats(s, n -> n.endsWith("Conv.weight") || n.endsWith("Conv0_up.weight") || n.endsWith("Conv1.weight"));
            assertEquals(1.0, conv[1], 0.005);
            double[] noise = stats(s, n -> n.matches("synthesis\\.noise\\d+"));
            assertEquals(2 * (16 + 64 + 256 + 1024), noise[2], 0);
            assertEquals(0.0, noise[0], 0.06);
            assertEquals(1.0, noise[1], 0.05);
            assertFalse(s.get("synthesis.noise0").trainable());
            assertFalse(s.get(Generator.W_AVG).trainable());
            assertTrue(s.get("synthesis.4x4.Const.const").trainable());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16, 32, 64})
    void outputShapes(int resolution) {
        ModelConfig config = ModelConfig.preset("small", resolution);
        try (Generator g = new Generator(config, 1); NDManager m = manager.newSubManager()) {
            NDArray z = Seeds.latents(new long[] {1, 2}, config.latentSize(), m);
            NDArray w = g.map(z);
            assertEquals(new Shape(2, 128), w.getShape());
            NDArray ws = g.broadcast(w);
            assertEquals(new Shape(2, config.numLayers(), 128), ws.getShape());
            assertEquals(2 * Integer.numberOfTrailingZeros(resolution) - 2, config.numLayers());
            NDArray img = g.synthesize(ws, Noise.random());
            assertEquals(new Shape(2, 1, resolution, resolution), img.getShape());
            assertEquals(new Shape(2, 1, resolution, resolution), g.generate(z, Truncation.OFFICIAL, Noise.none()).getShape());
            for (float v : img.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void fusedResolutionsGenerate() {
        ModelConfig config = ModelConfig.preset("small", 128);
        try (Generator g = new Generator(config, 1); NDManager m = manager.newSubManager()) {
            NDArray img = g.generate(Seeds.latents(new long[] {3}, 128, m), Truncation.NONE, Noise.seeded(3));
            assertEquals(new Shape(1, 1, 128, 128), img.getShape());
            double sq = 0;
            for (float v : img.toFloatArray()) {
                assertTrue(Float.isFinite(v));
                sq += v * v;
            }
            assertTrue(sq > 0);
        }
    }

    @Test
    void sameSeedGivesSameBytesAndImages() {
        ModelConfig config = ModelConfig.preset("small", 16);
        try (Generator a = new Generator(config, 42); Generator b = new Generator(config, 42);
             Generator c = new Generator(config, 43); NDManager m = manager.newSubManager()) {
            List<ParameterStore.Parameter> pa = a.parameters().all();
            List<ParameterStore.Parameter> pb = b.parameters().all();
            assertEquals(pa.size(), pb.size());
            for (int i = 0; i < pa.size(); i++) {
                assertEquals(pa.get(i).name(), pb.get(i).name());
                assertArrayEquals(pa.get(i).array().toByteArray(), pb.get(i).array().toByteArray(), pa.get(i).name());
            }
            assertFalse(java.util.Arrays.equals(a.parameters().get("mapping.Dense0.weight").array().toFloatArray(),
                    c.parameters().get("mapping.Dense0.weight").array().toFloatArray()));
            long[] seeds = {0, 5, 9};
            NDArray z = Seeds.latents(seeds, config.latentSize(), m);
            for (Noise noise : List.of(Noise.seeded(seeds), Noise.constant(), Noise.none())) {
                byte[] x = a.generate(z, Truncation.OFFICIAL, noise).toByteArray();
                byte[] y = b.generate(z, Truncation.OFFICIAL, noise).toByteArray();
                assertArrayEquals(x, y, noise.mode().toString());
                assertArrayEquals(x, a.generate(z, Truncation.OFFICIAL, noise).toByteArray());
            }
            // seeded noise is per image: image 1 alone equals image 1 in the batch
            NDArray one = a.generate(Seeds.latents(new long[] {5}, config.latentSize(), m), Truncation.NONE, Noise.seeded(5));
            NDArray batch = a.generate(z, Truncation.NONE, Noise.seeded(seeds));
            assertArrayEquals(one.toFloatArray(), batch.get("1:2").toFloatArray(), 1e-4f);
        }
    }

    @Test
    void generateEqualsMapBroadcastTruncateSynthesize() {
        ModelConfig config = ModelConfig.preset("small", 16);
        try (Generator g = new Generator(config, 3); NDManager m = manager.newSubManager()) {
            g.wAvg().set(Seeds.latent(77, config.dlatentSize()));
            NDArray z = Seeds.latents(new long[] {1, 2}, config.latentSize(), m);
            NDArray ws = g.truncate(g.broadcast(g.map(z)), Truncation.OFFICIAL);
            assertArrayEquals(g.synthesize(ws, Noise.constant()).toFloatArray(),
                    g.generate(z, Truncation.OFFICIAL, Noise.constant()).toFloatArray(), 0f);
        }
    }

    @Test
    void truncation() {
        try (NDManager m = manager.newSubManager()) {
            int layers = 6;
            int d = 4;
            float[] values = new float[2 * layers * d];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) Math.sin(i * 1.3) * 3;
            }
            NDArray ws = m.create(values, new Shape(2, layers, d));
            NDArray avg = m.create(new float[] {0.5f, -1f, 2f, 0.25f});
            assertArrayEquals(ws.toByteArray(), new Truncation(1.0, 8).apply(ws, avg).toByteArray());
            assertArrayEquals(ws.toByteArray(), Truncation.NONE.apply(ws, avg).toByteArray());
            assertArrayEquals(ws.toByteArray(), new Truncation(0.5, 0).apply(ws, avg).toByteArray());

            float psi = 0.7f;
            float[] t = new Truncation(psi, 2).apply(ws, avg).toFloatArray();
            float[] a = avg.toFloatArray();
            for (int n = 0; n < 2; n++) {
                for (int l = 0; l < layers; l++) {
                    for (int k = 0; k < d; k++) {
                        int i = (n * layers + l) * d + k;
                        if (l < 2) {
                            assertEquals(a[k] + psi * (values[i] - a[k]), t[i], 1e-5f);
                        } else {
                            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(t[i]), "layer " + l);
                        }
                    }
                }
            }
            float[] zero = Truncation.allLayers(0).apply(ws, avg).toFloatArray();
            for (int i = 0; i < zero.length; i++) {
                assertEquals(a[i % d], zero[i], 0f);
            }
            assertEquals(new Truncation(0.7, 8), Truncation.OFFICIAL);
            assertTrue(new Truncation(1.0, 8).isIdentity());
        }
    }

    @Test
    void styleMixingTakesExactlyTheRequestedLayers() {
        try (NDManager m = manager.newSubManager()) {
            int layers = 8;
            float[] tv = new float[2 * layers * 3];
            float[] sv = new float[tv.length];
            for (int i = 0; i < tv.length; i++) {
                tv[i] = i;
                sv[i] = -1000 - i;
            }
            NDArray target = m.create(tv, new Shape(2, layers, 3));
            NDArray source = m.create(sv, new Shape(2, layers, 3));
            int[][] ranges = {{2, 5}, {0, 8}, {0, 3}, {6, 8}, {4, 4}, {3, 100}};
            for (int[] r : ranges) {
                float[] mixed = StyleMixing.mix(target, source, r[0], r[1]).toFloatArray();
                for (int i = 0; i < mixed.length; i++) {
                    int l = (i / 3) % layers;
                    float expected = l >= r[0] && l < r[1] ? sv[i] : tv[i];
                    assertEquals(expected, mixed[i], 0f, "range " + r[0] + ".." + r[1] + " layer " + l);
                }
            }
            java.util.Random rng = new java.util.Random(1);
            for (int i = 0; i < 200; i++) {
                int c = StyleMixing.drawCrossover(rng, 0.9, 14);
                assertTrue(c >= 1 && c <= 14);
            }
            assertEquals(14, StyleMixing.drawCrossover(rng, 0.0, 14));
        }
    }

    @Test
    void levelOfDetail() {
        ModelConfig config = ModelConfig.preset("small", 32);
        try (Generator g32 = new Generator(config, 11); Generator g16 = new Generator(config.withResolution(16), 12);
             NDManager m = manager.newSubManager()) {
            // give the 16x16 network the weights of the 32x32 one up to 16x16 (ToRGB_lod{k} there is ToRGB_lod{k+1} here)
            for (ParameterStore.Parameter p : g16.parameters().all()) {
                String name = p.name();
                java.util.regex.Matcher lod = java.util.regex.Pattern.compile("ToRGB_lod(\\d+)").matcher(name);
                String source = lod.find() ? lod.replaceFirst("ToRGB_lod" + (Integer.parseInt(lod.group(1)) + 1)) : name;
                Tensors.copyInto(p.array(), g32.parameters().get(source).array().toFloatArray());
            }
            NDArray ws32 = g32.broadcast(g32.map(Seeds.latents(new long[] {4}, 128, m)));
            NDArray ws16 = ws32.get(":, :6");
            SynthesisNetwork s = g32.synthesis();
            NDArray lod0 = s.forward(ws32, Noise.constant(), 0);
            NDArray lod1 = s.forward(ws32, Noise.constant(), 1);
            NDArray lod2 = s.forward(ws32, Noise.constant(), 2);
            assertEquals(new Shape(1, 1, 32, 32), lod0.getShape());
            assertEquals(new Shape(1, 1, 16, 16), lod1.getShape());
            assertEquals(new Shape(1, 1, 8, 8), lod2.getShape());
            assertEquals(new Shape(1, 1, 4, 4), s.forward(ws32, Noise.constant(), 3).getShape());
            assertArrayEquals(lod0.toFloatArray(), s.forward(ws32, Noise.constant(), 0.0).toFloatArray(), 0f);
            assertArrayEquals(lod0.toFloatArray(), g32.synthesize(ws32, Noise.constant()).toFloatArray(), 0f);
            // lod 1 is the 16x16 network
            assertArrayEquals(g16.synthesis().forward(ws16, Noise.constant(), 0).toFloatArray(), lod1.toFloatArray(), 1e-6f);
            // fades: lerp(new, nearest-up(previous), fraction)
            assertClose(lod0.mul(0.5f).add(Upscale2d.apply(lod1, 2).mul(0.5f)), s.forward(ws32, Noise.constant(), 0.5));
            assertClose(lod0.mul(0.75f).add(Upscale2d.apply(lod1, 2).mul(0.25f)), s.forward(ws32, Noise.constant(), 0.25));
            NDArray fade = s.forward(ws32, Noise.constant(), 1.5);
            assertEquals(new Shape(1, 1, 16, 16), fade.getShape());
            assertClose(lod1.mul(0.5f).add(Upscale2d.apply(lod2, 2).mul(0.5f)), fade);
            // Generator.synthesize at a lod returns the full resolution
            assertArrayEquals(Upscale2d.apply(lod1, 2).toFloatArray(),
                    g32.synthesize(ws32, Noise.constant(), 1).toFloatArray(), 0f);
            assertThrowsIae(() -> s.forward(ws32, Noise.constant(), 3.5));
            assertThrowsIae(() -> s.forward(ws32, Noise.constant(), -0.5));
        }
    }

    private static void assertThrowsIae(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
    }

    private static void assertClose(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-5f);
    }

    @Test
    void presetsBToFBuildAndGenerate() {
        for (String p : List.of("B", "C", "D", "E", "F")) {
            ModelConfig config = ModelConfig.preset(p, 8);
            try (Generator g = new Generator(config, 0); NDManager m = manager.newSubManager()) {
                ParameterStore s = g.parameters();
                NDArray img = g.generate(Seeds.latents(new long[] {1}, 512, m), Truncation.OFFICIAL, Noise.random());
                assertEquals(new Shape(1, 3, 8, 8), img.getShape(), p);
                for (float v : img.toFloatArray()) {
                    assertTrue(Float.isFinite(v), p);
                }
                boolean b = p.equals("B");
                assertEquals(!config.constInput(), s.get("synthesis.4x4.Dense.weight") != null, p);
                assertEquals(config.constInput(), s.get("synthesis.4x4.Const.const") != null, p);
                assertEquals(!b, s.get("synthesis.4x4.Conv.StyleMod.weight") != null, p);
                assertEquals(config.useNoise(), s.get("synthesis.noise0") != null, p);
                assertEquals(config.useNoise(), s.get("synthesis.4x4.Conv.Noise.weight") != null, p);
                assertEquals(b ? 0 : 2_101_248, g.mappingParameterCount(), p);
            }
        }
        assertFalse(ModelConfig.preset("C", 8).constInput());
        assertTrue(ModelConfig.preset("D", 8).constInput());
        assertFalse(ModelConfig.preset("D", 8).useNoise());
        assertTrue(ModelConfig.preset("E", 8).useNoise());
        assertEquals(0.0, ModelConfig.preset("E", 8).styleMixingProb());
        assertEquals(0.9, ModelConfig.preset("F", 8).styleMixingProb());
        assertTrue(ModelConfig.preset("B", 8).usePixelNorm());
    }

    @Test
    void presetBSynthesisCountMatchesTheTraditionalGenerator() {
        try (Generator g = new Generator(ModelConfig.preset("B", 1024), 0)) {
            assertEquals(23_079_115L, g.synthesisParameterCount());
        }
    }

    @Test
    void mappingDepthsZeroToEight() {
        for (int depth = 0; depth <= 8; depth++) {
            ModelConfig config = ModelConfig.preset("small", 8).withMappingLayers(depth);
            try (Generator g = new Generator(config, depth); NDManager m = manager.newSubManager()) {
                assertEquals(depth * (128L * 128 + 128), g.mappingParameterCount(), "depth " + depth);
                for (int i = 0; i < 8; i++) {
                    assertEquals(i < depth, g.parameters().get("mapping.Dense" + i + ".weight") != null);
                }
                NDArray z = Seeds.latents(new long[] {depth}, 128, m);
                NDArray w = g.map(z);
                assertEquals(new Shape(1, 128), w.getShape());
                if (depth == 0) {
                    float[] zv = z.toFloatArray();
                    double sq = 0;
                    for (float v : zv) {
                        sq += v * v;
                    }
                    double scale = 1 / Math.sqrt(sq / zv.length + 1e-8);
                    float[] wv = w.toFloatArray();
                    for (int i = 0; i < zv.length; i++) {
                        assertEquals(zv[i] * scale, wv[i], 1e-5);
                    }
                }
                assertEquals(new Shape(1, 1, 8, 8), g.generate(z, Truncation.NONE, Noise.none()).getShape());
            }
        }
        org.junit.jupiter.api.Assertions.assertThrows(org.stylegan4j.StyleGanInputException.class,
                () -> ModelConfig.preset("small", 8).withMappingLayers(9));
    }

    @Test
    void describeCoversEveryTrainableParameter() {
        try (Generator g = new Generator(ModelConfig.official(32), 0)) {
            long sum = g.describe().stream().mapToLong(LayerInfo::params).sum();
            assertEquals(g.parameterCount(), sum);
            assertEquals(22_841_356L, sum);
            LayerInfo constRow = g.describe().stream().filter(r -> r.name().equals("synthesis.4x4.Const")).findFirst().orElse(null);
            assertNotNull(constRow);
            assertEquals(534_528L, constRow.params());
            assertNull(g.parameters().get("synthesis.4x4.Dense.weight"));
            assertTrue(g.flopsPerImage() > 0);
        }
    }

    @Test
    void noiseControl() {
        ModelConfig config = ModelConfig.preset("small", 16);
        int layers = config.numLayers();
        try (Generator g = new Generator(config, 6); NDManager m = manager.newSubManager()) {
            NDArray z = Seeds.latents(new long[] {1, 2}, config.latentSize(), m);
            byte[] none = g.generate(z, Truncation.NONE, Noise.none()).toByteArray();
            // noise strengths start at zero, so at initialisation noise changes nothing
            assertArrayEquals(none, g.generate(z, Truncation.NONE, Noise.random()).toByteArray());
            for (ParameterStore.Parameter p : g.parameters().all()) {
                if (p.name().endsWith(".Noise.weight")) {
                    float[] v = new float[(int) p.size()];
                    java.util.Arrays.fill(v, 0.3f);
                    Tensors.copyInto(p.array(), v);
                }
            }
            byte[] constant = g.generate(z, Truncation.NONE, Noise.constant()).toByteArray();
            assertFalse(java.util.Arrays.equals(none, constant));
            assertArrayEquals(none, g.generate(z, Truncation.NONE, Noise.constant().scaled(new float[layers])).toByteArray());
            assertArrayEquals(none, g.generate(z, Truncation.NONE, Noise.constant().onlyLayers(layers, 3, 3)).toByteArray());
            assertArrayEquals(constant, g.generate(z, Truncation.NONE, Noise.constant().onlyLayers(layers, 0, layers)).toByteArray());
            assertFalse(java.util.Arrays.equals(g.generate(z, Truncation.NONE, Noise.random()).toByteArray(),
                    g.generate(z, Truncation.NONE, Noise.random()).toByteArray()));
            // noise only in the last layer changes the image less than noise everywhere
            float[] base = g.generate(z, Truncation.NONE, Noise.none()).toFloatArray();
            float[] last = g.generate(z, Truncation.NONE, Noise.constant().onlyLayers(layers, layers - 1, layers)).toFloatArray();
            float[] all = g.generate(z, Truncation.NONE, Noise.constant()).toFloatArray();
            double dLast = 0;
            double dAll = 0;
            for (int i = 0; i < base.length; i++) {
                dLast += Math.abs(last[i] - base[i]);
                dAll += Math.abs(all[i] - base[i]);
            }
            assertTrue(dLast > 0 && dLast < dAll, dLast + " vs " + dAll);
            // two images with constant noise share the same maps; seeded noise differs per image seed
            NDArray pair = g.generate(Seeds.latents(new long[] {4, 4}, config.latentSize(), m), Truncation.NONE,
                    Noise.seeded(4, 5));
            assertFalse(java.util.Arrays.equals(pair.get("0:1").toFloatArray(), pair.get("1:2").toFloatArray()));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> g.generate(z, Truncation.NONE, Noise.seeded(1, 2, 3)));
        }
    }

    @Test
    void aFrozenGeneratorKeepsItsKernelsAndGeneratesTheSameImages() {
        // 128x128: polyphase kernels from 16x16 and the fused transposed form at 128x128
        ModelConfig config = ModelConfig.preset("small", 128);
        try (Generator live = new Generator(config, 6); Generator frozen = new Generator(config, 6).freeze();
             NDManager m = manager.newSubManager()) {
            NDArray ws = live.broadcast(live.map(m.randomNormal(new Shape(2, config.latentSize()))));
            float[] expected = live.synthesis().forward(ws, Noise.constant(), 0).toFloatArray();
            for (int pass = 0; pass < 2; pass++) {
                assertArrayEquals(expected, frozen.synthesis().forward(ws, Noise.constant(), 0).toFloatArray(), 0f);
            }
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> frozen.parameters().copyFrom(live.parameters()));
            assertEquals("the parameters are frozen (a network loaded to generate images)", e.getMessage());
        }
    }

    @Test
    void aBatchSynthesisedInPartsEqualsTheWholeBatch() {
        try (Generator g = new Generator(ModelConfig.preset("small", 32), 4); NDManager m = manager.newSubManager()) {
            NDArray ws = g.broadcast(g.map(m.randomNormal(new Shape(5, g.config().latentSize()))));
            Noise noise = Noise.seeded(11, 12, 13, 14, 15);
            float[] whole = g.synthesis().forward(ws, noise, 0).toFloatArray();
            // parts of 2, 2 and 1 images, each with its own images' noise seeds
            float[] parts = g.inParts(ws, noise, 0, 2).toFloatArray();
            assertEquals(whole.length, parts.length);
            for (int i = 0; i < whole.length; i++) {
                assertEquals(whole[i], parts[i], 1e-4f, "value " + i);
            }
            // at most 16 MB of the largest layer per part: 512 channels at 32x32 are 2 MB an image, so 8 images
            assertEquals(8, Generator.partSize(ModelConfig.official(32), 32));
            // 16 channels at 1024x1024 are 64 MB an image: one at a time; 4 at 64x64 (256 channels, 4 MB an image)
            assertEquals(1, Generator.partSize(ModelConfig.official(1024), 1024));
            assertEquals(4, Generator.partSize(ModelConfig.official(1024), 64));
        }
    }
}
