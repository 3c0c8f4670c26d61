package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Low-pass filter with the separable [1, 2, 1] kernel after each upsampling in G and before each
 * downsampling in D (paper section 2, citing Zhang 2019): depthwise 3x3, zero padding 1.
 */
public final class Blur {

    private static final float[] KERNEL = {1, 2, 1, 2, 4, 2, 1, 2, 1};

    private final NDArray kernel;
    private final int channels;

    /**
     * @param manager manager that owns the constant kernel
     * @param channels number of channels filtered independently
     */
    public Blur(NDManager manager, int channels) {
        this.channels = channels;
        float[] k = new float[9 * channels];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < 9; i++) {
                k[c * 9 + i] = KERNEL[i] / 16f;
            }
        }
        this.kernel = manager.create(k, new Shape(channels, 1, 3, 3));
    }

    /**
     * @param x input [N, C, H, W]
     * @return blurred input, same shape
     */
    public NDArray forward(NDArray x) {
        return EngineKernels.conv2d(x, kernel, 1, 1, channels);
    }

    /**
     * @param h height
     * @param w width
     * @return multiply-adds times two for one sample
     */
    public long flops(int h, int w) {
        return 2L * 9 * channels * h * w;
    }
}
