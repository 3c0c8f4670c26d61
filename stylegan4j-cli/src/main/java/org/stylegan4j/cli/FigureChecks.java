package org.stylegan4j.cli;

import org.stylegan4j.StyleGanInputException;

/** Checks of the figure commands' numeric options, failing with one clear line. */
final class FigureChecks {

    private FigureChecks() {
    }

    /**
     * @param option option name
     * @param psi truncation psi, or null when not given
     */
    static void psi(String option, Double psi) {
        if (psi != null && !Double.isFinite(psi)) {
            throw new StyleGanInputException(option + " must be a finite number, got " + psi);
        }
    }

    /** @param batch images per forward pass */
    static void batch(int batch) {
        if (batch < 1 || batch > 1024) {
            throw new StyleGanInputException("--batch must be between 1 and 1024, got " + batch);
        }
    }

    /**
     * @param option option name
     * @param value the value
     * @param min smallest allowed value
     */
    static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new StyleGanInputException(option + " must be at least " + min + ", got " + value);
        }
    }
}
