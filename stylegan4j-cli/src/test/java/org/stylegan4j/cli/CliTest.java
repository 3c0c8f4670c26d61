package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code stylegan4j} command line: info, generate, bench generate, and exit code 2 with one line for bad input. */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    private static Path checkpoint;

    @TempDir
    Path dir;

    /** Result of one run. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void saveCheckpoint() throws IOException {
        checkpoint = shared.resolve("digits16.safetensors");
        ModelConfig config = ModelConfig.preset("small", 16);
        try (Generator g = new Generator(config, 0)) {
            Checkpoint.save(checkpoint, config, Map.of(Checkpoint.G_EMA, g.parameters()), Map.of());
        }
    }

    @Test
    void infoJsonCountsAt1024() throws IOException {
        Run r = run("info", "--resolution", "1024", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = JSON.readTree(r.out());
        assertEquals(2_101_248L, root.get("params").get("mapping").asLong());
        assertEquals(24_118_379L, root.get("params").get("synthesis").asLong());
        assertEquals(26_219_627L, root.get("params").get("generator").asLong());
        assertEquals(23_087_249L, root.get("params").get("discriminator").asLong());
        assertEquals(18, root.get("layers").asInt());
        assertEquals(1024, root.get("resolution").asInt());
        long sum = 0;
        for (JsonNode layer : root.get("generatorLayers")) {
            sum += layer.get("params").asLong();
        }
        assertEquals(26_219_627L, sum);
        assertTrue(root.get("generatorFlopsPerImage").asLong() > 0);
    }

    @Test
    void infoJsonCountsAt256() throws IOException {
        Run r = run("info", "--resolution", "256", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode params = JSON.readTree(r.out()).get("params");
        assertEquals(2_101_248L, params.get("mapping").asLong());
        assertEquals(23_984_981L, params.get("synthesis").asLong());
        assertEquals(26_086_229L, params.get("generator").asLong());
        assertEquals(23_052_353L, params.get("discriminator").asLong());
    }

    @Test
    void infoTextAndFromCheckpoint() throws IOException {
        Run r = run("info", "--resolution", "32");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("synthesis.4x4.Const"), r.out());
        assertTrue(r.out().contains("534,528"), r.out());
        assertTrue(r.out().contains("22,841,356"), r.out());
        Run c = run("info", "--network", checkpoint.toString(), "--json");
        assertEquals(0, c.exit(), c.err());
        JsonNode root = JSON.readTree(c.out());
        assertEquals(16, root.get("resolution").asInt());
        assertEquals("small", root.get("preset").asText());
    }

    private static String[] generateArgs(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("generate", "--random-init", "--resolution", "16", "--preset", "small",
                "--seeds", "0-2,7", "--outdir", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(new String[0]);
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void generateWritesOnePngPerSeedReproducibly() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Run r = run(generateArgs(a));
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("wrote 4 images"), r.out());
        assertEquals(List.of("seed0000.png", "seed0001.png", "seed0002.png", "seed0007.png"), names(a));
        assertEquals(0, run(generateArgs(b)).exit());
        for (String name : names(a)) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
            byte[] png = Files.readAllBytes(a.resolve(name));
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(a.resolve(name).toFile());
            assertEquals(16, img.getWidth());
            assertEquals(16, img.getHeight());
        }
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("seed0000.png")), Files.readAllBytes(a.resolve("seed0001.png"))));
        for (String name : names(a)) {
            assertFalse(name.contains(".tmp"), name);
        }
    }

    @Test
    void generateFromCheckpointWithGrid() throws IOException {
        Path out = dir.resolve("grid");
        Run r = run("generate", "--network", checkpoint.toString(), "--seeds", "3-6", "--grid", "--noise", "const",
                "--trunc", "1", "--batch", "3", "--outdir", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("grid.png", "seed0003.png", "seed0004.png", "seed0005.png", "seed0006.png"), names(out));
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(out.resolve("grid.png").toFile());
        assertEquals(32, grid.getWidth());
        assertEquals(32, grid.getHeight());
        // the same network from a file and from --random-init with the same init seed gives the same bytes
        Path same = dir.resolve("same");
        assertEquals(0, run("generate", "--random-init", "--resolution", "16", "--preset", "small", "--seeds", "3-6",
                "--noise", "const", "--trunc", "1", "--batch", "3", "--outdir", same.toString()).exit());
        for (String name : List.of("seed0003.png", "seed0004.png", "seed0005.png", "seed0006.png")) {
            assertArrayEquals(Files.readAllBytes(out.resolve(name)), Files.readAllBytes(same.resolve(name)), name);
        }
        // another batch size may change the engine's summation order: pixels then differ by at most one level
        Path alone = dir.resolve("alone");
        assertEquals(0, run("generate", "--random-init", "--resolution", "16", "--preset", "small", "--seeds", "3",
                "--noise", "const", "--trunc", "1", "--batch", "1", "--outdir", alone.toString()).exit());
        java.awt.image.BufferedImage x = javax.imageio.ImageIO.read(out.resolve("seed0003.png").toFile());
        java.awt.image.BufferedImage y = javax.imageio.ImageIO.read(alone.resolve("seed0003.png").toFile());
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                assertTrue(Math.abs(x.getRaster().getSample(j, i, 0) - y.getRaster().getSample(j, i, 0)) <= 1);
            }
        }
    }

    private static void assertBadInput(Run r, String... fragments) {
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        String err = r.err();
        assertTrue(err.endsWith("\n") || err.endsWith("\r\n"), "stderr: " + err);
        assertEquals(1, err.strip().lines().count(), "exactly one line on stderr: " + err);
        assertTrue(err.startsWith("error: ") && !err.startsWith("error: Error"), err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "expected '" + f + "' in: " + err);
        }
        assertFalse(err.contains("Exception:") || err.contains("\tat "), err);
    }

    @Test
    void badResolutionsAndPresets() {
        Path out = dir.resolve("o");
        assertBadInput(run("generate", "--random-init", "--resolution", "100", "--seeds", "1", "--outdir", out.toString()),
                "100");
        assertFalse(Files.exists(out), "a failed run must not create the output directory");
        assertBadInput(run("generate", "--random-init", "--resolution", "100", "--seeds", "1", "--outdir", out.toString()),
                "100");
        assertBadInput(run("generate", "--random-init", "--resolution", "2048", "--seeds", "1", "--outdir", out.toString()),
                "2048");
        assertBadInput(run("generate", "--random-init", "--resolution", "16", "--preset", "nope", "--seeds", "1",
                "--outdir", out.toString()), "nope");
        assertBadInput(run("info", "--resolution", "100"), "100");
        assertBadInput(run("info", "--preset", "nope"), "nope");
        assertBadInput(run("info", "--resolution", "sixteen"), "sixteen");
    }

    @Test
    void badSeeds() {
        for (String seeds : List.of("1-x", "5-2", "-1", "", "1,,2")) {
            Path out = dir.resolve("s");
            assertBadInput(run("generate", "--random-init", "--resolution", "16", "--preset", "small", "--seeds", seeds,
                    "--outdir", out.toString()));
        }
    }

    @Test
    void badNetworkFiles() throws IOException {
        Path out = dir.resolve("n");
        Path missing = dir.resolve("missing.safetensors");
        assertBadInput(run("generate", "--network", missing.toString(), "--seeds", "1", "--outdir", out.toString()),
                missing.toString(), "no such file");
        assertFalse(Files.exists(out), "a failed run must not create the output directory");
        byte[] bytes = Files.readAllBytes(checkpoint);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        assertBadInput(run("generate", "--network", cut.toString(), "--seeds", "1", "--outdir", out.toString()),
                cut.toString());
        Path junk = dir.resolve("junk.bin");
        byte[] random = new byte[10_000];
        new Random(1).nextBytes(random);
        Files.write(junk, random);
        assertBadInput(run("generate", "--network", junk.toString(), "--seeds", "1", "--outdir", out.toString()),
                junk.toString());
        assertBadInput(run("info", "--network", junk.toString()), junk.toString());
        assertBadInput(run("generate", "--network", checkpoint.toString(), "--random-init", "--seeds", "1",
                "--outdir", out.toString()));
        assertBadInput(run("generate", "--seeds", "1", "--outdir", out.toString()));
    }

    @Test
    void unwritableOutputAndNoSilentOverwrite() throws IOException {
        Path file = dir.resolve("file.txt");
        Files.writeString(file, "x");
        assertBadInput(run(generateArgs(file.resolve("out"))), file.toString());

        Path out = dir.resolve("existing");
        Files.createDirectories(out);
        Files.writeString(out.resolve("seed0002.png"), "keep me");
        assertBadInput(run(generateArgs(out)), "seed0002.png", "--force");
        assertEquals("keep me", Files.readString(out.resolve("seed0002.png")));
        assertEquals(List.of("seed0002.png"), names(out));

        Run forced = run(generateArgs(out, "--force"));
        assertEquals(0, forced.exit(), forced.err());
        assertEquals(List.of("seed0000.png", "seed0001.png", "seed0002.png", "seed0007.png"), names(out));
        assertFalse(Files.readString(out.resolve("seed0002.png"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals("keep me"));

        Path grid = dir.resolve("g");
        Files.createDirectories(grid);
        Files.writeString(grid.resolve("grid.png"), "old");
        assertBadInput(run(generateArgs(grid, "--grid")), "grid.png");
        assertEquals("old", Files.readString(grid.resolve("grid.png")));
    }

    @Test
    void unknownOptionsAndBadValues() {
        Path out = dir.resolve("u");
        assertBadInput(run(generateArgs(out, "--bogus")), "--bogus");
        assertBadInput(run("info", "--frobnicate"), "--frobnicate");
        assertBadInput(run("nosuchcommand"));
        assertBadInput(run(generateArgs(out, "--noise", "loud")), "loud");
        assertBadInput(run(generateArgs(out, "--batch", "0")), "--batch");
        assertBadInput(run(generateArgs(out, "--trunc", "NaN")), "--trunc");
        assertBadInput(run("bench", "generate", "--resolution", "8", "--batch", "0"), "--batch");
        assertBadInput(run("bench", "train", "--resolution", "8", "--batch", "16", "--workers", "3"), "--workers");
    }

    @Test
    void benchTrainWithTwoWorkersJson() throws IOException {
        Run r = run("bench", "train", "--resolution", "8", "--batch", "8", "--passes", "1", "--warmup", "0",
                "--preset", "small", "--workers", "2", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = JSON.readTree(r.out());
        assertEquals(2, root.get("workers").asInt());
        assertEquals(8, root.get("batch").asInt());
        assertTrue(root.get("imagesPerSecond").asDouble() > 0, r.out());
        assertEquals(1.0, root.get("shareD").asDouble() + root.get("shareR1").asDouble() + root.get("shareG").asDouble(),
                1e-9);
    }

    @Test
    void benchGenerateJson() throws IOException {
        Run r = run("bench", "generate", "--resolution", "8", "--batch", "1", "--passes", "1", "--warmup", "0",
                "--preset", "small", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = JSON.readTree(r.out());
        for (String key : List.of("imagesPerSecond", "flopsPerImage", "gflops", "convPeakGflops",
                "convolutionFloorImagesPerSecond", "convolutionFloorGflops", "mappingFloorLatentsPerSecond",
                "mappingFloorGflops")) {
            assertTrue(root.has(key), key);
            assertTrue(root.get(key).asDouble() > 0, key + " = " + root.get(key));
        }
        assertEquals(8, root.get("resolution").asInt());
        assertEquals(1, root.get("batch").asInt());
        try (Generator g = new Generator(ModelConfig.preset("small", 8), 0)) {
            assertEquals(g.flopsPerImage(), root.get("flopsPerImage").asLong());
        }
    }

    @Test
    void helpAndVersion() {
        Run r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("stylegan4j"));
        Run h = run("generate", "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("--seeds"));
    }

    @Test
    void everyOptionIsListedOnceInEveryCommandsHelp() {
        List<CommandLine> commands = new ArrayList<>(List.of(Main.commandLine()));
        for (int i = 0; i < commands.size(); i++) {
            commands.addAll(commands.get(i).getSubcommands().values());
        }
        assertTrue(commands.size() > 15, "commands: " + commands.size());
        for (CommandLine c : commands) {
            List<String> optionLines = c.getUsageMessage(CommandLine.Help.Ansi.OFF).lines()
                    .filter(l -> l.matches(" {2,6}-.*")).map(l -> l.trim().split("\\s+")[0])
                    .toList();
            assertEquals(optionLines.stream().distinct().count(), optionLines.size(),
                    c.getCommandName() + " lists an option twice: " + optionLines);
        }
    }
}
