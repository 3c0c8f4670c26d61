package org.stylegan4j.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimingTest {

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void warmUpLastsAtLeastItsMinimumTimeThenTheMedianOfTheTimedPassesIsReported() {
        AtomicInteger calls = new AtomicInteger();
        // passes of 10 ms: a 0.1 s minimum warm-up takes about 10 of them, not the 1 asked for; then 3 timed passes
        double median = Timing.medianSeconds(1, 3, () -> {
            calls.incrementAndGet();
            sleep(10);
        }, 0.1);
        assertTrue(calls.get() >= 3 + 9 && calls.get() <= 3 + 12, "calls " + calls.get());
        assertTrue(median >= 0.010 && median < 0.05, "median " + median);
    }

    @Test
    void noWarmUpMeansNone() {
        AtomicInteger calls = new AtomicInteger();
        Timing.medianSeconds(0, 2, calls::incrementAndGet, 10.0);
        assertEquals(2, calls.get());
    }

    @Test
    void theMedianIgnoresOneSlowPass() {
        AtomicInteger calls = new AtomicInteger();
        double median = Timing.medianSeconds(0, 3, () -> sleep(calls.incrementAndGet() == 2 ? 200 : 5), 0);
        assertTrue(median < 0.1, "median " + median);
    }
}
