package org.stylegan4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.SafeTensors.Contents;
import org.stylegan4j.io.SafeTensors.Tensor;

class SafeTensorsTest {

    @TempDir
    Path dir;

    // ------------------------------------------------------------ helpers

    private static byte[] le(int capacity, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    private static byte[] floats(float... values) {
        return le(values.length * 4, b -> {
            for (float v : values) {
                b.putFloat(v);
            }
        });
    }

    /** A file as the Python safetensors package lays it out: length, unpadded header, data. */
    private static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(8, b -> b.putLong(json.length)));
        out.writeBytes(json);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private Path put(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path p = put("bad.safetensors", bytes);
        assertRejected(p, fragments);
    }

    private static void assertRejected(Path p, String... fragments) {
        for (boolean metadataOnly : new boolean[] {false, true}) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> {
                        if (metadataOnly) {
                            SafeTensors.readMetadata(p);
                        } else {
                            SafeTensors.read(p);
                        }
                    });
            String msg = e.getMessage();
            assertTrue(msg.startsWith(p + ": "), msg);
            assertTrue(msg.indexOf('\n') < 0, msg);
            for (String f : fragments) {
                assertTrue(msg.contains(f), () -> "expected '" + f + "' in: " + msg);
            }
            assertInstanceOf(StyleGanInputException.class, e);
        }
    }

    // ------------------------------------------------------------ writing and reading

    @Test
    void roundTripKeepsTensorsOrderAndMetadata() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.last", new Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.NaN, 0, -0f}));
        tensors.put("a.scalar", new Tensor(new long[] {}, new float[] {42.25f}));
        tensors.put("empty", new Tensor(new long[] {0, 4}, new float[0]));
        tensors.put("G.mapping.Dense0.weight", new Tensor(new long[] {4, 1, 1},
                new float[] {Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 1e-30f}));
        Map<String, String> metadata = Map.of("format", "stylegan4j", "kimg", "1234", "note", "ünïcode ✓");
        Path p = dir.resolve("model.safetensors");
        SafeTensors.write(p, tensors, metadata);

        Contents c = SafeTensors.read(p);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(c.tensors().keySet()));
        assertEquals(tensors, c.tensors());
        assertArrayEquals(new long[] {}, c.tensors().get("a.scalar").shape());
        assertEquals(metadata, c.metadata());
        assertEquals(metadata, SafeTensors.readMetadata(p));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
    }

    @Test
    void aStreamGetsTheFilesBytes() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", new Tensor(new long[] {1, 2, 3}, new float[] {1, 2, 3, 4, 5, -6}));
        tensors.put("noise.0", new Tensor(new long[] {1, 1, 2, 2}, new float[] {0.5f, -0.5f, 0, 1}));
        Path p = dir.resolve("streamed.safetensors");
        SafeTensors.write(p, tensors, Map.of("format", "x"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, tensors, Map.of("format", "x"));
        assertArrayEquals(Files.readAllBytes(p), out.toByteArray());
    }

    @Test
    void roundTripOfLargeTensorSpanningChunks() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        float[] big = new float[3 * 262_144 + 5];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) random.nextGaussian();
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("odd", new Tensor(new long[] {3}, new float[] {1, 2, 3}));
        tensors.put("big", new Tensor(new long[] {big.length}, big));
        Path p = dir.resolve("big.safetensors");
        SafeTensors.write(p, tensors, Map.of());
        Contents c = SafeTensors.read(p);
        assertEquals(tensors, c.tensors());
        assertEquals(Map.of(), c.metadata());
    }

    @Test
    void f64RoundTripIsBitExact() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        double[] big = new double[131_072 + 3];
        for (int i = 0; i < big.length; i++) {
            big[i] = random.nextGaussian() * 1e-3 + 1.0 / 3;
        }
        double[] special = {0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NEGATIVE_INFINITY,
            Double.longBitsToDouble(0x7ff8000000000123L), 1 + 0x1p-52};
        Map<String, SafeTensors.DoubleTensor> tensors = new LinkedHashMap<>();
        tensors.put("special", new SafeTensors.DoubleTensor(new long[] {7}, special));
        tensors.put("big", new SafeTensors.DoubleTensor(new long[] {big.length}, big));
        Path p = dir.resolve("f64.safetensors");
        SafeTensors.writeF64(p, tensors, Map.of("format", "x/2"));

        SafeTensors.DoubleContents c = SafeTensors.readDoubles(p);
        assertEquals(List.of("special", "big"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("format", "x/2"), c.metadata());
        for (String name : tensors.keySet()) {
            double[] expected = tensors.get(name).data();
            double[] actual = c.tensors().get(name).data();
            assertEquals(expected.length, actual.length, name);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), name + i);
            }
        }
        String header = new String(Files.readAllBytes(p), 8, 200, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"special\":{\"dtype\":\"F64\",\"shape\":[7],\"data_offsets\":[0,56]}"), header);
        assertEquals(8 + ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).getLong()
                + 8L * (7 + big.length), Files.size(p));
        assertArrayEquals(new float[] {0.1f, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f},
                SafeTensors.read(p).tensors().get("special").data(), "the float reader still converts F64");
    }

    @Test
    void readDoublesWidensF32Exactly() throws IOException {
        Path p = dir.resolve("f32.safetensors");
        SafeTensors.write(p, Map.of("a", new Tensor(new long[] {2}, new float[] {0.1f, -3.5f})), Map.of());
        assertArrayEquals(new double[] {0.1f, -3.5}, SafeTensors.readDoubles(p).tensors().get("a").data(), 0.0);
    }

    @Test
    void layoutIsByteExact() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", new Tensor(new long[] {2}, new float[] {1.0f, -2.0f}));
        tensors.put("b", new Tensor(new long[] {}, new float[] {0.5f}));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("z", "last");
        metadata.put("a", "first");
        Path p = dir.resolve("tiny.safetensors");
        SafeTensors.write(p, tensors, metadata);

        String json = "{\"__metadata__\":{\"a\":\"first\",\"z\":\"last\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        String header = json + " ".repeat(padded - json.length());
        byte[] expected = file(header, new byte[] {
            0x00, 0x00, (byte) 0x80, 0x3f, // 1.0f
            0x00, 0x00, 0x00, (byte) 0xc0, // -2.0f
            0x00, 0x00, 0x00, 0x3f, // 0.5f
        });
        assertArrayEquals(expected, Files.readAllBytes(p));
    }

    @Test
    void emptyFileHasPaddedEmptyHeader() throws IOException {
        Path p = dir.resolve("empty.safetensors");
        SafeTensors.write(p, Map.of(), Map.of());
        assertArrayEquals(file("{}      ", new byte[0]), Files.readAllBytes(p));
        Contents c = SafeTensors.read(p);
        assertTrue(c.tensors().isEmpty());
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void writingIsDeterministic() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("x", new Tensor(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        tensors.put("y", new Tensor(new long[] {1}, new float[] {5}));
        Map<String, String> m1 = new LinkedHashMap<>();
        m1.put("b", "2");
        m1.put("a", "1");
        Map<String, String> m2 = new LinkedHashMap<>();
        m2.put("a", "1");
        m2.put("b", "2");
        Path p1 = dir.resolve("one.safetensors");
        Path p2 = dir.resolve("two.safetensors");
        SafeTensors.write(p1, tensors, m1);
        SafeTensors.write(p2, tensors, m2);
        assertArrayEquals(Files.readAllBytes(p1), Files.readAllBytes(p2));
        SafeTensors.write(p1, tensors, m1);
        assertArrayEquals(Files.readAllBytes(p2), Files.readAllBytes(p1));
    }

    @Test
    void writeRejectsBadNames() {
        Path p = dir.resolve("x.safetensors");
        Tensor t = new Tensor(new long[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, Map.of("", t), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("__metadata__", t), Map.of()));
        assertTrue(Files.notExists(p));
    }

    @Test
    void tensorValidatesShapeAgainstData() {
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new long[] {2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new long[] {}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new long[] {-1}, new float[0]));
        assertEquals(1, new Tensor(new long[] {}, new float[1]).data().length);
    }

    // ------------------------------------------------------------ files from the Python convention

    @Test
    void readsUnpaddedPythonStyleFileWithKeysOutOfDataOrder() throws IOException {
        // Header keys in a different order from the data, no padding, no metadata, extra whitespace.
        String header = "{ \"b\": {\"dtype\": \"F32\", \"shape\": [1, 2], \"data_offsets\": [12, 20]},"
                + " \"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]}}";
        Path p = put("py.safetensors", file(header, floats(1, 2, 3, 4, 5)));
        Contents c = SafeTensors.read(p);
        assertEquals(List.of("a", "b"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[] {1, 2, 3}, c.tensors().get("a").data());
        assertArrayEquals(new long[] {1, 2}, c.tensors().get("b").shape());
        assertArrayEquals(new float[] {4, 5}, c.tensors().get("b").data());
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void convertsOtherDtypesToFloat() throws IOException {
        byte[] data = le(2 * 3 + 2 + 8 + 8 + 4, b -> {
            b.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0001); // F16 1, -2, 2^-24
            b.putShort((short) 0x3fc0); // BF16 1.5
            b.putDouble(-0.25);
            b.putLong(-7);
            b.putInt(123456);
        });
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[6,8]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[24,28]}}";
        Contents c = SafeTensors.read(put("mixed.safetensors", file(header, data)));
        assertArrayEquals(new float[] {1, -2, 0x1p-24f}, c.tensors().get("h").data());
        assertArrayEquals(new float[] {1.5f}, c.tensors().get("bf").data());
        assertArrayEquals(new float[] {-0.25f}, c.tensors().get("d").data());
        assertArrayEquals(new float[] {-7}, c.tensors().get("l").data());
        assertArrayEquals(new float[] {123456}, c.tensors().get("i").data());
    }

    // ------------------------------------------------------------ error paths

    @Test
    void missingFile() {
        assertRejected(dir.resolve("nothing.safetensors"), "nothing.safetensors", "no such file");
    }

    @Test
    void directoryInsteadOfFile() {
        assertRejected(dir, "is a directory");
    }

    @Test
    void shorterThanEightBytes() throws IOException {
        assertRejected(new byte[] {1, 2, 3}, "not a safetensors file", "3 bytes");
        assertRejected(new byte[0], "not a safetensors file", "0 bytes");
    }

    @Test
    void headerLengthBeyondFileSize() throws IOException {
        byte[] bytes = new byte[4096];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(123456789012L);
        assertRejected(bytes, "not a safetensors file (header length 123456789012 exceeds file size 4096)");
        byte[] huge = le(16, b -> b.putLong(-1L));
        assertRejected(huge, "header length 18446744073709551615 exceeds file size 16");
    }

    @Test
    void headerNotJson() throws IOException {
        assertRejected(file("{\"a\": [1, 2", new byte[0]), "header is not valid JSON");
        assertRejected(file("{} {}", new byte[0]), "header is not valid JSON");
        assertRejected(file("not json", new byte[0]), "not a safetensors file", "does not start with '{'");
        assertRejected(file("", new byte[0]), "does not start with '{'");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] json = {'{', '"', (byte) 0xff, '"', ':', '1', '}', ' '};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(8, b -> b.putLong(json.length)));
        out.writeBytes(json);
        assertRejected(out.toByteArray(), "header is not valid UTF-8");
    }

    @Test
    void duplicateTensorName() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRejected(file(header, floats(1, 2)), "header is not valid JSON", "Duplicate field 'a'");
    }

    @Test
    void shapeDisagreesWithData() throws IOException {
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}";
        assertRejected(file(header, floats(1, 2, 3, 4, 5)), "tensor 'x' has shape [2,3] but 5 elements of data");
        String ragged = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,6]}}";
        assertRejected(file(ragged, new byte[6]), "tensor 'x' has shape [2] but 6 bytes of data",
                "not a whole number of F32 elements");
    }

    @Test
    void truncatedData() throws IOException {
        String header = "{\"G.mapping.Dense0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
        assertRejected(file(header, floats(1, 2, 3, 4)),
                "truncated (tensor 'G.mapping.Dense0.weight' ends at byte 24, file has 16 data bytes)");
    }

    @Test
    void overlappingRanges() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertRejected(file(header, floats(1, 2, 3)), "tensors 'a'", "'b'", "overlap");
    }

    @Test
    void gapBetweenRanges() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertRejected(file(header, floats(1, 2, 3)),
                "gap in data: tensor 'b' starts at byte 8 but tensor 'a' ends at byte 4");
        String late = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRejected(file(late, floats(1, 2)), "tensor 'a' starts at byte 4 but the data starts at byte 0");
    }

    @Test
    void offsetsEndBeforeTheyBegin() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}";
        assertRejected(file(header, floats(1, 2)), "tensor 'a' has data_offsets [8, 4] that end before they begin");
    }

    @Test
    void unusedTrailingData() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertRejected(file(header, floats(1, 2)), "4 bytes after the last tensor");
    }

    @Test
    void unsupportedDtype() throws IOException {
        String header = "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}";
        assertRejected(file(header, new byte[4]), "tensor 'q' has unsupported dtype 'F8_E4M3'", "F32");
    }

    @Test
    void malformedTensorEntries() throws IOException {
        assertRejected(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'a' has no dtype string");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'a' has no valid shape");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor 'a' has no valid shape");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", floats(1)),
                "tensor 'a' has no valid data_offsets");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", floats(1)),
                "tensor 'a' has no valid data_offsets");
        assertRejected(file("{\"a\":[1,2]}", new byte[0]), "tensor 'a' is not described by a JSON object");
        assertRejected(file("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor with an empty name");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,4]}}", floats(1)), "too many elements");
    }

    @Test
    void malformedMetadata() throws IOException {
        assertRejected(file("{\"__metadata__\":{\"epoch\":3}}", new byte[0]),
                "__metadata__ entry 'epoch' is not a string");
        assertRejected(file("{\"__metadata__\":\"x\"}", new byte[0]), "__metadata__ is not a JSON object");
    }

    @Test
    void readMetadataOnlyReadsHeader() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertEquals(Map.of("format", "pt"), SafeTensors.readMetadata(put("m.safetensors", file(header, floats(9)))));
    }
}
