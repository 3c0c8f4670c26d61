package org.stylegan4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.nn.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop: it runs, writes its run directory, resumes exactly, and stops cleanly on NaN. */
class TrainingLoopTest {

    @TempDir
    Path tmp;

    private static List<double[]> run(TrainingLoop loop) throws IOException {
        List<double[]> losses = new ArrayList<>();
        loop.run(null, () -> false, new TrainingListener() {
            @Override
            public void onStep(TrainingLoop l, double lossG, double lossD) {
                losses.add(new double[] {lossG, lossD});
            }
        });
        return losses;
    }

    private static TrainingConfig withWorkers(TrainingConfig c, int workers) {
        return c.toBuilder().workers(workers).model(c.model().withDiscriminator(new DiscriminatorConfig(2, 1, 2))).build();
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void resumedRunContinuesExactlyLikeAnUninterruptedOne(int workers) throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 40);
        List<double[]> full;
        try (ImageDataset ds = ImageDataset.open(data);
             TrainingLoop loop = TrainingLoop.start(withWorkers(TinyRuns.config(0.064), workers), ds, tmp.resolve("full"))) {
            full = run(loop);
        }
        assertEquals(8, full.size());
        List<double[]> again;
        try (ImageDataset ds = ImageDataset.open(data);
             TrainingLoop loop = TrainingLoop.start(withWorkers(TinyRuns.config(0.064), workers), ds, tmp.resolve("again"))) {
            again = run(loop);
        }
        for (int i = 0; i < full.size(); i++) {
            assertArrayEquals(full.get(i), again.get(i), 0.0, "same seed, same losses at minibatch " + (i + 1));
        }
        try (ImageDataset ds = ImageDataset.open(data);
             TrainingLoop loop = TrainingLoop.start(withWorkers(TinyRuns.config(0.032), workers), ds, tmp.resolve("half"))) {
            assertEquals(4, run(loop).size());
        }
        List<double[]> rest;
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.resume(tmp.resolve("half"), ds, 0.064)) {
            assertEquals(32, loop.state().nimg());
            rest = run(loop);
        }
        assertEquals(4, rest.size());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(full.get(4 + i), rest.get(i), 1e-5, "losses of minibatch " + (5 + i));
        }
    }

    private static TrainingConfig adaptive(double kimg) {
        return TinyRuns.config(kimg).toBuilder()
                .augmentation(new Augmentation(Augmentation.Kind.ADA, 0.5, 0.6, 0.5)).build();
    }

    @Test
    void anAdaptiveRunLogsPAndRtAndResumesExactlyInTheMiddleOfAnInterval() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 40);
        List<double[]> full;
        double finalP;
        try (ImageDataset ds = ImageDataset.open(data);
             TrainingLoop loop = TrainingLoop.start(adaptive(0.064), ds, tmp.resolve("full"))) {
            full = run(loop);
            finalP = loop.state().augmentP();
        }
        List<TickStats> ticks = TickLog.read(tmp.resolve("full"), 1);
        assertEquals(4, ticks.size(), "a tick every 2 minibatches, p moves every 4");
        double step = 8 * 4 / 500.0;
        assertEquals(0.5, ticks.get(0).augmentP(), 0.0);
        double p2 = AdaController.adjust(0.5, (ticks.get(0).rt() + ticks.get(1).rt()) / 2, 0.6, 8, 0.5);
        assertEquals(step, Math.abs(p2 - 0.5), 1e-12);
        assertEquals(p2, ticks.get(1).augmentP(), 1e-12);
        assertEquals(p2, ticks.get(2).augmentP(), 1e-12);
        double p4 = AdaController.adjust(p2, (ticks.get(2).rt() + ticks.get(3).rt()) / 2, 0.6, 8, 0.5);
        assertEquals(p4, ticks.get(3).augmentP(), 1e-12);
        assertEquals(p4, finalP, 1e-12);
        for (TickStats t : ticks) {
            assertTrue(t.rt() >= -1 && t.rt() <= 1, "r_t " + t.rt());
        }
        assertTrue(Files.size(tmp.resolve("full").resolve(LossPlot.AUGMENT_FILE)) > 0);
        assertTrue(Files.readString(tmp.resolve("full").resolve(TickLog.FILE)).contains("\"augmentP\""));

        // stopped after 6 minibatches, half-way through the second interval, and resumed
        try (ImageDataset ds = ImageDataset.open(data);
             TrainingLoop loop = TrainingLoop.start(adaptive(0.048), ds, tmp.resolve("half"))) {
            assertEquals(6, run(loop).size());
            assertEquals(8, loop.state().adaSignCount(), "the signs of 2 minibatches of 4 scores wait for the next move");
        }
        List<double[]> rest;
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.resume(tmp.resolve("half"), ds, 0.064)) {
            assertEquals(p2, loop.state().augmentP(), 1e-12);
            assertEquals(8, loop.state().adaSignCount());
            rest = run(loop);
            assertEquals(finalP, loop.state().augmentP(), 0.0);
        }
        assertEquals(2, rest.size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(full.get(6 + i), rest.get(i), 1e-5, "losses of minibatch " + (7 + i));
        }
    }

    @Test
    void aFixedRunKeepsItsPAndDiffersFromAnUnaugmentedOne() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        List<double[]> plain;
        List<double[]> augmented;
        try (ImageDataset ds = ImageDataset.open(data)) {
            try (TrainingLoop loop = TrainingLoop.start(TinyRuns.config(0.032), ds, tmp.resolve("plain"))) {
                plain = run(loop);
            }
            TrainingConfig fixed = TinyRuns.config(0.032).toBuilder()
                    .augmentation(new Augmentation(Augmentation.Kind.FIXED, 0.4, 0.6, 500)).build();
            try (TrainingLoop loop = TrainingLoop.start(fixed, ds, tmp.resolve("fixed"))) {
                augmented = run(loop);
            }
        }
        for (TickStats t : TickLog.read(tmp.resolve("fixed"), 1)) {
            assertEquals(0.4, t.augmentP(), 0.0);
        }
        for (TickStats t : TickLog.read(tmp.resolve("plain"), 1)) {
            assertEquals(0.0, t.augmentP(), 0.0);
        }
        assertFalse(Files.exists(tmp.resolve("plain").resolve(LossPlot.AUGMENT_FILE)), "no augmentation, no plot");
        assertFalse(java.util.Arrays.equals(plain.get(0), augmented.get(0)), "D sees augmented images");
    }

    @Test
    void augmentationTrainsWithWganGpAndTwoWorkers() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        TrainingConfig c = withWorkers(TinyRuns.config(0.016), 2).toBuilder().loss(TrainingConfig.Loss.WGAN_GP)
                .penaltyInterval(1).augmentation(new Augmentation(Augmentation.Kind.FIXED, 0.5, 0.6, 500)).build();
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.start(c, ds, tmp.resolve("w"))) {
            for (double[] l : run(loop)) {
                assertTrue(Double.isFinite(l[0]) && Double.isFinite(l[1]), java.util.Arrays.toString(l));
            }
        }
    }

    @Test
    void writesTheRunDirectory() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        Path run = tmp.resolve("run");
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.start(TinyRuns.config(0.032), ds, run)) {
            run(loop);
        }
        for (String f : List.of("config.json", "log.jsonl", "reals.png", "loss.png", "fakes000000.png",
                "network-snapshot-000000.safetensors")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        assertEquals(2, Files.readAllLines(run.resolve("log.jsonl")).size());
        try (var files = Files.list(run)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".tmp")), "temp files left behind");
        }
        try (ImageDataset ds = ImageDataset.open(data)) {
            StyleGanInputException e = assertThrows(StyleGanInputException.class,
                    () -> TrainingLoop.start(TinyRuns.config(0.032), ds, run));
            assertTrue(e.getMessage().contains("already holds a training run"), e.getMessage());
        }
    }

    @Test
    void nonFiniteWeightsStopTheRunAndKeepTheLastGoodSnapshot() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        Path run = tmp.resolve("run");
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.start(TinyRuns.config(0.016), ds, run)) {
            run(loop);
        }
        Path snapshot = run.resolve("network-snapshot-000000.safetensors");
        byte[] good = Files.readAllBytes(snapshot);
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.resume(run, ds, 0.2)) {
            ParameterStore.Parameter w = loop.discriminator().parameters().get("4x4.Dense1.weight");
            float[] v = w.array().toFloatArray();
            v[0] = Float.NaN;
            org.stylegan4j.nn.Tensors.copyInto(w.array(), v);
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> run(loop));
            assertTrue(e.getMessage().contains(snapshot.getFileName().toString()), e.getMessage());
        }
        assertArrayEquals(good, Files.readAllBytes(snapshot));
    }

    @Test
    void listenersSeeEveryEventAfterTheStandardOnesHaveWrittenTheirFiles() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 16);
        Path run = tmp.resolve("run");
        List<String> events = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onStart(TrainingLoop loop) {
                events.add("start " + loop.state().nimg() + (Files.exists(run.resolve(SampleGrids.REALS)) ? " reals" : ""));
            }

            @Override
            public void onStep(TrainingLoop loop, double lossG, double lossD) {
                events.add("step " + loop.state().nimg());
            }

            @Override
            public void onTick(TrainingLoop loop, TickStats stats) throws IOException {
                events.add("tick " + stats.tick() + " logged " + Files.readAllLines(run.resolve(TickLog.FILE)).size()
                        + (Files.exists(run.resolve(String.format("fakes%06d.png", loop.state().nimg() / 1000)))
                        ? " grid" : ""));
            }

            @Override
            public void onSnapshot(TrainingLoop loop, Path file) {
                events.add("snapshot " + file.getFileName());
            }
        };
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.start(TinyRuns.config(0.032), ds, run)) {
            loop.run(null, () -> false, recorder);
        }
        // a tick every 2 minibatches of 8 images, a snapshot every tick (SnapshotSchedule, which runs before the
        // given listeners) and one at the end
        assertEquals(List.of("start 0 reals", "step 8", "step 16", "snapshot network-snapshot-000000.safetensors",
                "tick 1 logged 1 grid", "step 24", "step 32", "snapshot network-snapshot-000000.safetensors",
                "tick 2 logged 2 grid", "snapshot network-snapshot-000000.safetensors"), events);
        events.clear();
        try (ImageDataset ds = ImageDataset.open(data); TrainingLoop loop = TrainingLoop.resume(run, ds, 0.048)) {
            loop.run(null, () -> false, recorder);
        }
        assertEquals(List.of("start 32 reals", "step 40", "step 48", "snapshot network-snapshot-000000.safetensors",
                "tick 3 logged 3 grid", "snapshot network-snapshot-000000.safetensors"), events);
    }

    @Test
    void refusesDataOfAnotherResolution() throws IOException {
        Path data = TinyRuns.dataset(tmp.resolve("data"), 4);
        TrainingConfig c = TrainingConfig.preset("small", org.stylegan4j.model.ModelConfig.preset("small", 32));
        try (ImageDataset ds = ImageDataset.open(data)) {
            StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> TrainingLoop.start(c, ds, tmp.resolve("r")));
            assertTrue(e.getMessage().contains("8x8") && e.getMessage().contains("stylegan4j dataset"), e.getMessage());
        }
    }
}
