package org.stylegan4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;

/** 8-bit pixel extraction that reads grayscale rasters directly, avoiding Java2D's linear-gray colour conversion. */
public final class Pixels {
    private Pixels() {
    }

    /** Whether an image has a single colour component (grayscale, with or without alpha). */
    public static boolean isGray(BufferedImage img) {
        return img.getColorModel().getNumColorComponents() == 1;
    }

    /**
     * The image as channel-major (CHW) unsigned bytes with 1 or 3 channels; alpha is dropped, gray is replicated to
     * RGB, and colour is reduced to gray with the ITU-R 601 luma weights that PIL's {@code convert("L")} uses.
     */
    public static byte[] toBytes(BufferedImage img, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        byte[] out = new byte[channels * plane];
        if (isGray(img)) {
            Raster raster = img.getRaster();
            ColorModel cm = img.getColorModel();
            int max = (1 << cm.getComponentSize(0)) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = max == 255 ? row[x] : (int) ((row[x] * 255L * 2 + max) / (2L * max));
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = (byte) v;
                    }
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int r = (row[x] >> 16) & 0xff;
                int g = (row[x] >> 8) & 0xff;
                int b = row[x] & 0xff;
                int i = y * w + x;
                if (channels == 3) {
                    out[i] = (byte) r;
                    out[plane + i] = (byte) g;
                    out[2 * plane + i] = (byte) b;
                } else {
                    out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                }
            }
        }
        return out;
    }

    /** An image holding CHW unsigned bytes: {@code TYPE_BYTE_GRAY} for 1 channel, {@code TYPE_INT_RGB} for 3. */
    public static BufferedImage toImage(byte[] chw, int channels, int h, int w) {
        int plane = h * w;
        if (channels == 1) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            int[] samples = new int[plane];
            for (int i = 0; i < plane; i++) {
                samples[i] = chw[i] & 0xff;
            }
            img.getRaster().setSamples(0, 0, w, h, 0, samples);
            return img;
        }
        if (channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = (chw[i] & 0xff) << 16 | (chw[plane + i] & 0xff) << 8 | (chw[2 * plane + i] & 0xff);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }
}
