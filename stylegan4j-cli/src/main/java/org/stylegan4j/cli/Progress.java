package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Console progress bars (me.tongfei progressbar) on stderr, with ETA. */
final class Progress {

    private Progress() {
    }

    /**
     * @param task label
     * @param total number of steps
     * @param unit unit name shown after the counts
     * @return a started progress bar (close it when done)
     */
    static ProgressBar bar(String task, long total, String unit) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" " + unit, 1)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .continuousUpdate()
                .build();
    }
}
