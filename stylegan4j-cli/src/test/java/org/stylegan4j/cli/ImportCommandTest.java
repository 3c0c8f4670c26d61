package org.stylegan4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.io.Checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code stylegan4j import} and {@code generate --network x.pkl} on the core module's official-layout fixtures. */
class ImportCommandTest {

    private static final Path FIXTURES = Path.of("").toAbsolutePath().resolveSibling("stylegan4j-core")
            .resolve("src/test/resources/pkl");

    /** Runs the CLI and returns its exit code and stderr. */
    private record Result(int code, String err) {
    }

    private static Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void importWritesACheckpointAndNeverOverwritesWithoutForce(@TempDir Path dir) throws Exception {
        String pkl = FIXTURES.resolve("tiny32.pkl").toString();
        Path out = dir.resolve("net.safetensors");
        assertEquals(0, run("import", "--pkl", pkl, "--out", out.toString()).code());
        Checkpoint.Loaded loaded = Checkpoint.read(out);
        assertTrue(loaded.has(Checkpoint.G) && loaded.has(Checkpoint.G_EMA));
        assertFalse(loaded.has(Checkpoint.D));
        assertEquals(32, loaded.config().resolution());
        byte[] first = Files.readAllBytes(out);
        Result again = run("import", "--pkl", pkl, "--out", out.toString(), "--with-discriminator");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists (use --force to overwrite)"), again.err());
        assertArrayEquals(first, Files.readAllBytes(out));
        assertEquals(0, run("import", "--pkl", pkl, "--out", out.toString(), "--with-discriminator", "--force").code());
        assertTrue(Checkpoint.read(out).has(Checkpoint.D));
    }

    @Test
    void generateReadsAPickleDirectlyAndMatchesTheConvertedCheckpoint(@TempDir Path dir) throws Exception {
        String pkl = FIXTURES.resolve("tiny32.pkl").toString();
        Path net = dir.resolve("net.safetensors");
        assertEquals(0, run("import", "--pkl", pkl, "--out", net.toString()).code());
        assertEquals(0, run("generate", "--network", pkl, "--seeds", "0-1", "--noise", "const",
                "--outdir", dir.resolve("a").toString()).code());
        assertEquals(0, run("generate", "--network", net.toString(), "--seeds", "0-1", "--noise", "const",
                "--outdir", dir.resolve("b").toString()).code());
        for (String f : new String[] {"seed0000.png", "seed0001.png"}) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("b").resolve(f)), Files.readAllBytes(dir.resolve("a").resolve(f)), f);
        }
    }

    @Test
    void badPicklesExitWithCode2AndOneLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("x.safetensors");
        Result evil = run("import", "--pkl", FIXTURES.resolve("malicious.pkl").toString(), "--out", out.toString());
        assertEquals(2, evil.code());
        assertEquals("error: refusing to load " + FIXTURES.resolve("malicious.pkl") + ": it references posix.system, "
                + "which is not an allowed StyleGAN network class", evil.err().strip());
        assertFalse(Files.exists(out));

        Result sg2 = run("generate", "--network", FIXTURES.resolve("stylegan2.pkl").toString(), "--seeds", "0",
                "--outdir", dir.resolve("img").toString());
        assertEquals(2, sg2.code());
        assertTrue(sg2.err().strip().endsWith("looks like a StyleGAN2 network; only StyleGAN (v1) pickles are supported"),
                sg2.err());

        Path cut = dir.resolve("cut.pkl");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(FIXTURES.resolve("tiny32.pkl")), 5000));
        Result truncated = run("import", "--pkl", cut.toString(), "--out", out.toString());
        assertEquals(2, truncated.code());
        assertEquals("error: " + cut + ": truncated pickle (unexpected end of data at byte 5000)", truncated.err().strip());

        Result missing = run("import", "--pkl", dir.resolve("none.pkl").toString(), "--out", out.toString());
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().strip().lines().count());
    }
}
