package org.stylegan4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.ParameterStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fine-tuning: a run starts from a trained network's tensors, and D's first layers stay as trained. */
class FineTuningTest {

    private static final String SNAPSHOT = "network-snapshot-000000.safetensors";

    @TempDir
    Path tmp;

    /** Trains the tiny network for a few minibatches and returns its snapshot. */
    private Path trained(ImageDataset ds) throws IOException {
        Path run = tmp.resolve("source");
        try (TrainingLoop loop = TrainingLoop.start(TinyRuns.config(0.032), ds, run)) {
            loop.run(null, () -> false);
        }
        return run.resolve(SNAPSHOT);
    }

    private static TrainingConfig fineTune(Path from, int freezeD, double kimg) {
        return TinyRuns.config(kimg).toBuilder().progressive(false).seed(77)
                .fineTuning(new FineTuning(from.toString(), freezeD)).build();
    }

    private static void assertHolds(Map<String, SafeTensors.Tensor> tensors, String prefix, ParameterStore store) {
        for (ParameterStore.Parameter p : store.all()) {
            assertArrayEquals(tensors.get(prefix + "." + p.name()).data(), p.array().toFloatArray(), 0f,
                    prefix + "." + p.name());
        }
    }

    @Test
    void aFineTunedRunStartsFromEveryTensorOfTheNetwork() throws IOException {
        try (ImageDataset ds = ImageDataset.open(TinyRuns.dataset(tmp.resolve("data"), 16))) {
            Path source = trained(ds);
            Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(source).tensors();
            try (TrainingLoop loop = TrainingLoop.start(fineTune(source, 0, 0.016), ds, tmp.resolve("tuned"))) {
                assertHolds(tensors, Checkpoint.G, loop.generator().parameters());
                assertHolds(tensors, Checkpoint.G_EMA, loop.generatorEma().parameters());
                assertHolds(tensors, Checkpoint.D, loop.discriminator().parameters());
                assertFalse(loop.config().progressive());
            }
        }
    }

    @Test
    void frozenLayersOfDKeepTheirWeightsAndTheOthersLearn() throws IOException {
        try (ImageDataset ds = ImageDataset.open(TinyRuns.dataset(tmp.resolve("data"), 16))) {
            Path source = trained(ds);
            Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(source).tensors();
            ModelConfig model = TinyRuns.config(1).model();
            List<String> layers = Discriminator.layerScopes(model);
            assertEquals(List.of("FromRGB_lod0", "8x8.Conv0", "8x8.Conv1_down", "4x4.Conv", "4x4.Dense0",
                    "4x4.Dense1"), layers);
            try (TrainingLoop loop = TrainingLoop.start(fineTune(source, 2, 0.032), ds, tmp.resolve("tuned"))) {
                loop.run(null, () -> false);
                for (ParameterStore.Parameter p : loop.discriminator().parameters().trainable()) {
                    String scope = p.name().substring(0, p.name().lastIndexOf('.'));
                    int layer = layers.indexOf(scope);
                    if (layer < 0) {
                        continue;
                    }
                    float[] before = tensors.get("D." + p.name()).data();
                    boolean same = Arrays.equals(before, p.array().toFloatArray());
                    assertEquals(layer < 2, same, p.name() + (layer < 2 ? " is frozen" : " learns"));
                }
            }
        }
    }

    @Test
    void badFineTuningIsOneClearMessage() throws IOException {
        try (ImageDataset ds = ImageDataset.open(TinyRuns.dataset(tmp.resolve("data"), 16))) {
            Path source = trained(ds);
            StyleGanInputException deep = assertThrows(StyleGanInputException.class,
                    () -> TrainingLoop.start(fineTune(source, 7, 0.016), ds, tmp.resolve("a")));
            assertEquals("--freeze-d 7 is more than D's 6 layers", deep.getMessage());
            StyleGanInputException alone = assertThrows(StyleGanInputException.class,
                    () -> TinyRuns.config(1).toBuilder().fineTuning(new FineTuning(null, 2)).build());
            assertEquals("--freeze-d keeps trained layers of D: it needs --init-from", alone.getMessage());
            StyleGanInputException grow = assertThrows(StyleGanInputException.class,
                    () -> TinyRuns.config(1).toBuilder().fineTuning(new FineTuning(source.toString(), 0)).build());
            assertTrue(grow.getMessage().contains("it cannot grow"), grow.getMessage());
            Path gOnly = tmp.resolve("g-only.safetensors");
            try (var g = Checkpoint.loadGenerator(source)) {
                Checkpoint.save(gOnly, g.config(), Map.of(Checkpoint.G_EMA, g.parameters()), Map.of());
            }
            StyleGanInputException noD = assertThrows(StyleGanInputException.class,
                    () -> TrainingLoop.start(fineTune(gOnly, 0, 0.016), ds, tmp.resolve("b")));
            assertTrue(noD.getMessage().contains("holds no discriminator")
                    && noD.getMessage().contains("import --with-discriminator"), noD.getMessage());
        }
    }
}
