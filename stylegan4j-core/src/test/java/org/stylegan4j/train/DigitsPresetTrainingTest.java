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

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training issue's shorter CI check of the digits preset: its first 24k images of the bundled digits (about 3
 * minutes on 2 cores; its learning-rate ramp-down comes later) must bring the moving-average generator's FID far
 * below a randomly initialised network's. FID rather than the classifier's confident share, which also labels most
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
        MetricsRunner.Progress quiet = new MetricsRunner.Progress() {
            @Override
            public void start(String task, long total) {
            }

            @Override
            public void step(long done) {
            }
        };
        try (ImageDataset data = ImageDataset.open(MNIST); TrainingLoop loop = TrainingLoop.start(config, data, tmp.resolve("run"));
             DigitFeatures features = new DigitFeatures(); Generator random = new Generator(model, config.seed())) {
            assertTrue(loop.run(null, () -> false).finished());
            MetricsRunner.Settings settings = new MetricsRunner.Settings(500, 100, 0, MNIST, null, false, false, features, null, null);
            double trained = MetricsRunner.run(loop.generatorEma(), List.of("fid"), settings, quiet).get("fid");
            double untrained = MetricsRunner.run(random, List.of("fid"), settings, quiet).get("fid");
            assertTrue(trained < 1000 && trained < untrained / 4,
                    "FID after 24k images " + trained + ", of the same network at initialisation " + untrained);
        }
    }
}
