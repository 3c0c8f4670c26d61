package org.stylegan4j.train;

/**
 * ADA's controller of the augmentation probability (Karras et al. 2020, §3): after every {@link #INTERVAL}
 * minibatches it measures the overfitting heuristic r_t = E[sign(D(x))] over the raw scores D gave the (augmented)
 * reals of those minibatches, and moves p by a fixed step towards the target:
 * p &larr; clamp(p + sign(r_t - target) &middot; N &middot; INTERVAL / (kimg &middot; 1000), 0, 1), N the minibatch
 * size, so that p can cross from 0 to 1 in {@code kimg} thousand images (500 in ADA). With a packing discriminator
 * each score covers a pack of images, so r_t averages over packs rather than images. ADA bounds p below only; here p
 * also stays at most 1, beyond which every transform applies already. Runs with a fixed p (or none) keep it.
 */
public final class AdaController {

    /** Minibatches between adjustments of p (ADA's {@code ada_interval}). */
    public static final int INTERVAL = 4;

    private final Augmentation config;
    private double p;
    private double signSum;
    private long signCount;

    /**
     * @param config the run's augmentation
     * @param p the probability now (an adaptive run's, as its state records it)
     * @param signSum sum of sign(D(x)) over the real scores since the last adjustment
     * @param signCount real scores since the last adjustment
     */
    public AdaController(Augmentation config, double p, double signSum, long signCount) {
        this.config = config;
        this.p = config.kind() == Augmentation.Kind.ADA ? p : config.p();
        this.signSum = signSum;
        this.signCount = signCount;
    }

    /** @return the augmentation probability for the next minibatch */
    public double p() {
        return p;
    }

    /** @return sum of sign(D(x)) over the real scores since the last adjustment */
    public double signSum() {
        return signSum;
    }

    /** @return real scores since the last adjustment */
    public long signCount() {
        return signCount;
    }

    /**
     * Counts a minibatch's real scores; in an adaptive run, after every {@link #INTERVAL}-th minibatch, moves p.
     * A minibatch with a non-finite score (its updates skipped) is not counted.
     *
     * @param iteration index of the minibatch just trained
     * @param minibatch its size
     * @param realSignSum sum of sign(D(x)) over its real scores
     * @param realScores how many scores
     */
    public void update(long iteration, int minibatch, double realSignSum, long realScores) {
        if (config.kind() != Augmentation.Kind.ADA) {
            return;
        }
        if (Double.isFinite(realSignSum)) {
            signSum += realSignSum;
            signCount += realScores;
        }
        if ((iteration + 1) % INTERVAL == 0 && signCount > 0) {
            p = adjust(p, signSum / signCount, config.target(), minibatch, config.kimg());
            signSum = 0;
            signCount = 0;
        }
    }

    /**
     * One adjustment of ADA.
     *
     * @param p the probability now
     * @param rt the heuristic r_t over the last interval
     * @param target the r_t aimed at
     * @param minibatch images per minibatch
     * @param kimg thousands of images for p to move by 1
     * @return p + sign(r_t - target) * minibatch * INTERVAL / (kimg * 1000), within [0, 1]
     */
    public static double adjust(double p, double rt, double target, int minibatch, double kimg) {
        double step = Math.signum(rt - target) * minibatch * INTERVAL / (kimg * 1000);
        return Math.min(1, Math.max(0, p + step));
    }
}
