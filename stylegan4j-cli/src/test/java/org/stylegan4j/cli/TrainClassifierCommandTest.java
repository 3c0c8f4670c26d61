package org.stylegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainClassifierCommandTest {

    private static String[] runCapturingErr(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new String[]{Integer.toString(code), err.toString(StandardCharsets.UTF_8).strip()};
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void missingDataIsOneLineExitTwo(@TempDir Path dir) {
        String[] r = runCapturingErr("train-classifier", "--data", dir.resolve("none.zip").toString(),
                "--out", dir.resolve("c.safetensors").toString());
        assertEquals("2", r[0]);
        assertEquals("error: " + dir.resolve("none.zip") + ": no such file or directory", r[1]);
    }

    @Test
    void badEpochsAndExistingOutputAreRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        String[] r = runCapturingErr("train-classifier", "--data", "../data/mnist32.zip",
                "--out", dir.resolve("c.safetensors").toString(), "--epochs", "0");
        assertEquals("2", r[0]);
        assertEquals("error: --epochs must be between 1 and 1000, got 0", r[1]);
        Path existing = Files.writeString(dir.resolve("old.safetensors"), "x");
        r = runCapturingErr("train-classifier", "--data", "../data/mnist32.zip", "--out", existing.toString());
        assertEquals("2", r[0]);
        assertTrue(r[1].endsWith("already exists (use --force to overwrite)"), r[1]);
    }
}
