package org.stylegan4j.data;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.AtomicFiles;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Image utilities for figures: network output to images, grids, and atomic, deterministic PNG and GIF files. */
public final class Images {
    private static final String GIF_FORMAT = "javax_imageio_gif_image_1.0";

    private Images() {
    }

    /**
     * An image from CHW floats in [-1, 1] at {@code data[offset..]}, quantised like the official grids:
     * {@code clip(rint((x + 1) * 127.5), 0, 255)} (round half to even). 1 channel gives {@code TYPE_BYTE_GRAY}, 3
     * give {@code TYPE_INT_RGB}.
     */
    public static BufferedImage fromCHW(float[] data, int offset, int channels, int h, int w) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        byte[] bytes = new byte[channels * h * w];
        for (int i = 0; i < bytes.length; i++) {
            double v = Math.rint((data[offset + i] + 1.0) * 127.5);
            bytes[i] = (byte) (int) Math.max(0, Math.min(255, v));
        }
        return Pixels.toImage(bytes, channels, h, w);
    }

    /**
     * An image file as a network input: decoded with {@link ImageSource}'s limits, converted to the channel count
     * (gray replicated, colour to luma), centre-cropped to a square and resized as {@code dataset} does, scaled to
     * [-1, 1].
     *
     * @param file a PNG or JPEG file
     * @param channels 1 or 3
     * @param resolution side of the result
     * @return the image and its size before resizing
     * @throws StyleGanInputException for an unreadable file, or one whose shorter side is below a
     *         quarter of {@code resolution}
     */
    public static Loaded loadSquare(Path file, int channels, int resolution) {
        return square(ImageSource.readFile(file), file.toString(), channels, resolution);
    }

    /**
     * As {@link #loadSquare(Path, int, int)}, for an image held in memory (an upload).
     *
     * @param bytes a PNG or JPEG image
     * @param where what to name in errors
     * @param maxPixels the most pixels (width times height) accepted, checked before decoding
     * @param channels 1 or 3
     * @param resolution side of the result
     * @return the image and its size before resizing
     * @throws StyleGanInputException for bytes that are not a readable image, an image over {@code maxPixels}, or
     *         one whose shorter side is below a quarter of {@code resolution}
     */
    public static Loaded loadSquare(byte[] bytes, String where, long maxPixels, int channels, int resolution) {
        return square(ImageSource.decode(bytes, where, maxPixels), where, channels, resolution);
    }

    private static Loaded square(BufferedImage img, String where, int channels, int resolution) {
        int shorter = Math.min(img.getWidth(), img.getHeight());
        if (shorter * 4 < resolution) {
            throw new StyleGanInputException(where + ": " + img.getWidth() + "x" + img.getHeight()
                    + " is too small for a " + resolution + "x" + resolution + " network (at least " + (resolution / 4)
                    + " pixels on the shorter side)");
        }
        byte[] square = Resampler.centreCropResize(Pixels.toBytes(img, channels), channels, img.getHeight(),
                img.getWidth(), resolution);
        float[] chw = new float[square.length];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (square[i] & 0xff) / 127.5f - 1f;
        }
        return new Loaded(chw, img.getWidth(), img.getHeight());
    }

    /**
     * @param chw the image, CHW floats in [-1, 1]
     * @param width width of the file's image
     * @param height height of the file's image
     */
    public record Loaded(float[] chw, int width, int height) {
    }

    /**
     * Tiles same-size images row-major into {@code cols} columns without spacing; null tiles are white. The result is
     * gray when every tile is gray, else RGB.
     */
    public static BufferedImage grid(List<BufferedImage> tiles, int cols) {
        if (cols < 1) {
            throw new IllegalArgumentException("cols must be positive, got " + cols);
        }
        BufferedImage first = tiles.stream().filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("grid needs at least one non-null tile"));
        int tw = first.getWidth();
        int th = first.getHeight();
        boolean gray = tiles.stream().filter(Objects::nonNull).allMatch(Pixels::isGray);
        int channels = gray ? 1 : 3;
        int rows = (tiles.size() + cols - 1) / cols;
        int w = cols * tw;
        int h = rows * th;
        byte[] out = new byte[channels * h * w];
        Arrays.fill(out, (byte) 255);
        for (int t = 0; t < tiles.size(); t++) {
            BufferedImage tile = tiles.get(t);
            if (tile == null) {
                continue;
            }
            if (tile.getWidth() != tw || tile.getHeight() != th) {
                throw new IllegalArgumentException("tile " + t + " is " + tile.getWidth() + "x" + tile.getHeight()
                        + ", expected " + tw + "x" + th);
            }
            byte[] px = Pixels.toBytes(tile, channels);
            int x0 = (t % cols) * tw;
            int y0 = (t / cols) * th;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < th; y++) {
                    System.arraycopy(px, (c * th + y) * tw, out, (c * h + y0 + y) * w + x0, tw);
                }
            }
        }
        return Pixels.toImage(out, channels, h, w);
    }

    /**
     * Writes a PNG atomically (temp file, fsync, rename); the same image always gives the same bytes. The PNG is
     * encoded in memory first, so a failed write (missing or read-only directory, full disk) is one
     * {@code StyleGanInputException} "cannot write PATH: reason".
     */
    public static void writePng(BufferedImage image, Path file) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(png)) {
            if (!ImageIO.write(image, "png", ios)) {
                throw new IllegalArgumentException("no PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        AtomicFiles.writeOrFail(file, png::writeTo);
    }

    /**
     * Writes an animated GIF atomically with {@code delayMs} per frame (GIF stores hundredths of a second); when
     * {@code loop} it repeats forever (NETSCAPE2.0 extension), else it plays once.
     */
    public static void writeGif(List<BufferedImage> frames, Path file, int delayMs, boolean loop) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a GIF needs at least one frame");
        }
        AtomicFiles.writeOrFail(file, out -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.prepareWriteSequence(null);
                for (BufferedImage frame : frames) {
                    IIOMetadata meta = writer.getDefaultImageMetadata(
                            ImageTypeSpecifier.createFromRenderedImage(frame), writer.getDefaultWriteParam());
                    configureFrame(meta, delayMs, loop);
                    writer.writeToSequence(new IIOImage(frame, null, meta), null);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
        });
    }

    private static void configureFrame(IIOMetadata meta, int delayMs, boolean loop) throws IIOInvalidTreeException {
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(GIF_FORMAT);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(Math.max(0, Math.round(delayMs / 10f))));
        gce.setAttribute("transparentColorIndex", "0");
        if (loop) {
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0});
            child(root, "ApplicationExtensions").appendChild(app);
        }
        meta.setFromTree(GIF_FORMAT, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
