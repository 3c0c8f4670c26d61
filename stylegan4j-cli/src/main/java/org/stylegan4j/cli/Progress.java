package org.stylegan4j.cli;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Console progress bars (me.tongfei progressbar) on stderr, with ETA; redrawn in place on a terminal,
 * one line every 30 seconds when stderr goes to a file or pipe.
 */
final class Progress {

    private static final int PIPE_INTERVAL_MS = 30_000;

    private Progress() {
    }

    /**
     * @param task label
     * @param total number of steps
     * @param unit unit name shown after the counts
     * @return a started progress bar (close it when done)
     */
    static ProgressBar bar(String task, long total, String unit) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" " + unit, 1)
                .showSpeed();
        if (System.console() == null) {
            b.setUpdateIntervalMillis(PIPE_INTERVAL_MS).setConsumer(new DelegatingProgressBarConsumer(System.err::println));
        } else {
            b.setUpdateIntervalMillis(250).continuousUpdate();
        }
        return b.build();
    }
}
