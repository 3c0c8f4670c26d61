package org.stylegan4j.nn;

/**
 * Equalized learning rate (paper section 4.1 of ProGAN, used throughout StyleGAN, appendix C):
 * weights are stored as N(0, 1/lrmul) and scaled at run time by {@code gain / sqrt(fanIn) * lrmul}.
 */
public final class EqualizedLr {

    private EqualizedLr() {
    }

    /**
     * Runtime coefficient of a weight: He's standard deviation times the lr multiplier, computed in
     * double precision as the official code does, then used in float32.
     *
     * @param gain gain (sqrt(2) before leaky ReLU, 1 for linear outputs)
     * @param fanIn product of all weight dimensions but the output one
     * @param lrMul learning-rate multiplier (0.01 in the mapping network)
     * @return the coefficient
     */
    public static float coefficient(double gain, long fanIn, double lrMul) {
        return (float) (gain / Math.sqrt(fanIn) * lrMul);
    }

    /**
     * Standard deviation of the stored variable at initialisation.
     *
     * @param lrMul learning-rate multiplier
     * @return 1 / lrMul
     */
    public static double initStd(double lrMul) {
        return 1.0 / lrMul;
    }

    /** Gain used before a leaky ReLU: sqrt(2). */
    public static final double RELU_GAIN = Math.sqrt(2.0);
}
