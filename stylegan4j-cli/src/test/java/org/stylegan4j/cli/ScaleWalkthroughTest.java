package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.train.TrainingConfig;
import org.stylegan4j.train.TrainingLoop;
import org.stylegan4j.train.TrainingPlan;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's configuration end to end: the {@code ffhq} preset (official widths) on a tiny 256x256 data set with
 * very short phases and a minibatch of 1 grows from 8x8 through every fade-in to 256x256 in its own process, its
 * resident memory stays within the plan (every tick under the largest phase's estimate, that phase within 25% of
 * it), and the last snapshot generates.
 */
class ScaleWalkthroughTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far a tick's measured peak may exceed the plan's estimate (the plan's promise is within 25%). */
    private static final double MARGIN = 1.25;

    @TempDir
    Path tmp;

    /** Eight 256x256 RGB images of smooth random colour blobs. */
    private Path dataset() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("faces"));
        Random rng = new Random(11);
        for (int i = 0; i < 8; i++) {
            BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
            double cx = 64 + rng.nextInt(128);
            double cy = 64 + rng.nextInt(128);
            int colour = rng.nextInt(1 << 24);
            for (int y = 0; y < 256; y++) {
                for (int x = 0; x < 256; x++) {
                    double a = Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 3000.0);
                    int r = (int) (((colour >> 16) & 255) * a);
                    int g = (int) (((colour >> 8) & 255) * a);
                    int b = (int) ((colour & 255) * a);
                    img.setRGB(x, y, r << 16 | g << 8 | b);
                }
            }
            ImageIO.write(img, "png", dir.resolve("face" + i + ".png").toFile());
        }
        return dir;
    }

    @Test
    void theFfhqPresetGrowsThroughEveryPhaseWithinThePlannedMemory() throws Exception {
        Path data = dataset();
        Path run = tmp.resolve("run");
        // phases of 6 images (minibatch 1, the schedule re-evaluated every 4): 8x8 stable, then a fade-in and a
        // stable phase per resolution up to 256x256, reached at 60 images; a tick every 4 images logs a level of
        // detail inside every fade-in
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Xmx2g", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--data", data.toString(), "--outdir", run.toString(), "--preset", "ffhq", "--batch", "1",
                "--lod-kimg", "0.006", "--kimg", "0.066", "--tick-kimg", "0.004", "--snapshot-ticks", "1000", "--grid-size", "2",
                "--seed", "3"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("train.log").toFile()).start();
        assertTrue(p.waitFor(12, TimeUnit.MINUTES), "the walk-through did not finish in 12 minutes");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("train.log")));

        List<JsonNode> ticks = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("log.jsonl"))) {
            ticks.add(JSON.readTree(line));
        }
        assertEquals(16, ticks.size());
        TreeSet<Integer> resolutions = new TreeSet<>();
        TreeSet<Integer> fadedInto = new TreeSet<>();
        for (JsonNode t : ticks) {
            int res = t.get("resolution").asInt();
            double lod = t.get("lod").asDouble();
            resolutions.add(res);
            if (lod != Math.floor(lod)) {
                fadedInto.add(res);
                assertEquals(256 >> (int) Math.floor(lod), res, "a fade-in trains the higher resolution");
            }
        }
        assertEquals(new TreeSet<>(List.of(8, 16, 32, 64, 128, 256)), resolutions);
        assertEquals(new TreeSet<>(List.of(16, 32, 64, 128, 256)), fadedInto, "every resolution after 8x8 fades in");
        assertEquals(0.0, ticks.get(ticks.size() - 1).get("lod").asDouble());

        TrainingConfig config = JSON.readValue(run.resolve("config.json").toFile(), TrainingConfig.class);
        Map<Integer, Long> planned = new TreeMap<>();
        try (ImageDataset ds = ImageDataset.open(data)) {
            for (TrainingPlan.Phase phase : TrainingLoop.plan(config, ds).phases()) {
                planned.merge(phase.resolution(), phase.peakBytes(), Math::max);
            }
        }
        // the plan's promise: every tick stays within the run's largest phase estimate, and that phase's peak within
        // 25% of it (before every layer ran in its own scope, memory held from earlier phases made this walk end
        // 23-51% above the 256x256 estimate)
        long largest = planned.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        StringBuilder peaks = new StringBuilder();
        boolean within = true;
        double largestPhasePeak = 0;
        for (JsonNode t : ticks) {
            double peak = t.get("peakRssMb").asDouble();
            long estimate = planned.get(t.get("resolution").asInt());
            peaks.append(String.format("%n tick %d at %d: peak %.0f MiB, plan %d MiB", t.get("tick").asInt(),
                    t.get("resolution").asInt(), peak, estimate >> 20));
            within &= peak > 0 && peak <= MARGIN * (largest >> 20);
            if (estimate == largest) {
                largestPhasePeak = Math.max(largestPhasePeak, peak);
            }
        }
        within &= Math.abs(largestPhasePeak - (largest >> 20)) <= (MARGIN - 1) * (largest >> 20);
        assertTrue(within, "the peaks stray from the plan:" + peaks);

        Path images = tmp.resolve("generated");
        CliTest.Run g = CliTest.run("generate", "--network", run.resolve("network-final.safetensors").toString(),
                "--seeds", "0-1", "--outdir", images.toString());
        assertEquals(0, g.exit(), g.err());
        BufferedImage first = ImageIO.read(images.resolve("seed0000.png").toFile());
        assertEquals(256, first.getWidth());
        assertEquals(256, first.getHeight());
    }
}
