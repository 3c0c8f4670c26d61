package org.stylegan4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.metrics.DigitClassifier;
import org.stylegan4j.metrics.DigitSampleJudge;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training acceptance in a CI-sized form: a few minutes of the digits preset on the bundled
 * digits already give samples the evaluation classifier recognises far more often than an
 * untrained generator's, of several different digits (the full 30-minute figures are in the README).
 */
class DigitsTrainingAcceptanceTest {

    @TempDir
    Path tmp;

    @Test
    void aShortDigitsRunLearnsDigits() throws IOException {
        Path data = Path.of("..", "data", "mnist32.zip");
        DigitClassifier.Judgement untrained;
        DigitClassifier.Judgement trained;
        try (ImageDataset ds = ImageDataset.open(data); DigitClassifier judge = DigitClassifier.bundled()) {
            TrainingConfig config = TrainingConfig.preset("digits", ModelConfig.preset("digits", 32));
            config.totalKimg = 14;
            config.lodTrainingKimg = 2;
            config.lodTransitionKimg = 2;
            try (Generator g = new Generator(config.model, config.seed)) {
                untrained = DigitSampleJudge.judge(g, judge, 300, i -> { });
            }
            try (TrainingLoop loop = TrainingLoop.start(config, ds, tmp.resolve("run"))) {
                loop.run(null, () -> false, new TrainingLoop.Listener() { });
                trained = DigitSampleJudge.judge(loop.generatorEma(), judge, 300, i -> { });
            }
        }
        long digits = Arrays.stream(trained.confidentPerDigit()).filter(c -> c > 0).count();
        String report = "untrained: " + untrained.describe() + "; trained: " + trained.describe();
        assertTrue(trained.confidentFraction() >= 0.15, report);
        assertTrue(trained.confidentFraction() >= 3 * untrained.confidentFraction(), report);
        assertTrue(digits >= 3, report);
    }
}
