package org.stylegan4j.data;

import org.stylegan4j.StyleGanInputException;

/**
 * Deterministic separable resampling of 8-bit CHW planes in plain Java (no Java2D, so results do not depend on the
 * rendering pipeline or colour-space conversions). Downscaling uses exact area averaging (each output pixel is the
 * mean of the source area it covers, with fractional edge weights; like PIL's BOX or OpenCV's INTER_AREA), which is
 * alias-free; upscaling uses Keys bicubic interpolation (a = -0.5) with clamped edges.
 */
final class Resampler {
    private Resampler() {
    }

    /** Most array elements Java allows. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Crops the centred square of side min(w, h) and resamples it to {@code size × size}. Sizes are checked in long
     * arithmetic first: planes or buffers too large for a Java array are a {@link StyleGanInputException}.
     */
    static byte[] centreCropResize(byte[] chw, int channels, int h, int w, int size) {
        if ((long) channels * h * w > MAX_ARRAY || (long) channels * size * size > MAX_ARRAY
                || (long) Math.min(w, h) * Math.max(Math.min(w, h), size) > MAX_ARRAY) {
            throw new StyleGanInputException("a " + w + "x" + h + " image is too large to resample to " + size + "x"
                    + size);
        }
        int side = Math.min(w, h);
        int x0 = (w - side) / 2;
        int y0 = (h - side) / 2;
        int plane = h * w;
        byte[] out = new byte[channels * size * size];
        double[] square = new double[side * side];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    square[y * side + x] = chw[c * plane + (y0 + y) * w + x0 + x] & 0xff;
                }
            }
            double[] rows = resampleAxis(square, side, side, size, true);
            double[] both = resampleAxis(rows, side, size, size, false);
            for (int i = 0; i < size * size; i++) {
                out[c * size * size + i] = (byte) Math.max(0, Math.min(255, (int) Math.floor(both[i] + 0.5)));
            }
        }
        return out;
    }

    /**
     * Resamples one axis of a row-major {@code rows × cols} plane to {@code n} samples: along x when
     * {@code horizontal}, else along y. Returns the new plane.
     */
    private static double[] resampleAxis(double[] src, int rows, int cols, int n, boolean horizontal) {
        int len = horizontal ? cols : rows;
        int lines = horizontal ? rows : cols;
        int[][] taps = new int[n][];
        double[][] weights = new double[n][];
        for (int i = 0; i < n; i++) {
            if (n <= len) {
                areaWeights(i, len, n, taps, weights);
            } else {
                cubicWeights(i, len, n, taps, weights);
            }
        }
        double[] dst = new double[horizontal ? rows * n : n * cols];
        for (int line = 0; line < lines; line++) {
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int t = 0; t < taps[i].length; t++) {
                    int j = taps[i][t];
                    sum += weights[i][t] * (horizontal ? src[line * cols + j] : src[j * cols + line]);
                }
                if (horizontal) {
                    dst[line * n + i] = sum;
                } else {
                    dst[i * cols + line] = sum;
                }
            }
        }
        return dst;
    }

    private static void areaWeights(int i, int len, int n, int[][] taps, double[][] weights) {
        double scale = (double) len / n;
        double lo = i * scale;
        double hi = (i + 1) * scale;
        int first = (int) Math.floor(lo);
        int last = Math.min(len - 1, (int) Math.ceil(hi) - 1);
        taps[i] = new int[last - first + 1];
        weights[i] = new double[last - first + 1];
        for (int j = first; j <= last; j++) {
            double overlap = Math.min(hi, j + 1) - Math.max(lo, j);
            taps[i][j - first] = j;
            weights[i][j - first] = overlap / scale;
        }
    }

    private static void cubicWeights(int i, int len, int n, int[][] taps, double[][] weights) {
        double centre = (i + 0.5) * len / n - 0.5;
        int base = (int) Math.floor(centre);
        taps[i] = new int[4];
        weights[i] = new double[4];
        double total = 0;
        for (int t = 0; t < 4; t++) {
            int j = base - 1 + t;
            double wt = keys(centre - j);
            taps[i][t] = Math.max(0, Math.min(len - 1, j));
            weights[i][t] = wt;
            total += wt;
        }
        for (int t = 0; t < 4; t++) {
            weights[i][t] /= total;
        }
    }

    private static double keys(double x) {
        double a = -0.5;
        double ax = Math.abs(x);
        if (ax <= 1) {
            return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
        }
        if (ax < 2) {
            return ((a * ax - 5 * a) * ax + 8 * a) * ax - 4 * a;
        }
        return 0;
    }
}
