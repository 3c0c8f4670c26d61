package org.stylegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FigureCommandsTest {

    private static final String[] NET = {"--random-init", "--resolution", "16", "--preset", "small"};

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(NET));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    private static BufferedImage read(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " written");
        return ImageIO.read(file.toFile());
    }

    private static int gifFrames(Path gif) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            return reader.getNumImages(true);
        }
    }

    private static void assertBadInput(Run r, String expectedPart) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line on stderr: " + err);
        assertTrue(err.startsWith("error: ") && err.contains(expectedPart), err);
    }

    @Test
    void mixWritesTheGrid() throws IOException {
        Path out = dir.resolve("mix.png");
        Run r = run("mix", "--rows", "1,2", "--cols", "3,4,5", "--styles", "coarse", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = read(out);
        assertEquals(4 * 16, img.getWidth());
        assertEquals(3 * 16, img.getHeight());
        assertEquals(0, run("mix", "--rows", "1", "--cols", "2", "--styles", "4-", "--trunc", "0.7", "--out",
                out.toString(), "--force").code());
    }

    @Test
    void noiseAndNoiseLayersWriteTheirFigures() throws IOException {
        Path noise = dir.resolve("noise.png");
        assertEquals(0, run("noise", "--seeds", "1,2", "--samples", "3", "--redraws", "2", "--out", noise.toString()).code());
        BufferedImage n = read(noise);
        assertEquals(4 * 16, n.getWidth());
        assertEquals(2 * 16, n.getHeight());
        Path layers = dir.resolve("noise-layers.png");
        Run r = run("noise-layers", "--seeds", "7", "--out", layers.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(4 * 16, read(layers).getWidth());
        assertTrue(r.out().contains("fine (3-5)"), r.out());
    }

    @Test
    void truncationWritesOneColumnPerPsi() throws IOException {
        Path out = dir.resolve("trunc.png");
        assertEquals(0, run("truncation", "--seeds", "91,388", "--out", out.toString()).code());
        assertEquals(6 * 16, read(out).getWidth());
        Path cut = dir.resolve("cut.png");
        assertEquals(0, run("truncation", "--seeds", "91", "--psi", "1,-0.5", "--cutoff", "2", "--out", cut.toString()).code());
        assertEquals(2 * 16, read(cut).getWidth());
    }

    @Test
    void interpolateWritesFramesAndGifs() throws IOException {
        Path frames = dir.resolve("frames");
        Run r = run("interpolate", "--seeds", "1,2,3", "--space", "z", "--frames", "5", "--out", frames.toString());
        assertEquals(0, r.code(), r.err());
        for (int k = 0; k < 5; k++) {
            assertEquals(16, read(frames.resolve(String.format("frame%04d.png", k))).getWidth());
        }
        assertFalse(Files.exists(frames.resolve("frame0005.png")));
        assertEquals(5, gifFrames(frames.resolve("interpolation.gif")));
        Path gif = dir.resolve("walk.gif");
        assertEquals(0, run("interpolate", "--seeds", "4,5", "--space", "w", "--frames", "3", "--out", gif.toString()).code());
        assertEquals(3, gifFrames(gif));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(gif), files.filter(p -> p.toString().endsWith(".gif")).toList());
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        String png = dir.resolve("x.png").toString();
        assertBadInput(run("mix", "--rows", "1", "--cols", "99999999999", "--styles", "coarse", "--out", png), "seed out of range");
        assertBadInput(run("mix", "--rows", "1", "--cols", "2", "--styles", "ultra", "--out", png), "unknown style band 'ultra'");
        assertBadInput(run("mix", "--rows", "1", "--cols", "2", "--styles", "0-20", "--out", png),
                "layer range 0-20 is past the network's 6 layers (0-5)");
        assertBadInput(run("mix", "--rows", "1", "--cols", "2", "--styles", "fine", "--out", png), "the fine band");
        assertBadInput(run("mix", "--rows", "1", "--cols", "2", "--styles", "0-3", "--trunc", "abc", "--out", png), "'abc'");
        assertBadInput(run("truncation", "--seeds", "1", "--psi", "1,half", "--out", png), "'half'");
        assertBadInput(run("truncation", "--seeds", "1", "--psi", "NaN", "--out", png), "finite");
        assertBadInput(run("noise", "--seeds", "1", "--samples", "1", "--out", png), "--samples must be at least 2");
        assertBadInput(run("noise-layers", "--seeds", "-3", "--out", png), "seed");
        assertBadInput(run("interpolate", "--seeds", "1,2", "--frames", "1", "--out", dir.resolve("a.gif").toString()),
                "--frames must be at least 2");
        assertBadInput(run("interpolate", "--seeds", "1", "--out", dir.resolve("a.gif").toString()), "at least 2 seeds");
        assertBadInput(run("interpolate", "--seeds", "1,2", "--space", "q", "--out", dir.resolve("a.gif").toString()), "--space");
        assertBadInput(run("interpolate", "--seeds", "1,2", "--out", dir.resolve("missing/a.gif").toString()), "does not exist");
        Files.writeString(dir.resolve("x.png"), "old");
        assertBadInput(run("truncation", "--seeds", "1", "--out", png), "already exists");
        assertEquals("old", Files.readString(dir.resolve("x.png")));
    }
}
