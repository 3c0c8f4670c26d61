package org.stylegan4j.metrics;

/**
 * The image distance of perceptual path length (paper section 4.1; LPIPS in the paper): one distance per image pair.
 */
public interface PathDistance extends AutoCloseable {

    /** @return a stable identifier */
    String id();

    /**
     * @param a first images, CHW floats in [-1, 1], concatenated
     * @param b second images, same layout
     * @param n number of pairs
     * @param channels channels per image
     * @param resolution image side
     * @return {@code n} distances
     */
    double[] distances(float[] a, float[] b, int n, int channels, int resolution);

    @Override
    void close();
}
