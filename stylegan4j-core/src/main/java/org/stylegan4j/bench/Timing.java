package org.stylegan4j.bench;

import java.util.Arrays;

/**
 * Median wall-clock timing of a repeated action after warm-up passes. The warm-up also lasts at least
 * {@value #MIN_WARMUP_SECONDS} seconds: the Java side of a pass (DJL's wrappers, our scopes) runs interpreted
 * until the JVM has compiled it, which at 32x32 and batch 1 made one warm-up pass report 14 images/s where the
 * warm rate is 20.
 */
public final class Timing {

    /** Shortest warm-up, in seconds, unless no warm-up is asked for. */
    public static final double MIN_WARMUP_SECONDS = 2.0;

    private Timing() {
    }

    /**
     * @param warmup untimed passes first (0: none; otherwise at least this many, for at least
     *               {@value #MIN_WARMUP_SECONDS} seconds)
     * @param passes timed passes (at least 1)
     * @param action the work
     * @return median seconds per pass
     */
    public static double medianSeconds(int warmup, int passes, Runnable action) {
        return medianSeconds(warmup, passes, action, MIN_WARMUP_SECONDS);
    }

    static double medianSeconds(int warmup, int passes, Runnable action, double minWarmupSeconds) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup || warmup > 0 && (System.nanoTime() - warmStart) / 1e9 < minWarmupSeconds; i++) {
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
