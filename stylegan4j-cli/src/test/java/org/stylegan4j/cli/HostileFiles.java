package org.stylegan4j.cli;

import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.ModelConfig;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the hostile-input corpus of issue 18 at test time: pickles, checkpoints and images built to exhaust
 * stack, memory or time. Nothing large is committed; large files are sparse or compress to little.
 */
final class HostileFiles {

    private HostileFiles() {
    }

    // ---------------------------------------------------------------- pickles

    /** Builds a protocol-2 pickle from opcodes and values. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            op(0x80, 2);
        }

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle ops(String opcodes) {
            out.writeBytes(opcodes.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            op(0x8a, 8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        /** Pushes a value: String, Long, Integer, Double, Boolean, a List (as a tuple) or a Raw opcode sequence. */
        Pickle value(Object v) {
            if (v instanceof String s) {
                return str(s);
            }
            if (v instanceof Long || v instanceof Integer) {
                return integer(((Number) v).longValue());
            }
            if (v instanceof Double d) {
                op('G');
                out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
                return this;
            }
            if (v instanceof Boolean b) {
                return op(b ? 0x88 : 0x89);
            }
            if (v instanceof Raw r) {
                r.writer().accept(this);
                return this;
            }
            List<?> items = (List<?>) v;
            op('(');
            items.forEach(this::value);
            return op('t');
        }

        /** Opens a network: NEWOBJ of dnnlib's Network, then its state dict up to the components. */
        Pickle networkHead(String name, String func, long version, Map<String, Object> kwargs) {
            ops("cdnnlib.tflib.network\nNetwork\n)").op(0x81).ops("}(");
            str("name").str(name).str("build_func_name").str(func).str("version").integer(version);
            str("static_kwargs").ops("}(");
            kwargs.forEach((k, v) -> str(k).value(v));
            return ops("u").str("components").ops("}(");
        }

        /** Closes a network opened by {@link #networkHead}: its components, variables (all 0.0) and BUILD. */
        Pickle networkTail(List<String> variables) {
            ops("u").str("variables").ops("](");
            for (String v : variables) {
                str(v).value(0.0).op(0x86);
            }
            return ops("eub");
        }

        Pickle network(String name, String func, Map<String, Object> kwargs, Map<String, Pickle> components,
                       List<String> variables) {
            networkHead(name, func, 3, kwargs);
            components.forEach((k, c) -> str(k).embed(c));
            return networkTail(variables);
        }

        /** Appends the opcodes of another pickle (without its protocol header), pushing its value. */
        Pickle embed(Pickle other) {
            out.write(other.out.toByteArray(), 2, other.out.size() - 2);
            return this;
        }

        void write(Path file) throws IOException {
            op('.');
            Files.write(file, out.toByteArray());
        }
    }

    /** Opcodes pushing one value, for kwargs that are not plain values. */
    record Raw(java.util.function.Consumer<Pickle> writer) {
    }

    /** Small static kwargs of a valid tiny generator (8x8). */
    static Map<String, Object> tinyKwargs() {
        Map<String, Object> kw = new LinkedHashMap<>();
        kw.put("resolution", 8L);
        kw.put("latent_size", 16L);
        kw.put("dlatent_size", 16L);
        kw.put("mapping_fmaps", 16L);
        kw.put("fmap_base", 64L);
        kw.put("fmap_max", 16L);
        return kw;
    }

    /**
     * An official-looking (G, D, Gs) pickle whose Gs has extra static kwargs and, optionally, a state version and
     * mapping variable of the caller's choice.
     */
    static void officialLike(Path file, Map<String, Object> gsKwargs, long gsVersion, String mappingVariable)
            throws IOException {
        Pickle p = new Pickle().op('(');
        for (String name : List.of("G", "D", "Gs")) {
            if (name.equals("D")) {
                p.network("D", "D_basic", Map.of(), Map.of(), List.of("4x4/Conv/weight"));
                continue;
            }
            Map<String, Object> kw = tinyKwargs();
            if (name.equals("Gs")) {
                kw.putAll(gsKwargs);
            }
            Map<String, Pickle> components = new LinkedHashMap<>();
            components.put("synthesis", new Pickle().network("G_synthesis", "G_synthesis", Map.of(), Map.of(),
                    List.of("4x4/Const/const", "8x8/Conv1/weight")));
            components.put("mapping", new Pickle().network("G_mapping", "G_mapping", Map.of(), Map.of(),
                    List.of(mappingVariable)));
            p.networkHead(name, "G_style", name.equals("Gs") ? gsVersion : 3, kw);
            components.forEach((k, c) -> p.str(k).embed(c));
            p.networkTail(List.of("dlatent_avg"));
        }
        p.ops("t").write(file);
    }

    /** Pushes a list nested {@code depth} deep: [[[...]]]. */
    static Raw deepList(int depth) {
        return new Raw(p -> {
            p.ops("]".repeat(depth));
            p.ops("a".repeat(depth - 1));
        });
    }

    /** Pushes a list A = [B] with B = [A]. */
    static Raw twoListCycle() {
        return new Raw(p -> p.ops("]").op('q', 0).ops("]").op('q', 1).op('h', 0).ops("aa"));
    }

    /** A chain of networks, each the only component of the one before. */
    static void componentChain(Path file, int depth) throws IOException {
        Pickle p = new Pickle();
        for (int i = 0; i < depth; i++) {
            p.networkHead("n", "G_style", 3, Map.of()).str("c");
        }
        p.networkHead("n", "G_style", 3, Map.of());
        for (int i = 0; i <= depth; i++) {
            p.networkTail(List.of());
        }
        p.write(file);
    }

    // ---------------------------------------------------------------- checkpoints

    /** A checkpoint holding no tensors whose config JSON has fields replaced: name, value, name, value... */
    static void configOnly(Path file, String... fieldsAndValues) throws IOException {
        String json = Checkpoint.configJson(ModelConfig.preset("small", 16));
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            json = json.replaceFirst("\"" + fieldsAndValues[i] + "\":[^,}]+",
                    "\"" + fieldsAndValues[i] + "\":" + fieldsAndValues[i + 1]);
        }
        safetensors(file, Map.of(), json, 0);
    }

    /**
     * A sparse safetensors file of a valid digits 16x16 config declaring F16 tensors of the given element counts;
     * the data is a hole, so only the header takes disk space.
     */
    static void sparseTensors(Path file, Map<String, Long> f16Elements) throws IOException {
        safetensors(file, f16Elements, Checkpoint.configJson(ModelConfig.preset("small", 16)), 2);
    }

    private static void safetensors(Path file, Map<String, Long> tensors, String configJson, int itemSize)
            throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"" + Checkpoint.FORMAT + "\",\"config\":")
                .append(jsonString(configJson)).append('}');
        long offset = 0;
        for (Map.Entry<String, Long> t : tensors.entrySet()) {
            long end = offset + t.getValue() * itemSize;
            h.append(",\"").append(t.getKey()).append("\":{\"dtype\":\"F16\",\"shape\":[").append(t.getValue())
                    .append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
            f.setLength(8 + header.length + offset);
        }
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ---------------------------------------------------------------- images

    /** A PNG whose header declares {@code w x h} gray pixels, with one empty data chunk (never decoded). */
    static void pngHeader(Path file, int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put(new byte[] {8, 0, 0, 0, 0}).array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1});
        chunk(out, "IEND", new byte[0]);
        Files.write(file, out.toByteArray());
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A small JPEG whose frame header is patched to claim {@code w x h} pixels. */
    static void jpegClaiming(Path file, int w, int h) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpg", buf);
        byte[] b = buf.toByteArray();
        for (int i = 2; i + 8 < b.length; i++) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xc0) {
                ByteBuffer.wrap(b, i + 5, 4).putShort((short) h).putShort((short) w);
                break;
            }
        }
        Files.write(file, b);
    }

    /** A zip with one PNG entry of {@code bytes} zero bytes, deflated (a few hundred KB on disk). */
    static void zipWithHugeEntry(Path file, long bytes) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry("big.png"));
            byte[] zeros = new byte[1 << 20];
            OutputStream out = zip;
            for (long left = bytes; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            zip.closeEntry();
        }
    }
}
