package org.stylegan4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.digits.DigitFeatures;
import org.stylegan4j.metrics.MetricsRunner;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training issue's shorter CI check of the digits preset: its first 24k images of the bundled digits (about 3
 * minutes on 2 cores; its learning-rate ramp-down comes later) must bring the moving-average generator's FID, as the
 * preset measures it during training, far below a randomly initialised network's. FID rather than the classifier's confident share, which also labels most
 * samples of a random network confidently.
 */
class DigitsPresetTrainingTest {

    private static final Path MNIST = Path.of("..", "data", "mnist32.zip");

    @TempDir
    Path tmp;

    @Test
    void twentyFourThousandImagesBringFidFarBelowARandomNetwork() throws IOException {
        ModelConfig model = ModelConfig.preset("small", 32);
        TrainingConfig config = TrainingConfig.preset("small", model).toBuilder().totalKimg(24).lrRampdown(0).build();
        Path run = tmp.resolve("run");
        try (ImageDataset data = ImageDataset.open(MNIST); TrainingLoop loop = TrainingLoop.start(config, data, run);
             DigitFeatures features = new DigitFeatures(); Generator random = new Generator(model, config.seed())) {
            assertTrue(loop.run(null, () -> false).finished());
            // the preset's own FID during training, measured on the final network
            List<TrainingMetrics.Row> rows = TrainingMetrics.read(run);
            assertEquals(1, rows.size(), "6 ticks of 4k images: no 10th tick, only the end");
            assertEquals(24.0, rows.get(0).kimg(), 1e-9);
            double trained = rows.get(0).values().get("fid");
            MetricsRunner.Settings settings = new MetricsRunner.Settings(config.metrics().num(), 32,
                    TrainingMetrics.SEED, MNIST, null, false, false, features, null, null);
            double untrained = MetricsRunner.run(random, List.of("fid"), settings, MetricsRunner.Progress.NONE).get("fid");
            assertTrue(trained < 1000 && trained < untrained / 4,
                    "FID after 24k images " + trained + ", of the same network at initialisation " + untrained);
        }
    }
}
