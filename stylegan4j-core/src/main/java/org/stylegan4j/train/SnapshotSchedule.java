package org.stylegan4j.train;

import java.io.IOException;

/** Takes a network snapshot every {@link TrainingConfig#snapshotTicks()} ticks. */
public final class SnapshotSchedule implements TrainingListener {

    @Override
    public void onTick(TrainingLoop loop, TickStats stats) throws IOException {
        if (stats.tick() % loop.config().snapshotTicks() == 0) {
            loop.snapshot();
        }
    }
}
