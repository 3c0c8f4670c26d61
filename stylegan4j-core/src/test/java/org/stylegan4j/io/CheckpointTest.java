package org.stylegan4j.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generator checkpoints: round trip, on-disk format, and one-line errors for broken files. */
class CheckpointTest {

    private static final ModelConfig CONFIG = ModelConfig.preset("small", 16);

    private static NDManager manager;
    private static Generator generator;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
        generator = new Generator(CONFIG, 21);
        generator.wAvg().set(Seeds.latent(5, CONFIG.dlatentSize()));
    }

    @AfterAll
    static void stop() {
        generator.close();
        manager.close();
    }

    private Path save(String name) throws IOException {
        Path file = dir.resolve(name);
        Checkpoint.save(file, CONFIG, Map.of(Checkpoint.G_EMA, generator.parameters()), Map.of("kimg", "12"));
        return file;
    }

    private static byte[] images(Generator g, Noise noise) {
        try (NDManager m = manager.newSubManager()) {
            NDArray z = Seeds.latents(new long[] {0, 1, 2}, CONFIG.latentSize(), m);
            return g.generate(z, Truncation.OFFICIAL, noise).toByteArray();
        }
    }

    @Test
    void roundTripKeepsEveryTensorAndImageBitForBit() throws IOException {
        Path file = save("net.safetensors");
        try (Generator loaded = Checkpoint.loadGenerator(file)) {
            assertEquals(CONFIG, loaded.config());
            List<ParameterStore.Parameter> a = generator.parameters().all();
            List<ParameterStore.Parameter> b = loaded.parameters().all();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).name(), b.get(i).name());
                assertEquals(a.get(i).array().getShape(), b.get(i).array().getShape());
                assertArrayEquals(a.get(i).array().toByteArray(), b.get(i).array().toByteArray(), a.get(i).name());
            }
            for (Noise noise : List.of(Noise.constant(), Noise.seeded(0, 1, 2))) {
                assertArrayEquals(images(generator, noise), images(loaded, noise));
            }
        }
        assertEquals(CONFIG, Checkpoint.readConfig(file));
    }

    @Test
    void loadGeneratorPrefersGEma() throws IOException {
        Path file = dir.resolve("both.safetensors");
        try (Generator other = new Generator(CONFIG, 99)) {
            Map<String, ParameterStore> nets = new LinkedHashMap<>();
            nets.put(Checkpoint.G, other.parameters());
            nets.put(Checkpoint.G_EMA, generator.parameters());
            Checkpoint.save(file, CONFIG, nets, Map.of());
            try (Generator loaded = Checkpoint.loadGenerator(file);
                 Generator g = Checkpoint.read(file).generator(Checkpoint.G)) {
                assertArrayEquals(generator.parameters().get("mapping.Dense0.weight").array().toFloatArray(),
                        loaded.parameters().get("mapping.Dense0.weight").array().toFloatArray(), 0f);
                assertArrayEquals(other.parameters().get("mapping.Dense0.weight").array().toFloatArray(),
                        g.parameters().get("mapping.Dense0.weight").array().toFloatArray(), 0f);
            }
        }
    }

    @Test
    void fileIsPlainSafetensors() throws IOException {
        Path file = save("plain.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(headerLength > 0 && 8 + headerLength <= bytes.length);
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        JsonNode meta = header.get("__metadata__");
        assertEquals(Checkpoint.FORMAT, meta.get("format").asText());
        assertEquals("stylegan4j-network/1", meta.get("format").asText());
        assertEquals("12", meta.get("kimg").asText());
        assertEquals(CONFIG, new ObjectMapper().readValue(meta.get("config").asText(), ModelConfig.class));

        long dataStart = 8 + headerLength;
        long total = 0;
        for (ParameterStore.Parameter p : generator.parameters().all()) {
            JsonNode t = header.get("G_ema." + p.name());
            assertTrue(t != null, "missing G_ema." + p.name());
            assertEquals("F32", t.get("dtype").asText());
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            assertArrayEquals(p.array().getShape().getShape(), shape, p.name());
            long begin = t.get("data_offsets").get(0).asLong();
            long end = t.get("data_offsets").get(1).asLong();
            assertEquals(p.size() * 4, end - begin);
            float[] onDisk = new float[(int) p.size()];
            ByteBuffer.wrap(bytes, (int) (dataStart + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(onDisk);
            assertArrayEquals(p.array().toFloatArray(), onDisk, 0f, p.name());
            total += end - begin;
        }
        assertEquals(bytes.length - dataStart, total);
        assertEquals(generator.parameters().all().size() + 1, header.size());
        JsonNode dense = header.get("G_ema.mapping.Dense0.weight");
        assertEquals("[128,128]", dense.get("shape").toString());
        assertTrue(header.has("G_ema.synthesis.4x4.Const.const"));
        assertTrue(header.has("G_ema.synthesis.16x16.Conv0_up.weight"));
        assertTrue(header.has("G_ema.synthesis.ToRGB_lod0.weight"));
        assertTrue(header.has("G_ema.synthesis.noise5"));
        assertTrue(header.has("G_ema.dlatent_avg"));
    }

    private static void assertOneLine(Path file, String problem, Runnable load) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, load::run);
        String msg = e.getMessage();
        assertTrue(msg.contains(file.toString()), msg);
        assertTrue(msg.contains(problem), "expected '" + problem + "' in: " + msg);
        assertFalse(msg.contains("\n") || msg.contains("\r"), msg);
        assertFalse(msg.contains("Exception") || msg.contains("\tat ") || msg.contains(".java:"), msg);
    }

    @Test
    void truncatedFile() throws IOException {
        Path file = save("cut.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLine(file, "", () -> Checkpoint.loadGenerator(file).close());
        Files.write(file, Arrays.copyOf(bytes, 5));
        assertOneLine(file, "", () -> Checkpoint.loadGenerator(file).close());
    }

    @Test
    void randomBytes() throws IOException {
        Path file = dir.resolve("noise.bin");
        byte[] junk = new byte[4096];
        new Random(3).nextBytes(junk);
        Files.write(file, junk);
        assertOneLine(file, "", () -> Checkpoint.loadGenerator(file).close());
        Files.writeString(file, "this is a text file, not a network\n");
        assertOneLine(file, "", () -> Checkpoint.loadGenerator(file).close());
        Files.write(file, new byte[0]);
        assertOneLine(file, "", () -> Checkpoint.loadGenerator(file).close());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.safetensors");
        assertOneLine(file, "no such file", () -> Checkpoint.loadGenerator(file).close());
    }

    private Path rewrite(String name, java.util.function.Consumer<Map<String, SafeTensors.Tensor>> edit,
                         java.util.function.Consumer<Map<String, String>> editMeta) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(save(name + ".orig"));
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>(c.tensors());
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        edit.accept(tensors);
        editMeta.accept(meta);
        Path file = dir.resolve(name);
        SafeTensors.write(file, tensors, meta);
        return file;
    }

    @Test
    void wrongShape() throws IOException {
        Path file = rewrite("shape.safetensors",
                t -> t.put("G_ema.mapping.Dense1.weight", new SafeTensors.Tensor(new long[] {64, 256}, new float[64 * 256])),
                m -> { });
        assertOneLine(file, "G_ema.mapping.Dense1.weight", () -> Checkpoint.loadGenerator(file).close());
        assertOneLine(file, "shape", () -> Checkpoint.loadGenerator(file).close());
    }

    @Test
    void missingTensor() throws IOException {
        Path file = rewrite("missing.safetensors", t -> t.remove("G_ema.synthesis.8x8.Conv1.weight"), m -> { });
        assertOneLine(file, "G_ema.synthesis.8x8.Conv1.weight", () -> Checkpoint.loadGenerator(file).close());
        assertOneLine(file, "missing", () -> Checkpoint.loadGenerator(file).close());
    }

    @Test
    void unexpectedTensor() throws IOException {
        Path file = rewrite("extra.safetensors",
                t -> t.put("G_ema.synthesis.bogus", new SafeTensors.Tensor(new long[] {1}, new float[1])), m -> { });
        assertOneLine(file, "G_ema.synthesis.bogus", () -> Checkpoint.loadGenerator(file).close());
    }

    @Test
    void foreignSafetensorsWithoutFormatTag() throws IOException {
        Path file = rewrite("foreign.safetensors", t -> { }, m -> m.remove(Checkpoint.FORMAT_KEY));
        assertOneLine(file, "not a stylegan4j network", () -> Checkpoint.loadGenerator(file).close());
        assertOneLine(file, "not a stylegan4j network", () -> Checkpoint.readConfig(file));
        Path bare = dir.resolve("bare.safetensors");
        SafeTensors.write(bare, Map.of("weight", new SafeTensors.Tensor(new long[] {2}, new float[] {1, 2})), Map.of());
        assertOneLine(bare, "not a stylegan4j network", () -> Checkpoint.loadGenerator(bare).close());
    }

    @Test
    void brokenConfig() throws IOException {
        Path file = rewrite("config.safetensors", t -> { }, m -> m.put(Checkpoint.CONFIG_KEY, "{\"resolution\": 100"));
        assertOneLine(file, "config", () -> Checkpoint.loadGenerator(file).close());
        Path bad = rewrite("res.safetensors", t -> { }, m -> m.put(Checkpoint.CONFIG_KEY,
                m.get(Checkpoint.CONFIG_KEY).replace("\"resolution\":16", "\"resolution\":100")));
        assertOneLine(bad, "", () -> Checkpoint.loadGenerator(bad).close());
    }
}
