package org.stylegan4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.StyleGanInputException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Lists and decodes the PNG/JPEG images of a directory (recursive) or a .zip file, with the optional
 * stylegan2-ada-pytorch {@code dataset.json} labels at its root. Reads are thread-safe.
 */
public final class ImageSource implements AutoCloseable {
    /** Name of the optional label file at the root of a dataset. */
    public static final String LABELS_FILE = "dataset.json";

    /** Default of {@link #maxPixels()}. */
    public static final long DEFAULT_MAX_PIXELS = 64L << 20;
    /** System property that raises or lowers {@link #maxPixels()}. */
    public static final String MAX_PIXELS_PROPERTY = "stylegan4j.maxImagePixels";
    /** Default of {@link #maxFileBytes()}. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;
    /** System property that raises or lowers {@link #maxFileBytes()}. */
    public static final String MAX_FILE_BYTES_PROPERTY = "stylegan4j.maxImageFileBytes";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RAISE_PIXELS = " (raise it with -D" + MAX_PIXELS_PROPERTY + "=N)";

    private final Path path;
    private final ZipFile zip;
    private final List<String> names;
    private final Map<String, Integer> labels;

    private ImageSource(Path path, ZipFile zip, List<String> names, Map<String, Integer> labels) {
        this.path = path;
        this.zip = zip;
        this.names = names;
        this.labels = labels;
    }

    /** Opens a directory or a zip file; a missing path, a non-zip file or one without images is a {@link StyleGanInputException}. */
    public static ImageSource open(Path path) {
        if (Files.isDirectory(path)) {
            return openDirectory(path);
        }
        if (!Files.exists(path)) {
            throw new StyleGanInputException(path + ": no such file or directory");
        }
        return openZip(path);
    }

    private static ImageSource openDirectory(Path dir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String rel = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                if (isImageName(rel)) {
                    names.add(rel);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new StyleGanInputException(dir + ": cannot list directory (" + e.getMessage() + ")", e);
        }
        Collections.sort(names);
        if (names.isEmpty()) {
            throw new StyleGanInputException(dir + ": no PNG or JPEG images found");
        }
        Path labelFile = dir.resolve(LABELS_FILE);
        Map<String, Integer> labels = null;
        if (Files.isRegularFile(labelFile)) {
            try (InputStream in = Files.newInputStream(labelFile)) {
                labels = parseLabels(in, labelFile.toString());
            } catch (IOException e) {
                throw new StyleGanInputException(labelFile + ": cannot read (" + e.getMessage() + ")", e);
            }
        }
        return new ImageSource(dir, null, List.copyOf(names), labels);
    }

    private static ImageSource openZip(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new StyleGanInputException(file + ": not a zip file", e);
        } catch (IOException e) {
            throw new StyleGanInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        try {
            List<String> names = new ArrayList<>();
            Iterator<? extends ZipEntry> entries = zip.entries().asIterator();
            while (entries.hasNext()) {
                ZipEntry e = entries.next();
                if (!e.isDirectory() && isImageName(e.getName())) {
                    names.add(e.getName());
                }
            }
            Collections.sort(names);
            if (names.isEmpty()) {
                throw new StyleGanInputException(file + ": no PNG or JPEG images found");
            }
            Map<String, Integer> labels = null;
            ZipEntry labelEntry = zip.getEntry(LABELS_FILE);
            if (labelEntry != null) {
                try (InputStream in = zip.getInputStream(labelEntry)) {
                    labels = parseLabels(in, file + "!/" + LABELS_FILE);
                }
            }
            return new ImageSource(file, zip, List.copyOf(names), labels);
        } catch (IOException | RuntimeException e) {
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof StyleGanInputException s) {
                throw s;
            }
            throw new StyleGanInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, Integer> parseLabels(InputStream in, String where) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(readAtMost(where, in, maxFileBytes()));
        } catch (JsonProcessingException e) {
            throw new StyleGanInputException(where + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode list = root == null ? null : root.get("labels");
        if (list == null || list.isNull()) {
            return null;
        }
        if (!list.isArray()) {
            throw new StyleGanInputException(where + ": \"labels\" must be a list of [path, label] pairs or null");
        }
        Map<String, Integer> labels = new HashMap<>();
        for (JsonNode pair : list) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).canConvertToInt()
                    || !pair.get(1).isIntegralNumber()) {
                throw new StyleGanInputException(where + ": each label must be a [\"path\", integer] pair, found " + pair);
            }
            labels.put(pair.get(0).asText().replace('\\', '/'), pair.get(1).asInt());
        }
        return labels;
    }

    private static boolean isImageName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg");
    }

    /** The directory or zip file this source reads. */
    public Path path() {
        return path;
    }

    /** Image names relative to the root, '/'-separated, sorted. */
    public List<String> names() {
        return names;
    }

    /** Number of images. */
    public int size() {
        return names.size();
    }

    /** Whether the source has a {@code dataset.json} with non-null labels. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** The label of an image from {@code dataset.json}, empty when there is none. */
    public Optional<Integer> label(int index) {
        return labels == null ? Optional.empty() : Optional.ofNullable(labels.get(names.get(index)));
    }

    /** A one-line description of an image's location, e.g. {@code data.zip!/a/b.png} or {@code dir/a/b.png}. */
    public String describe(int index) {
        return zip != null ? path + "!/" + names.get(index) : path.resolve(names.get(index)).toString();
    }

    /**
     * Decodes an image; an undecodable or unreadable file is an {@link UnreadableImageException} naming it. Width and
     * height are read from the image header first: an image of more than {@link #maxPixels()} pixels, or a file of
     * more than {@link #maxFileBytes()} bytes, is refused before it is decoded ({@link StyleGanInputException}).
     */
    public BufferedImage read(int index) {
        return decode(bytes(index), describe(index));
    }

    /**
     * Decodes one image file with the same limits as {@link #read(int)}: a file over {@link #maxFileBytes()} bytes
     * or an image over {@link #maxPixels()} pixels is refused before it is decoded.
     *
     * @param file a PNG or JPEG file
     * @return the image
     * @throws StyleGanInputException for a missing, too large or undecodable file, naming it
     */
    public static BufferedImage readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StyleGanInputException(file + ": no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return decode(readAtMost(file.toString(), in, maxFileBytes()), file.toString());
        } catch (IOException e) {
            throw new StyleGanInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static BufferedImage decode(byte[] bytes, String where) {
        return decode(bytes, where, maxPixels(), RAISE_PIXELS);
    }

    /**
     * Decodes an image held in memory (PNG or JPEG, whatever its name), refusing one of more than {@code maxPixels}
     * pixels before it is decoded.
     *
     * @param bytes the encoded image
     * @param where what to name in errors
     * @param maxPixels the most pixels (width times height) accepted
     * @return the image
     * @throws StyleGanInputException for an image over the limit; {@link UnreadableImageException} for bytes that do
     *         not decode
     */
    static BufferedImage decode(byte[] bytes, String where, long maxPixels) {
        return decode(bytes, where, maxPixels, "");
    }

    private static BufferedImage decode(byte[] bytes, String where, long maxPixels, String raise) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnreadableImageException(where + ": not a readable PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkPixels(where, reader, maxPixels, raise);
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof StyleGanInputException s) {
                throw s;
            }
            throw new UnreadableImageException(where + ": not a readable PNG or JPEG image (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The most pixels (width times height) an input image may have: {@value #DEFAULT_MAX_PIXELS} (64 megapixels,
     * 8192x8192), or the system property {@value #MAX_PIXELS_PROPERTY}.
     *
     * @return the limit
     */
    public static long maxPixels() {
        return Long.getLong(MAX_PIXELS_PROPERTY, DEFAULT_MAX_PIXELS);
    }

    /**
     * The largest image file accepted, in bytes: {@value #DEFAULT_MAX_FILE_BYTES} (256 MiB), or the system property
     * {@value #MAX_FILE_BYTES_PROPERTY}; a zip entry is refused when its declared or its actual size is larger.
     *
     * @return the limit
     */
    public static long maxFileBytes() {
        return Long.getLong(MAX_FILE_BYTES_PROPERTY, DEFAULT_MAX_FILE_BYTES);
    }

    /** Refuses an image whose header declares more than {@link #maxPixels()} pixels. */
    private static void checkPixels(String where, ImageReader reader) throws IOException {
        checkPixels(where, reader, maxPixels(), RAISE_PIXELS);
    }

    /** Refuses an image whose header declares more than {@code limit} pixels, the message ending in {@code raise}. */
    private static void checkPixels(String where, ImageReader reader, long limit, String raise) throws IOException {
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w * h > limit) {
            throw new StyleGanInputException(String.format(Locale.ROOT, "%s: a %dx%d image (%,d pixels) exceeds the "
                    + "limit of %,d pixels%s", where, w, h, w * h, limit, raise));
        }
    }

    /** Number of colour components (1 for grayscale) read from the image header only; empty when undecodable. */
    OptionalInt colorComponents(int index) {
        byte[] bytes = bytes(index);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return OptionalInt.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkPixels(describe(index), reader);
                ImageTypeSpecifier type = reader.getRawImageType(0);
                if (type == null) {
                    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                    type = types.hasNext() ? types.next() : null;
                }
                return type == null ? OptionalInt.empty() : OptionalInt.of(type.getColorModel().getNumColorComponents());
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof StyleGanInputException s) {
                throw s;
            }
            return OptionalInt.empty();
        }
    }

    private byte[] bytes(int index) {
        String name = names.get(index);
        long limit = maxFileBytes();
        try {
            if (zip == null) {
                Path file = path.resolve(name);
                checkFileSize(index, Files.size(file), limit);
                try (InputStream in = Files.newInputStream(file)) {
                    return readAtMost(describe(index), in, limit);
                }
            }
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw new UnreadableImageException(describe(index) + ": entry missing from the zip");
            }
            checkFileSize(index, entry.getSize(), limit);
            try (InputStream in = zip.getInputStream(entry)) {
                return readAtMost(describe(index), in, limit);
            }
        } catch (IOException e) {
            throw new UnreadableImageException(describe(index) + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private void checkFileSize(int index, long size, long limit) {
        if (size > limit) {
            throw new StyleGanInputException(String.format(Locale.ROOT, "%s: a file of %,d bytes exceeds the limit of "
                    + "%,d bytes for one image (raise it with -D%s=N)", describe(index), size, limit,
                    MAX_FILE_BYTES_PROPERTY));
        }
    }

    /** Reads a stream whose declared size may lie, stopping one byte past the limit. */
    private static byte[] readAtMost(String where, InputStream in, long limit) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (data.length > limit) {
            throw new StyleGanInputException(String.format(Locale.ROOT, "%s: holds more than %,d bytes, the limit for "
                    + "one file (raise it with -D%s=N)", where, limit, MAX_FILE_BYTES_PROPERTY));
        }
        return data;
    }

    @Override
    public void close() {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": cannot close", e);
            }
        }
    }
}
