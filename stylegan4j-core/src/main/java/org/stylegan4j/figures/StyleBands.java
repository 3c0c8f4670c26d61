package org.stylegan4j.figures;

import org.stylegan4j.StyleGanInputException;

import java.util.Locale;

/**
 * The paper's style bands (section 3.1, figure 3): coarse styles (resolutions 4-8), middle styles
 * (16-32) and fine styles (64-1024), as ranges of synthesis layers of a network of any depth.
 * Synthesis layer {@code l} works at resolution {@code 2^(l/2 + 2)}.
 */
public final class StyleBands {

    /** The paper's three bands. */
    public enum Band {
        /** Layers at 4x4 and 8x8: pose, general hair style, face shape, eyeglasses. */
        COARSE(0, 8),
        /** Layers at 16x16 and 32x32: smaller facial features, hair style, eyes open or closed. */
        MIDDLE(16, 32),
        /** Layers at 64x64 and up: colour scheme and microstructure. */
        FINE(64, Integer.MAX_VALUE);

        private final int minResolution;
        private final int maxResolution;

        Band(int minResolution, int maxResolution) {
            this.minResolution = minResolution;
            this.maxResolution = maxResolution;
        }

        /** @return the band's name in lower case */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        private String resolutions() {
            return this == COARSE ? "4x4 and 8x8" : this == MIDDLE ? "16x16 and 32x32" : "64x64 and up";
        }
    }

    /**
     * A half-open range of synthesis layers [from, to).
     *
     * @param from first layer
     * @param to one past the last layer
     */
    public record Range(int from, int to) {

        /** Validates the bounds. */
        public Range {
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("bad layer range [" + from + ", " + to + ")");
            }
        }

        /** @return number of layers in the range */
        public int size() {
            return to - from;
        }

        /**
         * @param layer a layer index
         * @return whether the layer is in the range
         */
        public boolean contains(int layer) {
            return layer >= from && layer < to;
        }

        /** @return the range in the inclusive notation of the command line, e.g. {@code 0-3} */
        @Override
        public String toString() {
            return size() == 0 ? "none" : size() == 1 ? Integer.toString(from) : from + "-" + (to - 1);
        }
    }

    private StyleBands() {
    }

    /**
     * @param layer synthesis layer index
     * @return the resolution the layer works at, 2^(layer/2 + 2)
     */
    public static int layerResolution(int layer) {
        return 1 << (layer / 2 + 2);
    }

    /**
     * The layers of a band in a network with {@code numLayers} synthesis layers.
     *
     * @param band the band
     * @param numLayers synthesis layers of the network (2 log2(resolution) - 2)
     * @return the band's layers
     * @throws StyleGanInputException when the network has no layer in the band (fine at 32x32 and below)
     */
    public static Range band(Band band, int numLayers) {
        int from = -1;
        int to = -1;
        for (int l = 0; l < numLayers; l++) {
            int r = layerResolution(l);
            if (r >= Math.max(4, band.minResolution) && r <= band.maxResolution) {
                from = from < 0 ? l : from;
                to = l + 1;
            }
        }
        if (from < 0) {
            int res = layerResolution(numLayers - 1);
            throw new StyleGanInputException("the " + band.label() + " band (" + band.resolutions()
                    + ") is empty in a " + res + "x" + res + " network (layers 0-" + (numLayers - 1) + ")");
        }
        return new Range(from, to);
    }

    /**
     * Fine layers for the noise figure (figure 5): the layers from 64x64 up, or the upper half of the
     * layers when the network stops below 64x64.
     *
     * @param numLayers synthesis layers of the network
     * @return the fine layers; the coarse layers are [0, from)
     */
    public static Range fineOrUpperHalf(int numLayers) {
        if (layerResolution(numLayers - 1) >= Band.FINE.minResolution) {
            return band(Band.FINE, numLayers);
        }
        return new Range(numLayers / 2, numLayers);
    }

    /**
     * Parses a band name ({@code coarse}, {@code middle}, {@code fine}) or an inclusive layer range
     * ({@code 0-3}, {@code 8}, or {@code 8-} for layer 8 to the last).
     *
     * @param text the band or range
     * @param numLayers synthesis layers of the network
     * @return the layers as [from, to)
     * @throws StyleGanInputException for unknown names, malformed ranges, empty bands and ranges past the network's depth
     */
    public static Range parse(String text, int numLayers) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Band b : Band.values()) {
            if (b.label().equals(t)) {
                return band(b, numLayers);
            }
        }
        if (!t.matches("\\d{1,9}(-\\d{0,9})?")) {
            throw new StyleGanInputException("unknown style band '" + text
                    + "' (expected coarse, middle, fine or a layer range like 0-3, 8 or 8-)");
        }
        int dash = t.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? t : t.substring(0, dash));
        int last = dash < 0 ? from : dash == t.length() - 1 ? numLayers - 1 : Integer.parseInt(t.substring(dash + 1));
        if (from >= numLayers || last >= numLayers) {
            throw new StyleGanInputException("layer range " + text.trim() + " is past the network's " + numLayers
                    + " layers (0-" + (numLayers - 1) + ")");
        }
        if (last < from) {
            throw new StyleGanInputException("layer range " + text.trim() + " runs backwards");
        }
        return new Range(from, last + 1);
    }
}
