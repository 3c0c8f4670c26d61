package org.stylegan4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.metrics.MetricNetworks;
import org.stylegan4j.metrics.MetricsRunner;
import org.stylegan4j.metrics.TorchScriptFeatureExtractor;
import org.stylegan4j.model.Generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics during training: measured on schedule and at the end, equal to a separate measurement, and harmless. */
class TrainingMetricsTest {

    /** forward(x) = the mean of each channel: one feature per grayscale image. */
    private static final Path MEAN_FEATURES = Path.of("src", "test", "resources", "org", "stylegan4j", "metrics",
            "mean_features.pt");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Snapshots are named by whole kimg: the tiny runs' latest is always this one. */
    private static final String SNAPSHOT = "network-snapshot-000000.safetensors";

    @TempDir
    Path tmp;

    private static MetricsConfig fidKid(int every) {
        return new MetricsConfig(List.of("fid", "kid"), every, 16,
                new MetricNetworks.Choice(MEAN_FEATURES.toString(), "float"), null, null, false);
    }

    private static List<double[]> train(ImageDataset ds, TrainingConfig config, Path run) throws IOException {
        List<double[]> losses = new ArrayList<>();
        try (TrainingLoop loop = TrainingLoop.start(config, ds, run)) {
            loop.run(null, () -> false, new TrainingListener() {
                @Override
                public void onStep(TrainingLoop l, double lossG, double lossD) {
                    losses.add(new double[] {lossG, lossD});
                }
            });
        }
        return losses;
    }

    private static List<JsonNode> lines(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(TrainingMetrics.FILE))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void measuresOnScheduleAndAtTheEndWithoutChangingTheRun() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        // 0.072 kimg = 9 minibatches of 8, a tick every 2: ticks 1-4 and a final snapshot after minibatch 9
        TrainingConfig plain = TinyRuns.config(0.072);
        TrainingConfig measured = plain.toBuilder().metrics(fidKid(3)).build();
        try (ImageDataset ds = ImageDataset.open(data)) {
            List<double[]> without = train(ds, plain, tmp.resolve("plain"));
            List<double[]> with = train(ds, measured, tmp.resolve("measured"));
            assertEquals(without.size(), with.size());
            for (int i = 0; i < with.size(); i++) {
                assertArrayEquals(without.get(i), with.get(i), 0.0, "losses of minibatch " + (i + 1));
            }
        }
        Map<String, SafeTensors.Tensor> a = SafeTensors.read(tmp.resolve("plain").resolve(SNAPSHOT)).tensors();
        Map<String, SafeTensors.Tensor> b = SafeTensors.read(tmp.resolve("measured").resolve(SNAPSHOT)).tensors();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertArrayEquals(t.data(), b.get(name).data(), 0f, name));
        assertFalse(Files.exists(tmp.resolve("plain").resolve(TrainingMetrics.FILE)));

        List<JsonNode> rows = lines(tmp.resolve("measured"));
        assertEquals(2, rows.size(), "tick 3 and the final network");
        assertEquals(3, rows.get(0).get("tick").asLong());
        assertEquals(0.048, rows.get(0).get("kimg").asDouble(), 1e-12);
        assertEquals(0.072, rows.get(1).get("kimg").asDouble(), 1e-12);
        assertEquals(MEAN_FEATURES + " (float input)", rows.get(1).get("networks").get("features").asText());
        assertTrue(Files.size(tmp.resolve("measured").resolve(TrainingMetrics.PLOT)) > 0);
        assertEquals(List.of(0.048, 0.072), TrainingMetrics.read(tmp.resolve("measured")).stream()
                .map(TrainingMetrics.Row::kimg).toList());

        // the final row is what the metrics give on the final snapshot's G_ema, measured separately
        Path finalSnapshot = tmp.resolve("measured").resolve(SNAPSHOT);
        try (Generator gEma = Checkpoint.loadGenerator(finalSnapshot);
             TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(MEAN_FEATURES,
                     TorchScriptFeatureExtractor.Input.FLOAT, false, 1, 8)) {
            Map<String, Double> direct = MetricsRunner.run(gEma, List.of("fid", "kid"),
                    new MetricsRunner.Settings(16, 32, TrainingMetrics.SEED, data, null, false, false, fx, null, null),
                    MetricsRunner.Progress.NONE);
            assertEquals(direct.get("fid"), rows.get(1).get("fid").asDouble(), 0.0);
            assertEquals(direct.get("kid"), rows.get(1).get("kid").asDouble(), 0.0);
        }
    }

    @Test
    void aResumedRunDropsTheMeasurementsAfterItsSnapshotAndKeepsTheMetricsCommandsLines() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        Path run = tmp.resolve("run");
        try (ImageDataset ds = ImageDataset.open(data)) {
            train(ds, TinyRuns.config(0.032).toBuilder().metrics(fidKid(1)).build(), run);
            assertEquals(2, lines(run).size());
            // a line of the metrics command, and one measured after the snapshot by a run that was then killed
            Files.writeString(run.resolve(TrainingMetrics.FILE), "{\"network\":\"x\",\"fid\":1.5}\n"
                    + "{\"tick\":3,\"kimg\":0.048,\"fid\":2.5}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            try (TrainingLoop loop = TrainingLoop.resume(run, ds,
                    c -> c.toBuilder().totalKimg(0.064).metrics(fidKid(2)).build())) {
                assertEquals(0.032, loop.state().kimg(), 1e-12);
                assertEquals(2, loop.config().metrics().everyTicks());
                loop.run(null, () -> false);
            }
        }
        List<Double> kimg = new ArrayList<>();
        List<String> commandLines = new ArrayList<>();
        for (JsonNode n : lines(run)) {
            if (n.has("kimg")) {
                kimg.add(n.get("kimg").asDouble());
            } else {
                commandLines.add(n.get("network").asText());
            }
        }
        assertEquals(List.of(0.016, 0.032, 0.064), kimg, "kept up to the snapshot, then tick 4 (every 2), the end");
        assertEquals(List.of("x"), commandLines);
    }

    @Test
    void resumingAFinishedRunWritesNothing() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        Path run = tmp.resolve("run");
        try (ImageDataset ds = ImageDataset.open(data)) {
            train(ds, TinyRuns.config(0.032).toBuilder().metrics(fidKid(1)).build(), run);
            byte[] metrics = Files.readAllBytes(run.resolve(TrainingMetrics.FILE));
            FileTime written = Files.getLastModifiedTime(run.resolve(SNAPSHOT));
            try (TrainingLoop loop = TrainingLoop.resume(run, ds, c -> c)) {
                TrainingLoop.Result r = loop.run(null, () -> false);
                assertTrue(r.finished());
                assertEquals(run.resolve(SNAPSHOT), r.lastSnapshot());
            }
            assertArrayEquals(metrics, Files.readAllBytes(run.resolve(TrainingMetrics.FILE)), "no second final row");
            assertEquals(written, Files.getLastModifiedTime(run.resolve(SNAPSHOT)), "the snapshot is not rewritten");
        }
    }

    @Test
    void aResumeMayNotChangeMoreThanLengthAndMetrics() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        Path run = tmp.resolve("run");
        try (ImageDataset ds = ImageDataset.open(data)) {
            train(ds, TinyRuns.config(0.016), run);
            assertEquals("a resumed run may change its length and metrics only, not r1Gamma: 5.0 -> 1.0",
                    assertThrows(StyleGanInputException.class,
                            () -> TrainingLoop.resume(run, ds, c -> c.toBuilder().r1Gamma(1).build())).getMessage());
        }
    }

    @Test
    void aMetricNetworkThatCannotBeLoadedIsLoggedAndTheRunGoesOn() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        Path broken = Path.of("src", "test", "resources", "org", "stylegan4j", "metrics", "not_torchscript.pt");
        TrainingConfig config = TinyRuns.config(0.032).toBuilder().metrics(fidKid(1).withNetworks(
                new MetricNetworks.Choice(broken.toString(), "float"), null, null, false)).build();
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.start(config, ds, tmp.resolve("run"))) {
            TrainingLoop.Result r = loop.run(null, () -> false);
            assertTrue(r.finished());
        }
        assertFalse(Files.exists(tmp.resolve("run").resolve(TrainingMetrics.FILE)));
        assertTrue(Files.exists(tmp.resolve("run").resolve(SNAPSHOT)));
    }
}
