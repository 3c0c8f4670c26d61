package org.stylegan4j.train;

/**
 * The progressive-growing schedule (appendix C, from ProGAN): level of detail, resolution, minibatch,
 * learning rate and tick length as functions of the thousands of images shown so far. Each phase is
 * stable first, then fades the next resolution in. An optional ramp-down of the learning rate over the
 * end of the run is not in the paper (see {@link TrainingConfig#lrRampdown}).
 *
 * @param lod level of detail (0 = full resolution)
 * @param resolution the schedule resolution 2^(R - floor(lod)), the higher one during a fade
 * @param minibatch images per minibatch
 * @param learningRate learning rate of G and D
 * @param tickKimg thousands of images per tick
 */
public record Schedule(double lod, int resolution, int minibatch, double learningRate, double tickKimg) {

    /**
     * @param c training config
     * @param kimg thousands of images shown so far
     * @return the schedule at that point
     */
    public static Schedule at(TrainingConfig c, double kimg) {
        int r = c.model().resolutionLog2();
        double lod = 0;
        if (c.progressive()) {
            double phaseDur = c.lodTrainingKimg() + c.lodTransitionKimg();
            long phaseIdx = phaseDur > 0 ? (long) Math.floor(kimg / phaseDur) : 0;
            double phaseKimg = kimg - phaseIdx * phaseDur;
            lod = r - Math.floor(Math.log(c.lodInitialResolution()) / Math.log(2)) - phaseIdx;
            if (c.lodTransitionKimg() > 0) {
                lod -= Math.max(phaseKimg - c.lodTrainingKimg(), 0) / c.lodTransitionKimg();
            }
            lod = Math.max(lod, 0);
        }
        int res = 1 << (r - (int) Math.floor(lod));
        int mb = c.minibatchDict().getOrDefault(res, c.minibatchBase());
        double lr = c.lrDict().getOrDefault(res, c.lrBase()) * rampdown(c, kimg);
        double tick = c.tickKimgDict().getOrDefault(res, c.tickKimgBase());
        return new Schedule(lod, res, mb, lr, tick);
    }

    /**
     * @param c training config
     * @param kimg thousands of images shown so far
     * @return the learning-rate factor: 1 before the last ramp = lrRampdown * totalKimg of the run, then
     *         0.5 (1 - cos(pi * remaining / ramp)), down to 0 at {@code totalKimg}
     */
    static double rampdown(TrainingConfig c, double kimg) {
        double ramp = c.lrRampdown() * c.totalKimg();
        double remaining = c.totalKimg() - kimg;
        if (!(ramp > 0) || remaining >= ramp) {
            return 1;
        }
        return 0.5 * (1 - Math.cos(Math.PI * Math.max(remaining, 0) / ramp));
    }
}
