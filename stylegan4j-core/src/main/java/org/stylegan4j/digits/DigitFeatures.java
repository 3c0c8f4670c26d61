package org.stylegan4j.digits;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.metrics.FeatureExtractor;

/**
 * The digits evaluation classifier's 256-d penultimate layer as the feature network for FID and KID on
 * 32x32 grayscale digits (offline stand-in for Inception-v3, paper section 4).
 */
public final class DigitFeatures implements FeatureExtractor {

    private final DigitClassifier classifier;

    /** Uses the classifier shipped with stylegan4j. */
    public DigitFeatures() {
        this(DigitClassifier.bundled());
    }

    /** @param classifier the classifier to take features from (closed with this extractor) */
    public DigitFeatures(DigitClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public int dimension() {
        return DigitClassifier.FEATURES;
    }

    @Override
    public String id() {
        return "digits-classifier-fc1/" + classifier.fingerprint();
    }

    @Override
    public float[][] features(float[] images, int n, int channels, int resolution) {
        check(channels, resolution);
        return classifier.features(images, n);
    }

    /** @throws StyleGanInputException unless the images are 32x32 grayscale */
    static void check(int channels, int resolution) {
        if (channels != 1 || resolution != DigitClassifier.RESOLUTION) {
            throw new StyleGanInputException("the digits feature network takes 32x32 grayscale images, got "
                    + resolution + "x" + resolution + " with " + channels + " channel(s); pass a TorchScript network "
                    + "with --extractor");
        }
    }

    @Override
    public void close() {
        classifier.close();
    }
}
