package org.stylegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command's stderr as a user sees it, from a separate process (the engine writes its warnings to the process's
 * stderr, which no in-process capture sees): our progress bars and messages only, none of PyTorch's warnings
 * (c10's format is {@code [W1206 10:56:34.059007557 File.cpp:74] Warning: ...}; "AutoNonVariableTypeMode is
 * deprecated" came from loading the digit classifier, "Could not initialize NNPACK!" from single small images).
 */
class EngineWarningsTest {

    private static final Pattern ENGINE_WARNING = Pattern.compile("\\[W\\d{4} |NNPACK|AutoNonVariableTypeMode|Warning:");

    @TempDir
    Path dir;

    private String stderrOf(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the command did not finish");
        String text = Files.readString(err);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private static void assertNoEngineWarning(String stderr) {
        for (String line : stderr.split("[\r\n]")) {
            assertTrue(!ENGINE_WARNING.matcher(line).find(), "engine warning on stderr: " + line);
        }
    }

    @Test
    void judgingDigitsPrintsOnlyOurOutput() throws Exception {
        String err = stderrOf("judge-digits", "--random-init", "--preset", "small", "--resolution", "32", "--num", "8");
        assertTrue(err.contains("judge"), "the progress bar is there: " + err);
        assertNoEngineWarning(err);
    }

    @Test
    void generatingOneImageAtATimePrintsOnlyOurOutput() throws Exception {
        assertNoEngineWarning(stderrOf("generate", "--random-init", "--preset", "small", "--resolution", "32",
                "--seeds", "0-1", "--batch", "1", "--outdir", dir.resolve("out").toString()));
    }
}
