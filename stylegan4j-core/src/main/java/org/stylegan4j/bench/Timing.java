package org.stylegan4j.bench;

import java.util.Arrays;

/** Median wall-clock timing of a repeated action after warm-up passes. */
public final class Timing {

    private Timing() {
    }

    /**
     * @param warmup untimed passes first
     * @param passes timed passes (at least 1)
     * @param action the work
     * @return median seconds per pass
     */
    public static double medianSeconds(int warmup, int passes, Runnable action) {
        for (int i = 0; i < warmup; i++) {
            action.run();
        }
        double[] t = new double[Math.max(1, passes)];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            action.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }
}
