package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stylegan4j train}: a SIGKILL during a snapshot write loses nothing saved, and the run resumed
 * in another process logs the same losses as an uninterrupted run.
 */
class TrainCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** 40 8x8 grayscale PNGs of random blobs. */
    private Path dataset() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Random rng = new Random(3);
        for (int i = 0; i < 40; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            int cx = rng.nextInt(8);
            int cy = rng.nextInt(8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    img.getRaster().setSample(x, y, 0, (int) (255 * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 4.0)));
                }
            }
            ImageIO.write(img, "png", dir.resolve("b" + i + ".png").toFile());
        }
        return dir;
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static List<String> trainArgs(Path data, Path out) {
        return List.of("train", "--data", data.toString(), "--outdir", out.toString(), "--kimg", "1.28",
                "--tick-kimg", "0.128", "--snapshot-ticks", "1", "--seed", "7", "--lr-rampdown", "0.5");
    }

    private static List<double[]> losses(Path run) throws IOException {
        List<double[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("log.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            out.add(new double[] {n.get("kimg").asDouble(), n.get("lossG").asDouble(), n.get("lossD").asDouble()});
        }
        return out;
    }

    private static boolean writingSnapshot(Path run) throws IOException {
        try (Stream<Path> files = Files.list(run)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(".network-snapshot-"));
        }
    }

    @Test
    void killedDuringASnapshotWriteTheRunResumesFromTheLastCompleteSnapshot() throws Exception {
        Path data = dataset();
        StringWriter err = new StringWriter();
        Path reference = tmp.resolve("reference");
        assertEquals(0, run(err, trainArgs(data, reference).toArray(String[]::new)), err.toString());

        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(trainArgs(data, killed));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        boolean caught = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (Files.isDirectory(killed) && Files.exists(killed.resolve("log.jsonl"))
                    && Files.readAllLines(killed.resolve("log.jsonl")).size() >= 3 && writingSnapshot(killed)) {
                p.destroyForcibly();
                caught = true;
                break;
            }
            Thread.sleep(2);
        }
        p.destroyForcibly().waitFor();
        assertTrue(caught, "the child was not caught writing a snapshot: " + Files.readString(tmp.resolve("child.log")));

        err = new StringWriter();
        assertEquals(0, run(err, "train", "--data", data.toString(), "--resume", killed.toString(), "--kimg", "1.28"),
                err.toString());
        List<double[]> expected = losses(reference);
        List<double[]> actual = losses(killed);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i)[0], actual.get(i)[0], 1e-9, "kimg of tick " + (i + 1));
            assertEquals(expected.get(i)[1], actual.get(i)[1], 1e-4 * Math.max(1, Math.abs(expected.get(i)[1])),
                    "G loss of tick " + (i + 1));
            assertEquals(expected.get(i)[2], actual.get(i)[2], 1e-4 * Math.max(1, Math.abs(expected.get(i)[2])),
                    "D loss of tick " + (i + 1));
        }
        try (Stream<Path> files = Files.list(killed)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), "temp files left behind");
        }
        assertTrue(Files.isRegularFile(killed.resolve("network-final.safetensors")));
        assertEquals(0.5, JSON.readTree(killed.resolve("config.json").toFile()).get("lrRampdown").asDouble(),
                "the resumed run keeps the ramp-down of its config");
    }

    @Test
    void aRunStartsFromAConfigJsonAndAResumeRefusesOptionsThatWouldChangeItsConfig() throws IOException {
        Path data = dataset();
        Path first = tmp.resolve("first");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "train", "--data", data.toString(), "--outdir", first.toString(), "--kimg", "0.032",
                "--tick-kimg", "0.016", "--seed", "7", "--pack", "1", "--mbstd-group", "4", "--lr", "0.002", "--batch", "8"),
                err.toString());
        JsonNode stored = JSON.readTree(first.resolve("config.json").toFile());
        assertEquals(1, stored.get("model").get("discriminator").get("pack").asInt());
        assertEquals(0.002, stored.get("lrBase").asDouble());

        // a new run from that config.json, one option changed: the same tree but for that option
        Path second = tmp.resolve("second");
        assertEquals(0, run(err, "train", "--data", data.toString(), "--config", first.resolve("config.json").toString(),
                "--outdir", second.toString(), "--seed", "8"), err.toString());
        JsonNode copied = JSON.readTree(second.resolve("config.json").toFile());
        assertEquals(8, copied.get("seed").asInt());
        ((com.fasterxml.jackson.databind.node.ObjectNode) copied).put("seed", 7);
        assertEquals(stored, copied);

        // resuming with options equal to the run's own is accepted; --kimg extends it
        assertEquals(0, run(err, "train", "--data", data.toString(), "--resume", first.toString(), "--seed", "7",
                "--pack", "1", "--kimg", "0.048"), err.toString());
        assertEquals(3, losses(first).size());
        String[][] refused = {
            {"--lr", "0.003"}, {"--pack", "2"}, {"--preset", "small"}, {"--config", first.resolve("config.json").toString()},
        };
        String[] expected = {
            "error: --resume continues a run with its own config; only --kimg, --minutes and the metrics options may change "
                    + "it (given: "
                    + "lrBase: 0.002 -> 0.003); to change more, start a new run with --config "
                    + first.resolve("config.json"),
            "error: --resume continues a run with its own config; only --kimg, --minutes and the metrics options may change "
                    + "it (given: "
                    + "model.discriminator.pack: 1 -> 2); to change more, start a new run with --config "
                    + first.resolve("config.json"),
            "error: --resume continues a run with its own config; --preset and --config start new runs",
            "error: --resume continues a run with its own config; --preset and --config start new runs",
        };
        for (int i = 0; i < refused.length; i++) {
            StringWriter e = new StringWriter();
            List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--resume", first.toString()));
            args.addAll(List.of(refused[i]));
            assertEquals(2, run(e, args.toArray(String[]::new)), e.toString());
            assertEquals(expected[i], e.toString().trim());
        }
        assertEquals(3, losses(first).size(), "a refused resume trains nothing");

        // the metrics during training may change on resume: they do not change what the run computes
        assertEquals(0, run(err, "train", "--data", data.toString(), "--resume", first.toString(), "--kimg", "0.064",
                "--metrics", "fid,kid", "--metrics-every", "1", "--metrics-num", "8", "--extractor",
                MetricsCommandTest.FIXTURES.resolve("mean_features.pt").toString()), err.toString());
        List<String> measured = Files.readAllLines(first.resolve("metrics.jsonl"));
        assertEquals(1, measured.size(), "tick 4, the last of the run");
        JsonNode row = JSON.readTree(measured.get(0));
        assertEquals(0.064, row.get("kimg").asDouble(), 1e-12);
        assertTrue(row.get("fid").asDouble() >= 0 && row.get("kid").isNumber(), row.toString());
        assertTrue(Files.size(first.resolve("metrics.png")) > 0);

        StringWriter both = new StringWriter();
        assertEquals(2, run(both, "train", "--data", data.toString(), "--config", first.resolve("config.json").toString(),
                "--preset", "ffhq", "--outdir", tmp.resolve("both").toString()));
        assertEquals("error: give --preset or --config, not both", both.toString().trim());
        Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"model\": 3}");
        StringWriter bad = new StringWriter();
        assertEquals(2, run(bad, "train", "--data", data.toString(), "--config", broken.toString(),
                "--outdir", tmp.resolve("bad").toString()));
        assertEquals("error: " + broken + ": not a training config (expected a JSON object with a model)",
                bad.toString().trim());
        assertTrue(Files.notExists(tmp.resolve("both")) && Files.notExists(tmp.resolve("bad")));
    }

    @Test
    void badTrainingInputsGiveOneLineAndExitCode2() throws IOException {
        Path data = dataset();
        Path other = Files.createDirectories(tmp.resolve("mixed"));
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", other.resolve("a.png").toFile());
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY), "png", other.resolve("b.png").toFile());
        Files.write(tmp.resolve("notazip.zip"), new byte[] {1, 2, 3, 4});
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        String[][] cases = {
            {"train", "--data", tmp.resolve("notazip.zip").toString(), "--outdir", tmp.resolve("o1").toString()},
            {"train", "--data", other.toString(), "--outdir", tmp.resolve("o2").toString(), "--kimg", "0.064"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o3").toString(), "--resolution", "16"},
            {"train", "--data", data.toString(), "--outdir", file.resolve("sub").toString()},
            {"train", "--data", data.toString(), "--resume", tmp.resolve("nothing").toString()},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o4").toString(), "--preset", "nope"},
            {"train", "--data", tmp.resolve("missing").toString(), "--outdir", tmp.resolve("o5").toString()},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o6").toString(), "--lr", "0"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o7").toString(), "--batch", "36", "--mbstd-group", "8"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o8").toString(), "--batch", "0"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o9").toString(), "--lod-kimg", "-1"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o10").toString(), "--ema-kimg", "NaN"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o11").toString(), "--r1-interval", "0"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o12").toString(), "--mbstd-group", "3"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o13").toString(), "--mbstd-features", "3"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o14").toString(), "--pack", "3"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o15").toString(), "--pack", "0"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o16").toString(), "--lr-rampdown", "1.5"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o17").toString(), "--workers", "0"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o18").toString(), "--workers", "3"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o19").toString(), "--batch-round", "0"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o23").toString(), "--batch-round", "some"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o20").toString(), "--batch", "8", "--batch-round", "3"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o21").toString(), "--device", "tpu"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o22").toString(), "--device", "gpu"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o24").toString(), "--metrics", "fid,fjd"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o25").toString(), "--metrics", "fid"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o26").toString(), "--metrics", "fid",
                "--extractor", "digits"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o27").toString(), "--metrics", "fid",
                "--extractor", tmp.resolve("missing.pt").toString()},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o28").toString(), "--metrics-every", "0"},
            {"train", "--data", data.toString(), "--outdir", tmp.resolve("o29").toString(), "--metrics", "ppl_wend",
                "--ppl-network", "digits", "--extractor-input", "int4"},
        };
        for (String[] args : cases) {
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, args), String.join(" ", args) + " -> " + err);
            String text = err.toString().trim();
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("error: "), text);
        }
        for (String refused : new String[] {"o2", "o6", "o7", "o8", "o9", "o10", "o11", "o12", "o13", "o14", "o15", "o16", "o17",
            "o18", "o19", "o20", "o21", "o22", "o23", "o24", "o25", "o26", "o27", "o28", "o29"}) {
            assertTrue(Files.notExists(tmp.resolve(refused)), "a refused run must not create its directory");
        }
    }

    @Test
    void fineTuningInputsAreCheckedBeforeAnythingIsWritten() throws IOException {
        Path data = dataset();
        Path pkl = Path.of("").toAbsolutePath().resolveSibling("stylegan4j-core").resolve("src/test/resources/pkl/tiny32.pkl");
        Path gOnly = tmp.resolve("g.safetensors");
        Path withD = tmp.resolve("gd.safetensors");
        assertEquals(0, run(new StringWriter(), "import", "--pkl", pkl.toString(), "--out", gOnly.toString()));
        assertEquals(0, run(new StringWriter(), "import", "--pkl", pkl.toString(), "--out", withD.toString(),
                "--with-discriminator"));
        String[][] cases = {
            {"--init-from", gOnly.toString()},
            {"--init-from", withD.toString()},
            {"--init-from", pkl.toString()},
            {"--init-from", withD.toString(), "--freeze-d", "99"},
            {"--freeze-d", "2"},
            {"--init-from", tmp.resolve("missing.safetensors").toString()},
        };
        String[] expected = {
            "holds no discriminator: fine-tuning needs one (start from a training snapshot, or import an official "
                    + ".pkl with `stylegan4j import --with-discriminator`)",
            "the data holds 8x8 images but the model is 32x32; prepare the data with `stylegan4j dataset --resolution 32`",
            "the data holds 8x8 images but the model is 32x32",
            "--freeze-d 99 is more than D's 10 layers",
            "--freeze-d keeps trained layers of D: it needs --init-from",
            "no such file",
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--outdir",
                    tmp.resolve("ft" + i).toString()));
            args.addAll(List.of(cases[i]));
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, args.toArray(new String[0])), args + " -> " + err);
            String text = err.toString().trim();
            assertTrue(text.startsWith("error: ") && text.contains(expected[i]) && text.lines().count() == 1, text);
            assertTrue(Files.notExists(tmp.resolve("ft" + i)), "a refused run must not create its directory");
        }
    }

    @Test
    void anAdaptivelyAugmentedRunLogsAndPlotsPAndBadAugmentationValuesAreOneLine() throws IOException {
        Path data = dataset();
        Path run = tmp.resolve("ada");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute("train", "--data", data.toString(), "--outdir", run.toString(), "--kimg", "0.032",
                "--tick-kimg", "0.016", "--batch", "8", "--pack", "1", "--mbstd-group", "4", "--aug", "ada",
                "--aug-p", "0.2", "--ada-kimg", "1"), err.toString());
        JsonNode augmentation = JSON.readTree(run.resolve("config.json").toFile()).get("augmentation");
        assertEquals("ada", augmentation.get("kind").asText());
        assertEquals(0.2, augmentation.get("p").asDouble());
        assertEquals(0.6, augmentation.get("target").asDouble());
        assertEquals(1.0, augmentation.get("kimg").asDouble());
        assertEquals("bgc", augmentation.get("pipe").asText());
        List<String> ticks = Files.readAllLines(run.resolve("log.jsonl"));
        assertEquals(2, ticks.size());
        assertEquals(0.2, JSON.readTree(ticks.get(0)).get("augmentP").asDouble(), 1e-12, "p moves after 4 minibatches");
        double p = JSON.readTree(ticks.get(1)).get("augmentP").asDouble();
        assertEquals(8 * 4 / 1000.0, Math.abs(p - 0.2), 1e-12, "one step of 8 images * 4 / 1 kimg");
        assertTrue(JSON.readTree(ticks.get(1)).get("rt").isNumber());
        assertTrue(Files.size(run.resolve("augment.png")) > 0);
        assertTrue(out.toString().contains(String.format(", p %.3f, r_t ", p)), out.toString());
        assertTrue(out.toString().contains("augment.png"), out.toString());

        String[][] cases = {
            {"--aug", "fixed", "--aug-p", "1.5"},
            {"--aug", "ada", "--aug-p", "-0.1"},
            {"--aug-p", "0.3"},
            {"--aug", "none", "--aug-p", "0.3"},
            {"--aug", "fixed"},
            {"--aug", "sometimes"},
            {"--aug", "fixed", "--aug-p", "0.3", "--ada-target", "0.5"},
            {"--aug", "ada", "--ada-target", "1"},
            {"--aug", "ada", "--ada-kimg", "0"},
            {"--aug-pipe", "blit"},
            {"--aug", "ada", "--aug-pipe", "bgcfnc"},
        };
        String[] expected = {
            "error: --aug-p must be between 0 and 1, got 1.5",
            "error: --aug-p must be between 0 and 1, got -0.1",
            "error: --aug-p is the probability of --aug fixed or ada; the augmentation is none",
            "error: --aug-p is the probability of --aug fixed or ada; the augmentation is none",
            "error: --aug fixed augments with a constant probability: give it with --aug-p",
            "error: unknown augmentation 'sometimes' (expected none, fixed or ada)",
            "error: --ada-target and --ada-kimg steer --aug ada; the augmentation is fixed",
            "error: augmentation.target (--ada-target) must be between 0 and 1 (exclusive), got 1.0",
            "error: augmentation.kimg (--ada-kimg) must be positive, got 0.0",
            "error: --aug-pipe chooses the transforms of --aug fixed or ada; the augmentation is none",
            "error: unknown augmentation pipeline 'bgcfnc' (expected blit, geom, color, bg or bgc)",
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--outdir",
                    tmp.resolve("bad" + i).toString()));
            args.addAll(List.of(cases[i]));
            StringWriter e = new StringWriter();
            assertEquals(2, run(e, args.toArray(new String[0])), args + " -> " + e);
            assertEquals(expected[i], e.toString().trim());
            assertTrue(Files.notExists(tmp.resolve("bad" + i)), "a refused run must not create its directory");
        }
        StringWriter e = new StringWriter();
        assertEquals(2, run(e, "train", "--data", data.toString(), "--resume", run.toString(), "--aug", "fixed",
                "--aug-p", "0.2"));
        assertTrue(e.toString().contains("augmentation.kind: \"ada\" -> \"fixed\""), e.toString());
    }

    @Test
    void deviceErrorsNameTheFix() throws IOException {
        Path data = dataset();
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "train", "--data", data.toString(), "--outdir", tmp.resolve("g").toString(), "--device", "gpu"));
        assertEquals("error: --device gpu: this build has PyTorch's CPU natives; build the CUDA jar with "
                + "`mvn -Pcuda -DskipTests package` (see the README)", err.toString().trim());
        err = new StringWriter();
        assertEquals(2, run(err, "info", "--device", "tpu"));
        assertEquals("error: --device must be cpu, gpu, gpu:N or auto, got 'tpu' (see 'stylegan4j --help')",
                err.toString().trim());
    }

    @Test
    void planPrintsEveryPhaseAndWritesNothing() throws IOException {
        Path data = dataset();
        Path out = tmp.resolve("planned");
        StringWriter stdout = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(stdout));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute("train", "--data", data.toString(), "--outdir", out.toString(), "--preset", "ffhq",
                "--plan", "--device", "cpu"), err.toString());
        List<String> lines = stdout.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("phase    kimg"), stdout.toString());
        // 8x8 data: the ffhq schedule's 8x8 phase is the whole run
        assertTrue(lines.get(1).matches("stable\\s+0\\.0 - 25000\\.0\\s+8x8\\s+256\\s+256\\s+0\\.001\\s+[0-9.]+ [MG]B"),
                lines.get(1));
        assertTrue(lines.get(2).startsWith("G "), stdout.toString());
        assertTrue(Files.notExists(out), "--plan must not create the run directory");

        stdout.getBuffer().setLength(0);
        assertEquals(0, cl.execute("train", "--data", data.toString(), "--outdir", out.toString(), "--preset", "ffhq",
                "--plan", "--batch-round", "auto"), err.toString());
        // the whole minibatch fits this machine at 8x8: auto keeps it in one round
        assertTrue(stdout.toString().lines().skip(1).findFirst().orElseThrow().matches(".*8x8\\s+256\\s+256\\s+.*"),
                stdout.toString());
    }

    @Test
    void benchDataMeasuresEveryLevel() throws IOException {
        Path data = dataset();
        StringWriter stdout = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(stdout));
        cl.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, cl.execute("bench", "data", "--data", data.toString(), "--from", "2", "--images", "32",
                "--batch", "8", "--json"));
        JsonNode r = JSON.readTree(stdout.toString());
        assertEquals(8, r.get("data").asInt());
        assertEquals(32, r.get("images").asInt());
        List<Integer> levels = new ArrayList<>();
        for (JsonNode level : r.get("levels")) {
            levels.add(level.get("resolution").asInt());
            assertTrue(level.get("decodedImagesPerSecond").asDouble() > 0);
            assertTrue(level.get("cachedImagesPerSecond").asDouble() > 0);
        }
        assertEquals(List.of(2, 4, 8), levels);
    }
}
