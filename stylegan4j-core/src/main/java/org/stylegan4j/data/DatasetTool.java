package org.stylegan4j.data;

import org.stylegan4j.io.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Converts a folder or zip of PNG/JPEG images into a training zip in stylegan2-ada-pytorch's {@code dataset_tool.py}
 * layout: centre-cropped, resampled to R × R (see {@link Resampler}: area averaging down, bicubic up), RGB or, when
 * every image is grayscale, gray; entries {@code 00000/img00000000.png}, 1000 per folder, plus {@code dataset.json}.
 * The zip is byte-deterministic (fixed entry times, STORED entries) and written atomically.
 */
public final class DatasetTool {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetTool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final int IMAGES_PER_FOLDER = 1000;

    private DatasetTool() {
    }

    /** Receives progress as images are written. */
    @FunctionalInterface
    public interface ProgressListener {
        /** Called after each usable image: {@code done} of {@code total} written. */
        void progress(int done, int total);
    }

    /** What a conversion produced: images written, unreadable files skipped, channels and side length. */
    public record Report(int written, int skipped, int channels, int resolution) {
    }

    /**
     * Converts {@code source} (a directory or zip) into {@code destZip} at {@code resolution} (a power of two ≥ 4),
     * carrying labels over from the source's {@code dataset.json}. Unreadable files are logged and skipped; no usable
     * image is a {@link StyleGanInputException}. {@code listener} may be null. An existing {@code destZip} is replaced.
     */
    public static Report convert(Path source, Path destZip, int resolution, ProgressListener listener) {
        if (resolution < 4 || Integer.bitCount(resolution) != 1) {
            throw new StyleGanInputException("resolution " + resolution + " is not a power of two of at least 4");
        }
        AtomicFiles.checkWritableParent(destZip);
        try (ImageSource src = ImageSource.open(source)) {
            List<Integer> usable = new ArrayList<>();
            boolean allGray = true;
            for (int i = 0; i < src.size(); i++) {
                OptionalInt components = src.colorComponents(i);
                if (components.isEmpty()) {
                    LOG.warn("skipping {}: not a readable PNG or JPEG image", src.describe(i));
                    continue;
                }
                if (src.hasLabels() && src.label(i).isEmpty()) {
                    throw new StyleGanInputException(source + ": dataset.json has no label for " + src.names().get(i));
                }
                usable.add(i);
                allGray &= components.getAsInt() == 1;
            }
            if (usable.isEmpty()) {
                throw new StyleGanInputException("no usable image in " + source);
            }
            int channels = allGray ? 1 : 3;
            int[] written = {0};
            int[] skipped = {src.size() - usable.size()};
            AtomicFiles.writeOrFail(destZip, out -> {
                try (ZipOutputStream zip = new ZipOutputStream(out)) {
                    ArrayNode labels = JSON.createArrayNode();
                    for (int i : usable) {
                        byte[] png;
                        try {
                            png = convertOne(src.read(i), channels, resolution);
                        } catch (UnreadableImageException e) {
                            LOG.warn("skipping {}", e.getMessage());
                            skipped[0]++;
                            continue;
                        }
                        int k = written[0]++;
                        String name = String.format("%05d/img%08d.png", k / IMAGES_PER_FOLDER, k);
                        putStored(zip, name, png);
                        src.label(i).ifPresent(label -> labels.addArray().add(name).add(label));
                        if (listener != null) {
                            listener.progress(written[0], usable.size());
                        }
                    }
                    if (written[0] == 0) {
                        throw new StyleGanInputException("no usable image in " + source);
                    }
                    ObjectNode root = JSON.createObjectNode();
                    if (src.hasLabels()) {
                        root.set("labels", labels);
                    } else {
                        root.putNull("labels");
                    }
                    putStored(zip, ImageSource.LABELS_FILE, JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
                }
            });
            LOG.info("wrote {} images ({}x{}, {} channel(s)) to {}; skipped {}", written[0], resolution, resolution,
                    channels, destZip, skipped[0]);
            return new Report(written[0], skipped[0], channels, resolution);
        }
    }

    private static byte[] convertOne(BufferedImage img, int channels, int resolution) {
        byte[] chw = Pixels.toBytes(img, channels);
        byte[] resized = Resampler.centreCropResize(chw, channels, img.getHeight(), img.getWidth(), resolution);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            ImageIO.write(Pixels.toImage(resized, channels, resolution, resolution), "png", buf);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return buf.toByteArray();
    }

    private static void putStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setTimeLocal(ENTRY_TIME);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }
}
