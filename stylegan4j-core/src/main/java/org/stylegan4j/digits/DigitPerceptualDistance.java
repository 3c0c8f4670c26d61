package org.stylegan4j.digits;

import ai.djl.ndarray.NDArray;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.metrics.PathDistance;

/**
 * An LPIPS-style distance (Zhang et al. 2018, used by the paper's path length, section 4.1) built offline from the
 * digits evaluation classifier: the activations of its three convolution stages, each unit-normalised across
 * channels at every pixel, squared differences summed over channels and averaged over pixels, summed over stages
 * (LPIPS with unit layer weights). For 32x32 grayscale digits.
 */
public final class DigitPerceptualDistance implements PathDistance, ImageDistance {

    private static final double EPSILON = 1e-10;
    private final DigitClassifier classifier;

    /** Uses the classifier shipped with stylegan4j. */
    public DigitPerceptualDistance() {
        this(DigitClassifier.bundled());
    }

    /** @param classifier the classifier whose activations are compared (closed with this distance) */
    public DigitPerceptualDistance(DigitClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public String id() {
        return "digits-lpips/" + classifier.fingerprint();
    }

    @Override
    public double[] distances(float[] a, float[] b, int n, int channels, int resolution) {
        DigitFeatures.check(channels, resolution);
        float[][][] fa = classifier.stageActivations(a, n);
        float[][][] fb = classifier.stageActivations(b, n);
        double[] out = new double[n];
        for (int stage = 0; stage < fa.length; stage++) {
            int c = DigitClassifier.stageChannels(stage);
            for (int i = 0; i < n; i++) {
                out[i] += stageDistance(fa[stage][i], fb[stage][i], c);
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "digits (LPIPS-style distance on the bundled classifier's features)";
    }

    @Override
    public Target prepare(NDArray targets) {
        DigitFeatures.check(Math.toIntExact(targets.getShape().get(1)), Math.toIntExact(targets.getShape().get(2)));
        NDArray[] normalised = normalisedStages(targets);
        return new Target() {
            @Override
            public NDArray distance(NDArray images) {
                NDArray[] own = normalisedStages(images);
                NDArray total = null;
                for (int s = 0; s < own.length; s++) {
                    NDArray d = own[s].sub(normalised[s]).square().sum(new int[] {1});
                    d = d.reshape(d.getShape().get(0), -1).mean(new int[] {1});
                    total = total == null ? d : total.add(d);
                }
                return total;
            }

            @Override
            public void close() {
                for (NDArray a : normalised) {
                    a.close();
                }
            }
        };
    }

    /** Each stage's activations divided by their norm across channels at every pixel (plus epsilon), as LPIPS. */
    private NDArray[] normalisedStages(NDArray x) {
        NDArray[] stages = classifier.stages(x);
        for (int s = 0; s < stages.length; s++) {
            stages[s] = stages[s].div(stages[s].square().sum(new int[] {1}, true).sqrt().add((float) EPSILON));
        }
        return stages;
    }

    /**
     * @param x activations [C, H*W] of one image
     * @param y the other image's
     * @param c channels
     * @return mean over pixels of |x/|x| - y/|y||^2, norms taken over channels
     */
    static double stageDistance(float[] x, float[] y, int c) {
        int pixels = x.length / c;
        double total = 0;
        for (int p = 0; p < pixels; p++) {
            double nx = 0;
            double ny = 0;
            for (int k = 0; k < c; k++) {
                nx += (double) x[k * pixels + p] * x[k * pixels + p];
                ny += (double) y[k * pixels + p] * y[k * pixels + p];
            }
            nx = Math.sqrt(nx) + EPSILON;
            ny = Math.sqrt(ny) + EPSILON;
            for (int k = 0; k < c; k++) {
                double d = x[k * pixels + p] / nx - y[k * pixels + p] / ny;
                total += d * d;
            }
        }
        return total / pixels;
    }

    @Override
    public void close() {
        classifier.close();
    }
}
