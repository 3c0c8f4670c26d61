package org.stylegan4j.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reader and writer of the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON header, then the little-endian, C-order tensor data.
 * Writes F32 ({@link #write}) or F64 ({@link #writeF64}); reads F32, F16, BF16, F64, I64 and I32, converting to
 * {@code float} ({@link #read}) or, without loss for F64, to {@code double} ({@link #readDoubles}).
 */
public final class SafeTensors {

    private static final String METADATA_KEY = "__metadata__";
    /** The reference implementation refuses headers above this size; so do we, to bound memory. */
    private static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final int CHUNK_BYTES = 1 << 20;
    /** Default of {@link #maxTensorBytes()}. */
    public static final long DEFAULT_MAX_TENSOR_BYTES = 1L << 31;
    /** System property that raises or lowers {@link #maxTensorBytes()}. */
    public static final String MAX_TENSOR_BYTES_PROPERTY = "stylegan4j.maxTensorBytes";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafeTensors() {
    }

    /**
     * A dense tensor of floats in C order. The arrays are not copied, so large tensors cost no extra memory.
     *
     * @param shape dimensions, each non-negative; {@code []} is a scalar with one element
     * @param data the elements, exactly the product of {@code shape} of them
     */
    public record Tensor(long[] shape, float[] data) {

        /** Checks that {@code data} holds exactly as many elements as {@code shape} describes. */
        public Tensor {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            checkCount(shape, data.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Tensor" + formatShape(shape);
        }
    }

    /**
     * A dense tensor of doubles in C order, written as F64. The arrays are not copied.
     *
     * @param shape dimensions, each non-negative; {@code []} is a scalar with one element
     * @param data the elements, exactly the product of {@code shape} of them
     */
    public record DoubleTensor(long[] shape, double[] data) {

        /** Checks that {@code data} holds exactly as many elements as {@code shape} describes. */
        public DoubleTensor {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            checkCount(shape, data.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DoubleTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "DoubleTensor" + formatShape(shape);
        }
    }

    /**
     * The content of a safetensors file read as doubles.
     *
     * @param tensors the tensors by name, in the order of their data in the file
     * @param metadata the string-to-string {@code __metadata__} entries, empty if the file has none
     */
    public record DoubleContents(Map<String, DoubleTensor> tensors, Map<String, String> metadata) {
    }

    /**
     * The content of a safetensors file.
     *
     * @param tensors the tensors by name, in the order of their data in the file
     * @param metadata the string-to-string {@code __metadata__} entries, empty if the file has none
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * The header of a safetensors file: what it holds, without the data.
     *
     * @param shapes each tensor's shape by name, in the order of their data in the file
     * @param metadata the string-to-string {@code __metadata__} entries, empty if the file has none
     */
    public record Layout(Map<String, long[]> shapes, Map<String, String> metadata) {
    }

    /**
     * Atomically writes {@code tensors} as F32 to {@code file}, their data in the map's iteration order (pass a
     * {@link LinkedHashMap} to control it). Metadata is written with sorted keys and omitted when empty. The same
     * arguments always give the same bytes.
     *
     * @param file the file to create or replace
     * @param tensors the tensors by name; names must be non-empty and not {@code __metadata__}
     * @param metadata free-form string entries stored under {@code __metadata__}
     * @throws IOException if writing fails
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = encodeHeader(shapes(tensors, Tensor::shape), DType.F32, metadata);
        AtomicFiles.write(file, out -> writeF32(out, header, tensors));
    }

    /**
     * As {@link #write(Path, Map, Map)}, to a stream (left open): the same bytes as the file.
     *
     * @param out where the bytes go
     * @param tensors the tensors by name; names must be non-empty and not {@code __metadata__}
     * @param metadata free-form string entries stored under {@code __metadata__}
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        writeF32(out, encodeHeader(shapes(tensors, Tensor::shape), DType.F32, metadata), tensors);
    }

    private static void writeF32(OutputStream out, byte[] header, Map<String, Tensor> tensors) throws IOException {
        writeHeader(out, header);
        byte[] chunk = new byte[CHUNK_BYTES];
        for (Tensor tensor : tensors.values()) {
            writeFloats(out, tensor.data(), chunk);
        }
    }

    /**
     * As {@link #write}, with double tensors stored as F64, so that {@link #readDoubles} returns them bit for bit.
     *
     * @param file the file to create or replace
     * @param tensors the tensors by name; names must be non-empty and not {@code __metadata__}
     * @param metadata free-form string entries stored under {@code __metadata__}
     * @throws IOException if writing fails
     */
    public static void writeF64(Path file, Map<String, DoubleTensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = encodeHeader(shapes(tensors, DoubleTensor::shape), DType.F64, metadata);
        AtomicFiles.write(file, out -> {
            writeHeader(out, header);
            byte[] chunk = new byte[CHUNK_BYTES];
            for (DoubleTensor tensor : tensors.values()) {
                writeDoubles(out, tensor.data(), chunk);
            }
        });
    }

    /**
     * Reads every tensor and the metadata of a safetensors file.
     *
     * @param file the file to read
     * @return the tensors, in file order, and the metadata
     * @throws CheckpointFormatException if the file is missing, unreadable or malformed
     */
    public static Contents read(Path file) {
        return read(file, layout -> layout.shapes().keySet());
    }

    /**
     * Reads the header, lets {@code select} check it and choose the tensors to read, then reads only those. No
     * tensor data is read before {@code select} returns, and the chosen tensors may need at most
     * {@link #maxTensorBytes()} bytes as floats.
     *
     * @param file the file to read
     * @param select checks the layout (throwing to refuse the file) and returns the names of the tensors to read
     * @return the chosen tensors, in file order, and the metadata
     * @throws CheckpointFormatException if the file is missing, unreadable, malformed or too large
     */
    public static Contents read(Path file, Function<Layout, Set<String>> select) {
        Selected<Tensor> s = readSelected(file, select, Float.BYTES, "floats",
                (entry, chunks) -> new Tensor(entry.shape(), readFloats(entry, chunks)));
        return new Contents(s.tensors(), s.metadata());
    }

    /**
     * Reads every tensor and the metadata of a safetensors file as doubles: F64 without loss, the other dtypes
     * converted exactly. The tensors may need at most {@link #maxTensorBytes()} bytes as doubles.
     *
     * @param file the file to read
     * @return the tensors, in file order, and the metadata
     * @throws CheckpointFormatException if the file is missing, unreadable, malformed or too large
     */
    public static DoubleContents readDoubles(Path file) {
        Selected<DoubleTensor> s = readSelected(file, layout -> layout.shapes().keySet(), Double.BYTES, "doubles",
                (entry, chunks) -> new DoubleTensor(entry.shape(), readDoubles(entry, chunks)));
        return new DoubleContents(s.tensors(), s.metadata());
    }

    private record Selected<T>(Map<String, T> tensors, Map<String, String> metadata) {
    }

    /** Reads one tensor's data through {@link Chunks}. */
    @FunctionalInterface
    private interface TensorReader<T> {
        T read(Entry entry, Chunks chunks) throws IOException;
    }

    private static <T> Selected<T> readSelected(Path file, Function<Layout, Set<String>> select, int elementBytes,
                                                String as, TensorReader<T> reader) {
        try (FileChannel channel = open(file)) {
            Header header = readHeader(file, channel);
            Set<String> wanted = select.apply(layout(header));
            long bytes = 0;
            for (Entry entry : header.entries()) {
                if (wanted.contains(entry.name())) {
                    bytes += elementCount(entry.shape()) * elementBytes;
                }
            }
            if (bytes > maxTensorBytes()) {
                throw fail(file, String.format(Locale.ROOT, "tensors of %,d bytes (as %s) exceed the limit of %,d "
                        + "bytes (raise it with -D%s=N)", bytes, as, maxTensorBytes(), MAX_TENSOR_BYTES_PROPERTY));
            }
            Map<String, T> tensors = new LinkedHashMap<>();
            Chunks chunks = new Chunks(file, channel, header.dataStart(),
                    ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN));
            for (Entry entry : header.entries()) {
                if (wanted.contains(entry.name())) {
                    tensors.put(entry.name(), reader.read(entry, chunks));
                }
            }
            return new Selected<>(Collections.unmodifiableMap(tensors), header.metadata());
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /**
     * Reads and validates the header of a safetensors file without reading any tensor data.
     *
     * @param file the file to read
     * @return the tensors' names and shapes, and the metadata
     * @throws CheckpointFormatException if the file is missing, unreadable or malformed
     */
    public static Layout readLayout(Path file) {
        try (FileChannel channel = open(file)) {
            return layout(readHeader(file, channel));
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /**
     * The most tensor data one read may return, in bytes of floats ({@link #read}) or doubles
     * ({@link #readDoubles}): {@value #DEFAULT_MAX_TENSOR_BYTES} (2 GiB; an official 1024x1024 training snapshot
     * needs about 0.7 GiB), or the system property
     * {@value #MAX_TENSOR_BYTES_PROPERTY}.
     *
     * @return the limit
     */
    public static long maxTensorBytes() {
        return Long.getLong(MAX_TENSOR_BYTES_PROPERTY, DEFAULT_MAX_TENSOR_BYTES);
    }

    private static Layout layout(Header header) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Entry e : header.entries()) {
            shapes.put(e.name(), e.shape().clone());
        }
        return new Layout(Collections.unmodifiableMap(shapes), header.metadata());
    }

    /**
     * Reads only the header of a safetensors file and returns its {@code __metadata__} entries. The header is
     * validated as fully as {@link #read} does, without reading the tensor data.
     *
     * @param file the file to read
     * @return the metadata, empty if the file has none
     * @throws CheckpointFormatException if the file is missing, unreadable or malformed
     */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel channel = open(file)) {
            return readHeader(file, channel).metadata();
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    // ---------------------------------------------------------------- writing

    private static <T> Map<String, long[]> shapes(Map<String, T> tensors, Function<T, long[]> shape) {
        Objects.requireNonNull(tensors, "tensors");
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, T> e : tensors.entrySet()) {
            out.put(e.getKey(), shape.apply(Objects.requireNonNull(e.getValue(), () -> "tensor " + e.getKey())));
        }
        return out;
    }

    private static void writeHeader(OutputStream out, byte[] header) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        length.putLong(header.length);
        out.write(length.array());
        out.write(header);
    }

    private static byte[] encodeHeader(Map<String, long[]> shapes, DType dtype, Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        ObjectNode root = MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                meta.put(e.getKey(), Objects.requireNonNull(e.getValue(), () -> "metadata value of " + e.getKey()));
            }
        }
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name: " + name);
            }
            ObjectNode node = root.putObject(name);
            node.put("dtype", dtype.name());
            ArrayNode shape = node.putArray("shape");
            for (long dim : e.getValue()) {
                shape.add(dim);
            }
            long end = offset + elementCount(e.getValue()) * dtype.size;
            node.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeFloats(OutputStream out, float[] data, byte[] chunk) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = chunk.length / Float.BYTES;
        for (int from = 0; from < data.length; from += perChunk) {
            int n = Math.min(perChunk, data.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(data, from, n);
            out.write(chunk, 0, n * Float.BYTES);
        }
    }

    private static void writeDoubles(OutputStream out, double[] data, byte[] chunk) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = chunk.length / Double.BYTES;
        for (int from = 0; from < data.length; from += perChunk) {
            int n = Math.min(perChunk, data.length - from);
            bytes.clear();
            bytes.asDoubleBuffer().put(data, from, n);
            out.write(chunk, 0, n * Double.BYTES);
        }
    }

    // ---------------------------------------------------------------- reading

    /** The element types this reader understands, with their size in bytes. */
    private enum DType {
        F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4);

        final int size;

        DType(int size) {
            this.size = size;
        }

        float get(ByteBuffer b) {
            return switch (this) {
                case F32 -> b.getFloat();
                case F16 -> halfToFloat(b.getShort());
                case BF16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                case F64 -> (float) b.getDouble();
                case I64 -> (float) b.getLong();
                case I32 -> (float) b.getInt();
            };
        }

        double getDouble(ByteBuffer b) {
            return switch (this) {
                case F64 -> b.getDouble();
                case I64 -> (double) b.getLong();
                case I32 -> b.getInt();
                default -> get(b);
            };
        }

        static DType parse(String name) {
            for (DType t : values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    private static FileChannel open(Path file) {
        if (Files.isDirectory(file)) {
            throw fail(file, "is a directory, not a safetensors file");
        }
        if (!Files.exists(file)) {
            throw fail(file, "no such file");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException(file + ": no such file", e);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static Header readHeader(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < Long.BYTES) {
            throw fail(file, "not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > size - Long.BYTES) {
            throw fail(file, "not a safetensors file (header length " + Long.toUnsignedString(headerLength)
                    + " exceeds file size " + size + ")");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw fail(file, "header length " + headerLength + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(file, channel, headerBytes, Long.BYTES);
        headerBytes.flip();
        String json = decodeUtf8(file, headerBytes);
        if (!json.startsWith("{")) {
            throw fail(file, "not a safetensors file (header does not start with '{')");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(
                    file + ": header is not valid JSON (" + firstLine(e.getOriginalMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw fail(file, "header is not a JSON object");
        }
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                entries.add(parseEntry(file, field.getKey(), field.getValue()));
            }
        }
        long dataStart = Long.BYTES + headerLength;
        checkLayout(file, entries, size - dataStart);
        return new Header(entries, metadata, dataStart);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw fail(file, METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw fail(file, METADATA_KEY + " entry '" + e.getKey() + "' is not a string");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        String what = "tensor '" + name + "'";
        if (name.isEmpty()) {
            throw fail(file, "tensor with an empty name");
        }
        if (!node.isObject()) {
            throw fail(file, what + " is not described by a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw fail(file, what + " has no dtype string");
        }
        DType dtype = DType.parse(dtypeNode.textValue());
        if (dtype == null) {
            throw fail(file, what + " has unsupported dtype '" + dtypeNode.textValue() + "' (supported: "
                    + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = nonNegativeLongs(node.get("shape"));
        if (shape == null) {
            throw fail(file, what + " has no valid shape (need an array of non-negative integers)");
        }
        long[] offsets = nonNegativeLongs(node.get("data_offsets"));
        if (offsets == null || offsets.length != 2) {
            throw fail(file, what + " has no valid data_offsets (need [begin, end], non-negative integers)");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw fail(file, what + " has data_offsets [" + begin + ", " + end + "] that end before they begin");
        }
        long count = elementCount(shape);
        if (count < 0 || count > Integer.MAX_VALUE - 8) {
            throw fail(file, what + " has shape " + formatShape(shape) + ", too many elements for one Java array");
        }
        long bytes = end - begin;
        if (bytes != count * dtype.size) {
            String actual = bytes % dtype.size == 0
                    ? (bytes / dtype.size) + " elements of data"
                    : bytes + " bytes of data, not a whole number of " + dtype + " elements";
            throw fail(file, what + " has shape " + formatShape(shape) + " but " + actual
                    + " (" + dtype + ", data_offsets [" + begin + ", " + end + "])");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Sorts entries by offset and requires them to tile the data buffer exactly, as the reference reader does. */
    private static void checkLayout(Path file, List<Entry> entries, long dataBytes) {
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : entries) {
            if (e.end() > dataBytes) {
                throw fail(file, "truncated (tensor '" + e.name() + "' ends at byte " + e.end() + ", file has "
                        + dataBytes + " data bytes)");
            }
            long expectedBegin = previous == null ? 0 : previous.end();
            if (e.begin() < expectedBegin) {
                throw fail(file, "tensors '" + previous.name() + "' (bytes " + previous.begin() + " to "
                        + previous.end() + ") and '" + e.name() + "' (bytes " + e.begin() + " to " + e.end()
                        + ") overlap");
            }
            if (e.begin() > expectedBegin) {
                throw fail(file, "gap in data: tensor '" + e.name() + "' starts at byte " + e.begin() + " but "
                        + (previous == null ? "the data starts at byte 0"
                                : "tensor '" + previous.name() + "' ends at byte " + previous.end()));
            }
            previous = e;
        }
        long used = previous == null ? 0 : previous.end();
        if (used != dataBytes) {
            throw fail(file, "not a safetensors file (" + (dataBytes - used) + " bytes after the last tensor: tensors"
                    + " end at byte " + used + ", file has " + dataBytes + " data bytes)");
        }
    }

    /** Hands a tensor's data to a sink one buffer-full at a time. */
    private record Chunks(Path file, FileChannel channel, long dataStart, ByteBuffer chunk) {

        /** Receives {@code n} elements for positions {@code from ..} in the buffer. */
        @FunctionalInterface
        interface Sink {
            void accept(ByteBuffer chunk, int from, int n);
        }

        void read(Entry entry, int count, Sink sink) throws IOException {
            int size = entry.dtype().size;
            int perChunk = chunk.capacity() / size;
            long pos = dataStart + entry.begin();
            for (int from = 0; from < count; from += perChunk) {
                int n = Math.min(perChunk, count - from);
                chunk.clear().limit(n * size);
                readFully(file, channel, chunk, pos);
                pos += (long) n * size;
                chunk.flip();
                sink.accept(chunk, from, n);
            }
        }
    }

    private static float[] readFloats(Entry entry, Chunks chunks) throws IOException {
        float[] data = new float[Math.toIntExact(elementCount(entry.shape()))];
        chunks.read(entry, data.length, (chunk, from, n) -> {
            if (entry.dtype() == DType.F32) {
                chunk.asFloatBuffer().get(data, from, n);
            } else {
                for (int i = 0; i < n; i++) {
                    data[from + i] = entry.dtype().get(chunk);
                }
            }
        });
        return data;
    }

    private static double[] readDoubles(Entry entry, Chunks chunks) throws IOException {
        double[] data = new double[Math.toIntExact(elementCount(entry.shape()))];
        chunks.read(entry, data.length, (chunk, from, n) -> {
            if (entry.dtype() == DType.F64) {
                chunk.asDoubleBuffer().get(data, from, n);
            } else {
                for (int i = 0; i < n; i++) {
                    data[from + i] = entry.dtype().getDouble(chunk);
                }
            }
        });
        return data;
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw fail(file, "truncated (file ended at byte " + pos + " while reading)");
            }
            pos += n;
        }
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(file + ": header is not valid UTF-8", e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Product of the dimensions, or -1 if a dimension is negative or the product overflows a long. */
    private static void checkCount(long[] shape, int length) {
        long count = elementCount(shape);
        if (count < 0) {
            throw new IllegalArgumentException("invalid shape " + formatShape(shape));
        }
        if (count != length) {
            throw new IllegalArgumentException("shape " + formatShape(shape) + " needs " + count
                    + " elements but data has " + length);
        }
    }

    private static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                return -1;
            }
            if (dim != 0 && count > Long.MAX_VALUE / dim) {
                return -1;
            }
            count *= dim;
        }
        return count;
    }

    /** The array's elements if it is a JSON array of non-negative integers that fit a long, else null. */
    private static long[] nonNegativeLongs(JsonNode node) {
        if (node == null || !node.isArray()) {
            return null;
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                return null;
            }
            values[i] = v.longValue();
        }
        return values;
    }

    private static String formatShape(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    private static float halfToFloat(short half) {
        int h = half & 0xffff;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat(((exponent + 112) << 23) | (mantissa << 13));
        }
        return (h & 0x8000) == 0 ? magnitude : -magnitude;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unparseable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static CheckpointFormatException fail(Path file, String problem) {
        return new CheckpointFormatException(file + ": " + problem);
    }

    private static CheckpointFormatException cannotRead(Path file, IOException e) {
        String reason = e.getMessage() == null || e.getMessage().equals(file.toString())
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        return new CheckpointFormatException(file + ": cannot be read (" + reason + ")", e);
    }
}
