package org.stylegan4j.metrics;

/**
 * A feature network for the paper's metrics (section 4; FID uses Inception-v3 pool features, PPL a
 * perceptual network): images in, one feature vector per image out. Implementations: {@code DigitFeatures}
 * (offline, the bundled digits classifier, in {@code org.stylegan4j.digits}) and {@link TorchScriptFeatureExtractor}
 * (any TorchScript file).
 */
public interface FeatureExtractor extends AutoCloseable {

    /** @return length of each feature vector */
    int dimension();

    /** @return a stable identifier of the network and its input convention (part of cache keys) */
    String id();

    /**
     * @param images {@code n} images, CHW floats in [-1, 1], concatenated
     * @param n number of images
     * @param channels channels per image
     * @param resolution image side
     * @return {@code n} feature vectors of length {@link #dimension()}
     */
    float[][] features(float[] images, int n, int channels, int resolution);

    @Override
    void close();
}
