package org.stylegan4j.digits;

import org.stylegan4j.metrics.AttributeClassifier;

/**
 * The digit classifier's ten one-vs-rest attributes ("is a 0", ..., "is a 9") for linear separability (paper
 * section 4.2, which uses 40 CelebA-HQ attribute classifiers): offline attributes for 32x32 digit networks.
 */
public final class DigitAttributes implements AttributeClassifier {

    private final DigitClassifier classifier;

    /**
     * @param classifier the classifier (closed with this object)
     */
    public DigitAttributes(DigitClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public String id() {
        return "digits-one-vs-rest/" + classifier.fingerprint();
    }

    @Override
    public double[][] probabilities(float[] images, int n, int channels, int resolution) {
        DigitFeatures.check(channels, resolution);
        float[][] p = classifier.probabilities(images, n);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = new double[p[i].length];
            for (int k = 0; k < p[i].length; k++) {
                out[i][k] = p[i][k];
            }
        }
        return out;
    }

    @Override
    public void close() {
        classifier.close();
    }
}
