package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.StyleGanInputException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Binary attributes of images for linear separability (paper section 4.2; 40 CelebA-HQ classifiers there): the
 * probability that each attribute is present.
 */
public interface AttributeClassifier extends AutoCloseable {

    /** @return a stable identifier */
    String id();

    /**
     * @param images {@code n} images, CHW floats in [-1, 1], concatenated
     * @param n number of images
     * @param channels channels per image
     * @param resolution image side
     * @return [n][attributes] probabilities in [0, 1]
     */
    double[][] probabilities(float[] images, int n, int channels, int resolution);

    @Override
    void close();

    /**
     * A TorchScript network returning one logit per attribute, [N, A]; as in the official metric, the attribute
     * probability is softmax([logit, -logit])[0] = sigmoid(2 logit).
     *
     * @param file TorchScript file
     * @param input input convention
     * @param rgb whether grayscale images are repeated to three channels first
     * @return the attributes
     */
    static AttributeClassifier torchScript(Path file, TorchScriptFeatureExtractor.Input input, boolean rgb) {
        TorchScriptNetwork network = new TorchScriptNetwork(file, input, rgb, "--attributes-input", false);
        return new AttributeClassifier() {
            @Override
            public String id() {
                return network.id();
            }

            @Override
            public double[][] probabilities(float[] images, int n, int channels, int resolution) {
                int per = channels * resolution * resolution;
                double[][] out = new double[n][];
                for (int from = 0; from < n; from += 32) {
                    int b = Math.min(32, n - from);
                    try (NDManager m = network.newManager()) {
                        NDArray x = m.create(Arrays.copyOfRange(images, from * per, (from + b) * per),
                                new Shape(b, channels, resolution, resolution));
                        NDArray logits = network.forward(m, x);
                        if (logits.getShape().dimension() != 2 || logits.getShape().get(0) != b) {
                            throw new StyleGanInputException("attribute network " + file + " returned shape "
                                    + logits.getShape() + " for a batch of " + b + ", expected [" + b
                                    + ", attributes]");
                        }
                        int a = (int) logits.getShape().get(1);
                        float[] v = logits.toFloatArray();
                        for (int i = 0; i < b; i++) {
                            out[from + i] = new double[a];
                            for (int k = 0; k < a; k++) {
                                out[from + i][k] = 1 / (1 + Math.exp(-2.0 * v[i * a + k]));
                            }
                        }
                    }
                }
                return out;
            }

            @Override
            public void close() {
                network.close();
            }
        };
    }
}
