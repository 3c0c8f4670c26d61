package org.stylegan4j.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Receives a training run's events (as DJL's {@code TrainingListener}). What a run writes besides its snapshots is
 * written by listeners: {@link TickLog} ({@code log.jsonl}), {@link SampleGrids} ({@code reals.png},
 * {@code fakesKKKKKK.png}), {@link LossPlot} ({@code loss.png}) and {@link SnapshotSchedule} (a snapshot every
 * {@link TrainingConfig#snapshotTicks()} ticks) and {@link TrainingMetrics} ({@code metrics.jsonl}, {@code metrics.png});
 * {@link TrainingLoop#run} calls those first, then the caller's.
 */
public interface TrainingListener {

    /**
     * Before the first minibatch of {@link TrainingLoop#run} (a new run or a resumed one).
     *
     * @param loop the loop, positioned where it starts
     * @throws IOException if the listener cannot write its files
     */
    default void onStart(TrainingLoop loop) throws IOException {
    }

    /**
     * After every minibatch.
     *
     * @param loop the loop ({@link TrainingLoop#state()} counts the minibatch)
     * @param lossG the minibatch's generator loss
     * @param lossD the minibatch's discriminator loss
     */
    default void onStep(TrainingLoop loop, double lossG, double lossD) {
    }

    /**
     * After every tick.
     *
     * @param loop the loop
     * @param stats the tick just finished
     * @throws IOException if the listener cannot write its files
     */
    default void onTick(TrainingLoop loop, TickStats stats) throws IOException {
    }

    /**
     * After a snapshot was written (on schedule, or the last one of {@link TrainingLoop#run}).
     *
     * @param loop the loop
     * @param file the network snapshot
     */
    default void onSnapshot(TrainingLoop loop, Path file) {
    }

    /**
     * When {@link TrainingLoop#run} returns or fails, after its last snapshot; release what the listener holds.
     *
     * @param loop the loop
     */
    default void onEnd(TrainingLoop loop) {
    }
}
