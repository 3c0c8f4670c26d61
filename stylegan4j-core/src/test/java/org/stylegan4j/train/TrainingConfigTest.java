package org.stylegan4j.train;

import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.metrics.MetricNetworks;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.ModelConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration tree: its JSON form, the configs of older runs, and every invariant with its message. */
class TrainingConfigTest {

    private static final TrainingConfig SMALL = TrainingConfig.preset("small", ModelConfig.preset("small", 32));

    private static String resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(TrainingConfigTest.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void jsonRoundTripGivesTheSameTree() {
        for (TrainingConfig c : List.of(SMALL, TrainingConfig.preset("ffhq", ModelConfig.official(1024)),
                SMALL.toBuilder().loss(TrainingConfig.Loss.WGAN_GP).batchRoundDict(Map.of(32, 8)).build())) {
            assertEquals(c, TrainingConfig.fromJson(c.toJson(), "test"));
        }
        assertTrue(SMALL.toJson().contains("\"discriminator\" : {"), SMALL.toJson());
        assertTrue(SMALL.toBuilder().loss(TrainingConfig.Loss.WGAN_GP).build().toJson().contains("\"loss\" : \"wgan-gp\""));
    }

    @Test
    void aConfigWrittenBeforeTheDiscriminatorMovedIntoTheModelReadsAsTheSameTree() throws IOException {
        // config.json of the quick start's run as version 0.1 wrote it: pack, stddev group and features at the top
        String old = resource("config-0.1.json");
        assertTrue(old.contains("\"pack\" : 2") && !old.contains("discriminator"), old);
        TrainingConfig read = TrainingConfig.fromJson(old, "config-0.1.json");
        assertEquals(new DiscriminatorConfig(32, 1, 2), read.model().discriminator());
        // that run measured no metrics during training, and its mapping learnt at the paper's 0.01; today's preset
        // measures the digit classifier's FID and its mapping learns at the synthesis network's rate
        assertEquals(MetricsConfig.NONE, read.metrics());
        assertEquals(SMALL.toBuilder().metrics(MetricsConfig.NONE)
                .model(SMALL.model().toBuilder().mappingLrMul(0.01).build()).build(), read);
    }

    @Test
    void theSmallPresetMeasuresTheDigitFidOnDigitSizedDataOnly() {
        MetricsConfig digits = SMALL.metrics();
        assertEquals(List.of("fid"), digits.metrics());
        assertEquals(10, digits.everyTicks());
        assertEquals(1000, digits.num());
        assertEquals(MetricNetworks.DIGITS, digits.features().network());
        TrainingConfig colour = TrainingConfig.preset("small", ModelConfig.preset("small", 64).withChannels(3));
        assertEquals(MetricsConfig.NONE, colour.metrics());
        assertEquals(MetricsConfig.NONE, TrainingConfig.preset("ffhq", ModelConfig.preset("ffhq", 1024)).metrics());
        TrainingConfig measured = SMALL.toBuilder().metrics(digits.withMetrics(List.of("ls", "fid", "fid"))
                .withEveryTicks(3)).build();
        assertEquals(List.of("fid", "ls"), measured.metrics().metrics(), "computation order, no repeats");
        assertEquals(measured, TrainingConfig.fromJson(measured.toJson(), "test"));
        assertEquals(List.of("metrics.metrics: [\"fid\"] -> [\"fid\",\"ls\"]", "metrics.everyTicks: 10 -> 3"),
                SMALL.differences(measured));
    }

    @Test
    void badMetricsSettingsAreOneLineNamingTheOption() {
        MetricsConfig digits = SMALL.metrics();
        assertEquals("metrics.everyTicks (--metrics-every) must be at least 1, got 0", assertThrows(
                StyleGanInputException.class, () -> SMALL.toBuilder().metrics(digits.withEveryTicks(0)).build())
                .getMessage());
        assertEquals("metrics.num (--metrics-num) must be between 2 and 200000, got 1", assertThrows(
                StyleGanInputException.class, () -> SMALL.toBuilder().metrics(digits.withNum(1)).build()).getMessage());
        assertEquals("unknown metric 'fjd' (known: fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls)",
                assertThrows(StyleGanInputException.class, () -> digits.withMetrics(List.of("fjd"))).getMessage());
        assertEquals("perceptual path length needs a distance network: pass --ppl-network FILE (TorchScript) or "
                + "--ppl-network digits (the bundled digit networks, for 32x32 grayscale images)",
                assertThrows(StyleGanInputException.class, () -> digits.withMetrics(List.of("ppl_wend"))
                        .checkNetworks(1, 32)).getMessage());
        assertEquals("--extractor digits needs a 32x32 grayscale network; this one makes 64x64 images with 3 channel(s)",
                assertThrows(StyleGanInputException.class, () -> digits.checkNetworks(3, 64)).getMessage());
        assertEquals("--extractor missing.pt: no such file", assertThrows(StyleGanInputException.class,
                () -> digits.withNetworks(new MetricNetworks.Choice("missing.pt", "uint8"), null, null, false)
                        .checkNetworks(3, 64)).getMessage());
    }

    @Test
    void theAugmentationIsPartOfTheTreeAndOldConfigsReadAsNone() throws IOException {
        Augmentation ada = new Augmentation(Augmentation.Kind.ADA, 0.1, 0.7, 100);
        TrainingConfig c = SMALL.toBuilder().augmentation(ada).build();
        assertTrue(c.toJson().contains("\"kind\" : \"ada\""), c.toJson());
        assertEquals(c, TrainingConfig.fromJson(c.toJson(), "test"));
        assertEquals(List.of("augmentation.kind: \"none\" -> \"ada\"", "augmentation.p: 0.0 -> 0.1",
                "augmentation.target: 0.6 -> 0.7", "augmentation.kimg: 500.0 -> 100.0"), SMALL.differences(c));
        assertTrue(c.toJson().contains("\"pipe\" : \"bgc\""), c.toJson());
        TrainingConfig blit = c.toBuilder().augmentation(ada.withPipe(Augmentation.Pipe.BLIT)).build();
        assertEquals(blit, TrainingConfig.fromJson(blit.toJson(), "test"));
        assertEquals(List.of("augmentation.pipe: \"bgc\" -> \"blit\""), c.differences(blit));
        assertEquals(c, TrainingConfig.fromJson(c.toJson().replace("\"pipe\" : \"bgc\"", "\"pipe\" : null"), "t"),
                "a config written before the pipe was a choice reads as bgc");
        assertEquals("x: training config is not valid (unknown augmentation pipeline 'bgcf' (expected blit, geom, "
                + "color, bg or bgc))", assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson(
                        c.toJson().replace("\"bgc\"", "\"bgcf\""), "x")).getMessage());
        assertEquals(Augmentation.NONE, SMALL.augmentation());
        assertEquals(Augmentation.NONE, TrainingConfig.fromJson(resource("config-0.1.json"), "old").augmentation());
        String withoutKind = c.toJson().replace("\"kind\" : \"ada\",", "");
        assertEquals("x: augmentation.p (--aug-p) is the probability of --aug fixed or ada; the augmentation is none",
                assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson(withoutKind, "x")).getMessage(),
                "a missing kind reads as none");
        assertEquals("x: training config is not valid (unknown augmentation 'adaptive' (expected none, fixed or ada))",
                assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson(
                        c.toJson().replace("\"ada\"", "\"adaptive\""), "x")).getMessage());
    }

    @Test
    void augmentationValuesAreCheckedWithTheirOptions() {
        refused("augmentation.p (--aug-p) must be between 0 and 1, got 1.5",
                b -> b.augmentation(new Augmentation(Augmentation.Kind.FIXED, 1.5, 0.6, 500)));
        refused("augmentation.p (--aug-p) must be between 0 and 1, got -0.1",
                b -> b.augmentation(new Augmentation(Augmentation.Kind.ADA, -0.1, 0.6, 500)));
        refused("augmentation.p (--aug-p) is the probability of --aug fixed or ada; the augmentation is none",
                b -> b.augmentation(new Augmentation(Augmentation.Kind.NONE, 0.2, 0.6, 500)));
        refused("augmentation.target (--ada-target) must be between 0 and 1 (exclusive), got 1.0",
                b -> b.augmentation(new Augmentation(Augmentation.Kind.ADA, 0, 1, 500)));
        refused("augmentation.kimg (--ada-kimg) must be positive, got 0.0",
                b -> b.augmentation(new Augmentation(Augmentation.Kind.ADA, 0, 0.6, 0)));
    }

    @Test
    void tablesAreSortedAndCannotBeChanged() {
        TrainingConfig c = SMALL.toBuilder().minibatchDict(Map.of(32, 16, 8, 64, 16, 32)).build();
        assertEquals(List.of(8, 16, 32), List.copyOf(c.minibatchDict().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.minibatchDict().put(64, 8));
        assertThrows(UnsupportedOperationException.class, () -> c.lrDict().clear());
    }

    @Test
    void differencesNameEveryChangedValueWithItsPath() {
        TrainingConfig other = SMALL.toBuilder().lrBase(0.002).seed(7)
                .model(SMALL.model().withDiscriminator(new DiscriminatorConfig(32, 1, 4))).build();
        assertEquals(List.of("model.discriminator.pack: 2 -> 4", "lrBase: 0.005 -> 0.002", "seed: 1000 -> 7"),
                SMALL.differences(other));
        assertEquals(List.of("minibatchDict: {\"8\":64,\"16\":32,\"32\":32} -> {\"8\":8}"),
                SMALL.differences(SMALL.toBuilder().minibatchDict(Map.of(8, 8)).build()));
        assertEquals(List.of(), SMALL.differences(SMALL.toBuilder().build()));
    }

    private static void refused(String message, UnaryOperator<TrainingConfig.Builder> change) {
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> change.apply(SMALL.toBuilder()).build());
        assertEquals(message, e.getMessage());
    }

    @Test
    void everyInvariantIsCheckedWithAMessageNamingTheFieldAndItsOption() {
        refused("totalKimg (--kimg) must be positive, got 0.0", b -> b.totalKimg(0));
        refused("totalKimg (--kimg) must be positive, got Infinity", b -> b.totalKimg(Double.POSITIVE_INFINITY));
        refused("lodTrainingKimg (--lod-kimg) must be between 0.0 and 1.7976931348623157E308, got -1.0",
                b -> b.lodTrainingKimg(-1));
        refused("progressive growing needs phases of some length (--lod-kimg)",
                b -> b.lodTrainingKimg(0).lodTransitionKimg(0));
        refused("lodInitialResolution must be a power of two of at least 4, got 12", b -> b.lodInitialResolution(12));
        refused("minibatchBase (--batch) must be at least 1, got 0", b -> b.minibatchBase(0));
        refused("minibatchDict (--batch) must be at least 1, got -4", b -> b.minibatchDict(Map.of(8, -4)));
        refused("lrBase (--lr) must be positive, got NaN", b -> b.lrBase(Double.NaN));
        refused("lrDict (--lr) must be positive, got 0.0", b -> b.lrDict(Map.of(8, 0.0)));
        refused("lrRampdown (--lr-rampdown) must be between 0.0 and 1.0, got 1.5", b -> b.lrRampdown(1.5));
        refused("minibatchRepeats must be at least 1, got 0", b -> b.minibatchRepeats(0));
        refused("r1Gamma (--gamma) must be between 0.0 and 1.7976931348623157E308, got -1.0", b -> b.r1Gamma(-1));
        refused("penaltyInterval (--r1-interval) must be at least 1, got 0", b -> b.penaltyInterval(0));
        refused("gSmoothingKimg (--ema-kimg) must be between 0.0 and 1.7976931348623157E308, got NaN",
                b -> b.gSmoothingKimg(Double.NaN));
        refused("wAvgBeta must be between 0.0 and 1.0, got 2.0", b -> b.wAvgBeta(2));
        refused("tickKimgBase (--tick-kimg) must be positive, got -1.0", b -> b.tickKimgBase(-1));
        refused("workers (--workers) must be at least 1, got 0", b -> b.workers(0));
        refused("batchRound (--batch-round) must be 0 (the whole share) or more, got -1", b -> b.batchRound(-1));
        refused("snapshotTicks (--snapshot-ticks) must be at least 1, got 0", b -> b.snapshotTicks(0));
        refused("gridSize (--grid-size) must be at most 32, got 33", b -> b.gridSize(33));
        refused("a training config needs a model and a loss", b -> b.loss(null));
        refused("the minibatch 32 does not split into 3 worker share(s) that are multiples of the pack size 2 "
                + "(see --batch, --workers and --pack)", b -> b.workers(3));
    }

    @Test
    void theModelChecksItsDiscriminatorAgainstItsChannels() {
        assertEquals("stddevFeatures (--mbstd-features) must divide the discriminator's 128 channels at 4x4, got 3",
                assertThrows(StyleGanInputException.class,
                        () -> SMALL.model().withDiscriminator(new DiscriminatorConfig(4, 3, 1))).getMessage());
        assertEquals("pack (--pack) must be at least 1, got 0",
                assertThrows(StyleGanInputException.class, () -> new DiscriminatorConfig(4, 1, 0)).getMessage());
    }

    @Test
    void badJsonIsOneLineNamingTheFile() {
        assertEquals("run/config.json: training config is not valid (Unrecognized field \"lr\" (class "
                        + "org.stylegan4j.train.TrainingConfig), not marked as ignorable)",
                assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson(
                        SMALL.toJson().replace("\"lrBase\"", "\"lr\""), "run/config.json")).getMessage()
                        .replaceAll(" \\(\\d+ known properties.*\\)$", ")"));
        assertEquals("run/config.json: not a training config (expected a JSON object with a model)",
                assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson("[1, 2]", "run/config.json"))
                        .getMessage());
        assertEquals("run/config.json: totalKimg (--kimg) must be positive, got -5.0",
                assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson(
                        SMALL.toJson().replace("\"totalKimg\" : 200.0", "\"totalKimg\" : -5"), "run/config.json"))
                        .getMessage());
        assertEquals("run/config.json: training config is not valid (pack (--pack) must be at least 1, got 0)",
                assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson(
                        SMALL.toJson().replace("\"pack\" : 2", "\"pack\" : 0"), "run/config.json")).getMessage());
        String message = assertThrows(StyleGanInputException.class, () -> TrainingConfig.fromJson(
                SMALL.toJson().replace("\"loss\" : \"logistic\"", "\"loss\" : \"hinge\""), "run/config.json"))
                .getMessage();
        assertTrue(message.startsWith("run/config.json: ") && message.contains("unknown loss 'hinge'"), message);
        assertEquals(1, message.lines().count(), message);
    }
}
