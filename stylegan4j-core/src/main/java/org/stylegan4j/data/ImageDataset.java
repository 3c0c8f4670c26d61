package org.stylegan4j.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * A training view of an {@link ImageSource}: square, power-of-two, same-size images with 1 (gray) or 3 (RGB)
 * channels, decoded lazily one image at a time. Thread-safe.
 */
public final class ImageDataset implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDataset.class);
    private static final String PREPARE_HINT =
            "prepare the data with `stylegan4j dataset --source DIR --dest OUT.zip --resolution R`";

    private final ImageSource source;
    private final int resolution;
    private final int channels;
    private final String referenceName;

    private ImageDataset(ImageSource source, int resolution, int channels, String referenceName) {
        this.source = source;
        this.resolution = resolution;
        this.channels = channels;
        this.referenceName = referenceName;
    }

    /** Opens a directory or zip; the first readable image fixes the resolution and channel count. */
    public static ImageDataset open(Path path) {
        ImageSource source = ImageSource.open(path);
        try {
            return of(source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Wraps an open source (and takes ownership of it); the first readable image fixes the resolution and channels. */
    public static ImageDataset of(ImageSource source) {
        for (int i = 0; i < source.size(); i++) {
            BufferedImage img;
            try {
                img = source.read(i);
            } catch (UnreadableImageException e) {
                LOG.warn("skipping {}", e.getMessage());
                continue;
            }
            int w = img.getWidth();
            int h = img.getHeight();
            String name = source.names().get(i);
            if (w != h || w < 4 || Integer.bitCount(w) != 1) {
                throw new StyleGanInputException(source.path() + ": images must be square with a power-of-two side of at least 4 ("
                        + name + " is " + w + "x" + h + "); " + PREPARE_HINT);
            }
            return new ImageDataset(source, w, Pixels.isGray(img) ? 1 : 3, name);
        }
        throw new StyleGanInputException("no usable image in " + source.path());
    }

    /** The underlying source. */
    public ImageSource source() {
        return source;
    }

    /** Side length in pixels. */
    public int resolution() {
        return resolution;
    }

    /** 1 for grayscale, 3 for RGB. */
    public int channels() {
        return channels;
    }

    /** Number of images (including any that turn out unreadable). */
    public int size() {
        return source.size();
    }

    /** Floats per image: channels × resolution². */
    public int imageSize() {
        return channels * resolution * resolution;
    }

    /**
     * Decodes an image as CHW unsigned bytes; an undecodable file is an {@link UnreadableImageException}, an image of
     * another size a {@link StyleGanInputException}.
     */
    public byte[] readRaw(int index) {
        BufferedImage img = source.read(index);
        if (img.getWidth() != resolution || img.getHeight() != resolution) {
            throw new StyleGanInputException(source.path() + ": images differ in size (" + referenceName + " is "
                    + resolution + "x" + resolution + ", " + source.names().get(index) + " is " + img.getWidth() + "x"
                    + img.getHeight() + "); " + PREPARE_HINT);
        }
        return Pixels.toBytes(img, channels);
    }

    /**
     * Decodes an image at a level of detail: CHW unsigned bytes of side {@code levelResolution}, a power of two no
     * larger than the image. Each level halves the previous one with a 2x2 box filter in float32 arithmetic, and
     * only the level handed out is rounded to bytes (half to even) - the levels the official dataset tool stores in
     * its TFRecords, so reals at every phase are what the official training loop reads.
     *
     * @param index image index
     * @param levelResolution side of the level, {@code resolution / 2^k}
     * @return the level's CHW bytes
     */
    public byte[] readLevel(int index, int levelResolution) {
        if (levelResolution < 1 || levelResolution > resolution || Integer.bitCount(levelResolution) != 1) {
            throw new IllegalArgumentException("level resolution must be a power of two up to " + resolution
                    + ", got " + levelResolution);
        }
        byte[] raw = readRaw(index);
        if (levelResolution == resolution) {
            return raw;
        }
        return boxLevel(raw, channels, resolution, levelResolution);
    }

    /**
     * The official dataset tool's pyramid: float32 {@code (a + b + c + d) * 0.25} over 2x2 blocks, applied
     * {@code log2(resolution / levelResolution)} times, then rounded half to even and clipped to bytes.
     */
    static byte[] boxLevel(byte[] chw, int channels, int resolution, int levelResolution) {
        float[] plane = new float[channels * resolution * resolution];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = chw[i] & 0xff;
        }
        int r = resolution;
        while (r > levelResolution) {
            int h = r / 2;
            float[] next = new float[channels * h * h];
            for (int c = 0; c < channels; c++) {
                int src = c * r * r;
                int dst = c * h * h;
                for (int y = 0; y < h; y++) {
                    int row0 = src + 2 * y * r;
                    int row1 = row0 + r;
                    for (int x = 0; x < h; x++) {
                        next[dst + y * h + x] = (plane[row0 + 2 * x] + plane[row0 + 2 * x + 1] + plane[row1 + 2 * x]
                                + plane[row1 + 2 * x + 1]) * 0.25f;
                    }
                }
            }
            plane = next;
            r = h;
        }
        byte[] out = new byte[plane.length];
        for (int i = 0; i < plane.length; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, (int) Math.rint(plane[i])));
        }
        return out;
    }

    /** Writes an image as CHW floats in [-1, 1] ({@code v * 2/255 - 1}) at {@code dst[offset..]}, optionally mirrored left-right. */
    public void readInto(int index, float[] dst, int offset, boolean mirror) {
        toFloats(readRaw(index), channels, resolution, dst, offset, mirror);
    }

    /**
     * Converts CHW bytes of a square image to floats in [-1, 1] ({@code v * 2/255 - 1}) at {@code dst[offset..]},
     * optionally mirrored left-right.
     *
     * @param raw CHW bytes
     * @param channels channel count
     * @param r side in pixels
     * @param dst destination
     * @param offset first index written
     * @param mirror whether to flip left-right
     */
    public static void toFloats(byte[] raw, int channels, int r, float[] dst, int offset, boolean mirror) {
        float scale = 2f / 255f;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < r; y++) {
                int row = (c * r + y) * r;
                for (int x = 0; x < r; x++) {
                    int v = raw[row + (mirror ? r - 1 - x : x)] & 0xff;
                    dst[offset + row + x] = v * scale - 1f;
                }
            }
        }
    }

    @Override
    public void close() {
        source.close();
    }
}
