package org.stylegan4j.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.projection.ProjectedLatents;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stylegan4j project} and {@code generate --projected-w}: outputs, the round trip, and bad input. */
class ProjectCommandTest {

    private static final Path PKL = Path.of("").toAbsolutePath().resolveSibling("stylegan4j-core")
            .resolve("src/test/resources/pkl/tiny32.pkl");

    @TempDir
    static Path dir;
    private static Path net;
    private static Path targets;

    /** Runs the CLI; returns its exit code, stdout and stderr. */
    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void network() {
        net = dir.resolve("net.safetensors");
        assertEquals(0, run("import", "--pkl", PKL.toString(), "--out", net.toString()).code());
        targets = dir.resolve("targets");
        assertEquals(0, run("generate", "--network", net.toString(), "--seeds", "4,9", "--trunc", "1",
                "--outdir", targets.toString()).code());
    }

    private static int[] cell(BufferedImage sheet, int row, int col) {
        return sheet.getRGB(col * 32, row * 32, 32, 32, null, 0, 32);
    }

    @Test
    void projectWritesItsFilesAndGenerateDrawsTheSamePixelsFromThem() throws Exception {
        Path out = dir.resolve("proj");
        Result r = run("project", "--network", net.toString(), "--target", targets.resolve("seed0004.png").toString(),
                "--target", targets.resolve("seed0009.png").toString(), "--mse", "--space", "w+", "--steps", "8",
                "--outdir", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("projected 2 target(s) in w+, 8 steps, mse"), r.out());
        assertTrue(r.err().contains("warning: --mse gives blurrier projections"), r.err());
        SafeTensors.Contents c = SafeTensors.read(out.resolve(ProjectedLatents.FILE));
        assertArrayEquals(new long[] {2, 8, 32}, c.tensors().get("w").shape());
        assertArrayEquals(new long[] {2, 1, 32, 32}, c.tensors().get("noise.7").shape());
        assertEquals(ProjectedLatents.FORMAT, c.metadata().get("format"));
        assertEquals("w+", c.metadata().get("space"));
        BufferedImage sheet = ImageIO.read(out.resolve("proj.png").toFile());
        assertEquals(64, sheet.getWidth());
        assertEquals(64, sheet.getHeight());
        assertArrayEquals(ImageIO.read(targets.resolve("seed0009.png").toFile()).getRGB(0, 0, 32, 32, null, 0, 32),
                cell(sheet, 1, 0), "row 2 starts with its target");
        assertTrue(Files.size(out.resolve("proj.gif")) > 0);

        Path gen = dir.resolve("gen");
        assertEquals(0, run("generate", "--network", net.toString(), "--projected-w",
                out.resolve(ProjectedLatents.FILE).toString(), "--outdir", gen.toString()).code());
        for (int i = 0; i < 2; i++) {
            BufferedImage img = ImageIO.read(gen.resolve(String.format("proj%02d.png", i)).toFile());
            assertArrayEquals(cell(sheet, i, 1), img.getRGB(0, 0, 32, 32, null, 0, 32), "projection " + i);
        }
        Path mix = dir.resolve("mix.png");
        Result mixed = run("mix", "--network", net.toString(), "--rows-w", out.resolve(ProjectedLatents.FILE).toString(),
                "--cols", "1,2,3", "--styles", "coarse", "--out", mix.toString());
        assertEquals(0, mixed.code(), mixed.err());
        assertTrue(mixed.out().contains("(2 x 3 cells"), mixed.out());
        assertEquals(4 * 32, ImageIO.read(mix.toFile()).getWidth());
        Path walk = dir.resolve("walk.gif");
        Result walked = run("interpolate", "--network", net.toString(), "--w", out.resolve(ProjectedLatents.FILE)
                .toString(), "--frames", "5", "--out", walk.toString());
        assertEquals(0, walked.code(), walked.err());
        Result trunc = run("interpolate", "--network", net.toString(), "--w", out.resolve(ProjectedLatents.FILE)
                .toString(), "--trunc", "0.5", "--out", dir.resolve("w2.gif").toString());
        assertEquals(2, trunc.code());
        assertTrue(trunc.err().contains("--trunc does not apply to projected w"), trunc.err());
        Result both = run("mix", "--network", net.toString(), "--rows", "1", "--rows-w",
                out.resolve(ProjectedLatents.FILE).toString(), "--cols", "2", "--styles", "coarse", "--out",
                dir.resolve("m2.png").toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("give --rows or --rows-w (one of them)"), both.err());

        Result again = run("project", "--network", net.toString(), "--target", targets.resolve("seed0004.png").toString(),
                "--mse", "--steps", "2", "--outdir", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists (use --force to overwrite)"), again.err());
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Path target = targets.resolve("seed0004.png");
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        Path tiny = dir.resolve("tiny.png");
        ImageIO.write(new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB), "png", tiny.toFile());
        Path small = dir.resolve("small.png");
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "png", small.toFile());
        String o = dir.resolve("bad").toString();
        List<String[]> cases = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        cases.add(new String[] {"--target", target.toString()});
        expected.add("choose one distance: --lpips FILE");
        cases.add(new String[] {"--target", target.toString(), "--mse", "--digits-distance"});
        expected.add("choose one distance: --lpips FILE");
        cases.add(new String[] {"--target", text.toString(), "--mse"});
        expected.add("notes.png: not a readable PNG or JPEG image");
        cases.add(new String[] {"--target", tiny.toString(), "--mse"});
        expected.add("tiny.png: 6x6 is too small for a 32x32 network (at least 8 pixels on the shorter side)");
        cases.add(new String[] {"--target", target.toString(), "--mse", "--space", "z"});
        expected.add("--space must be w or w+, got 'z'");
        cases.add(new String[] {"--target", target.toString(), "--mse", "--steps", "0"});
        expected.add("--steps must be in [1, 1000000], got 0");
        cases.add(new String[] {"--target", target.toString(), "--digits-distance"});
        expected.add("--digits-distance needs a 1-channel 32x32 network, this one is 32x32 with 3 channels");
        cases.add(new String[] {"--target", target.toString(), "--lpips", text.toString()});
        expected.add("is not a TorchScript file the PyTorch engine can load");
        cases.add(new String[] {"--target", target.toString(), "--lpips", text.toString(), "--lpips-input", "uint8"});
        expected.add("an LPIPS network takes float input (--lpips-input float or float255)");
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new ArrayList<>(List.of("project", "--network", net.toString(), "--outdir", o));
            args.addAll(List.of(cases.get(i)));
            Result r = run(args.toArray(new String[0]));
            assertEquals(2, r.code(), String.join(" ", cases.get(i)) + ": " + r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().contains(expected.get(i)), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        Result upscaled = run("project", "--network", net.toString(), "--target", small.toString(), "--mse",
                "--steps", "1", "--outdir", dir.resolve("small").toString());
        assertEquals(0, upscaled.code(), upscaled.err());
        assertTrue(upscaled.err().contains("small.png is 16x16, upscaled to 32x32"), upscaled.err());

        Result neither = run("generate", "--network", net.toString(), "--outdir", o);
        assertEquals(2, neither.code());
        assertTrue(neither.err().contains("give --seeds or --projected-w (one of them)"), neither.err());
        Result notLatents = run("generate", "--network", net.toString(), "--projected-w", net.toString(),
                "--outdir", o);
        assertEquals(2, notLatents.code());
        assertTrue(notLatents.err().contains("is not a projection's latents"), notLatents.err());
        assertFalse(Files.exists(dir.resolve("bad").resolve(ProjectedLatents.FILE)));
    }
}
