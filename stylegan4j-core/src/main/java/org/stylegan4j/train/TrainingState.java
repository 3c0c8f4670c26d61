package org.stylegan4j.train;

/**
 * Counters of a training run that a resume restores (with the networks and the optimizer moments).
 *
 * @param nimg real images shown to D so far
 * @param iteration minibatches done
 * @param tick ticks done
 * @param tickStartNimg nimg at the start of the current tick
 * @param lodFloor floor(lod) the optimizers were last reset at
 * @param lodCeil ceil(lod) the optimizers were last reset at
 * @param scheduleKimg kimg at which the schedule in force was evaluated
 * @param scheduleIteration iteration the schedule was last evaluated at
 * @param adamStepsG update count of G's optimizer
 * @param adamStepsD update count of D's optimizer
 * @param loaderPosition position in the real-image stream
 * @param totalSeconds training time so far
 * @param augmentP augmentation probability of the next minibatch (0 without augmentation; a state written before
 *        augmentation existed reads as 0)
 * @param adaSignSum sum of sign(D(x)) over the real scores since ADA last adjusted p ({@link AdaController})
 * @param adaSignCount real scores since ADA last adjusted p
 */
public record TrainingState(long nimg, long iteration, long tick, long tickStartNimg, int lodFloor, int lodCeil,
                            double scheduleKimg, long scheduleIteration, long adamStepsG, long adamStepsD,
                            long loaderPosition, double totalSeconds, double augmentP, double adaSignSum,
                            long adaSignCount) {

    /**
     * @param augmentP the augmentation probability a run starts with
     * @return the state of a new run
     */
    public static TrainingState initial(double augmentP) {
        return new TrainingState(0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 0, augmentP, 0, 0);
    }

    /**
     * @param seconds training time so far
     * @return a copy with another training time
     */
    public TrainingState withTotalSeconds(double seconds) {
        return new TrainingState(nimg, iteration, tick, tickStartNimg, lodFloor, lodCeil, scheduleKimg,
                scheduleIteration, adamStepsG, adamStepsD, loaderPosition, seconds, augmentP, adaSignSum, adaSignCount);
    }

    /** @return the state after a tick ends: one more tick, the next one starting here */
    public TrainingState nextTick() {
        return new TrainingState(nimg, iteration, tick + 1, nimg, lodFloor, lodCeil, scheduleKimg, scheduleIteration,
                adamStepsG, adamStepsD, loaderPosition, totalSeconds, augmentP, adaSignSum, adaSignCount);
    }

    /** @return thousands of images shown so far */
    public double kimg() {
        return nimg / 1000.0;
    }
}
