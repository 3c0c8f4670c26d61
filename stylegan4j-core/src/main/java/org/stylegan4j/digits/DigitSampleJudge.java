package org.stylegan4j.digits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.util.function.IntConsumer;

/**
 * The acceptance check of a generator trained on digits: N samples (seeds 0..N-1, no truncation,
 * noise fixed per seed) judged by the digits evaluation classifier.
 */
public final class DigitSampleJudge {

    private DigitSampleJudge() {
    }

    /**
     * @param g a 32x32 grayscale generator
     * @param classifier the judge
     * @param samples number of samples
     * @param progress called with the number of samples done
     * @return the judgement at the acceptance confidence
     */
    public static DigitClassifier.Judgement judge(Generator g, DigitClassifier classifier, int samples,
                                                  IntConsumer progress) {
        if (g.config().resolution() != DigitClassifier.RESOLUTION || g.config().numChannels() != 1) {
            throw new StyleGanInputException("the digits judge needs a 32x32 grayscale generator, got "
                    + g.config().resolution() + "x" + g.config().resolution() + " with " + g.config().numChannels()
                    + " channel(s)");
        }
        float[][] probs = new float[samples][];
        int batch = 50;
        try (NDManager m = Engines.newManager()) {
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                long[] seeds = new long[n];
                for (int i = 0; i < n; i++) {
                    seeds[i] = start + i;
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray z = Seeds.latents(seeds, g.config().latentSize(), step);
                    float[] images = g.generate(z, Truncation.NONE, Noise.seeded(seeds)).toFloatArray();
                    float[][] p = classifier.probabilities(images, n);
                    System.arraycopy(p, 0, probs, start, n);
                }
                progress.accept(start + n);
            }
        }
        return DigitClassifier.judge(probs, DigitClassifier.ACCEPTANCE_CONFIDENCE);
    }
}
