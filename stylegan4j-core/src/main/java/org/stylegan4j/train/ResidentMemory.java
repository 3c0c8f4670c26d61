package org.stylegan4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process and its peak, read from /proc (Linux); NaN elsewhere. */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** @return resident memory in MiB, or NaN where /proc is not available */
    public static double megabytes() {
        return read("VmRSS:");
    }

    /** @return the most resident memory since the process started or {@link #resetPeak()}, in MiB (NaN where unknown) */
    public static double peakMegabytes() {
        return read("VmHWM:");
    }

    /**
     * Starts a new peak measurement (Linux's {@code clear_refs} 5); does nothing where that is not available.
     *
     * @return whether the peak was reset
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static double read(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
