package org.stylegan4j.train;

/**
 * What one tick of training reports (one line of {@code log.jsonl}).
 *
 * @param tick tick index
 * @param kimg thousands of real images shown so far
 * @param lod level of detail
 * @param resolution schedule resolution
 * @param minibatch minibatch size
 * @param lossG mean generator loss over the tick
 * @param lossD mean discriminator loss over the tick
 * @param penalty mean gradient penalty term over the tick
 * @param realScore mean D score of reals
 * @param fakeScore mean D score of fakes
 * @param secPerKimg seconds per thousand images during the tick
 * @param imagesPerSecond real images per second during the tick
 * @param rssMb resident memory of the process in MiB
 * @param totalSeconds training time so far, across resumes
 * @param peakRssMb the most resident memory of the process during the tick in MiB (0 where not measured)
 * @param augmentP augmentation probability at the end of the tick (0 without augmentation)
 * @param rt ADA's overfitting heuristic over the tick: the mean of sign(D(x)) over the (augmented) reals' raw
 *        scores, logged with or without augmentation
 */
public record TickStats(long tick, double kimg, double lod, int resolution, int minibatch, double lossG, double lossD,
                        double penalty, double realScore, double fakeScore, double secPerKimg, double imagesPerSecond,
                        double rssMb, double totalSeconds, double peakRssMb, double augmentP, double rt) {
}
