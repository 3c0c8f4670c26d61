package org.stylegan4j.io.pkl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test fixtures written by tools/make_official_fixture.py, and a reader for its float32 .npy references. */
final class Fixtures {

    private Fixtures() {
    }

    static Path path(String name) {
        try {
            return Path.of(Objects.requireNonNull(Fixtures.class.getResource("/pkl/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A little-endian float32 C-order .npy file (format version 1). */
    record Npy(long[] shape, float[] data) {
    }

    static Npy npy(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/pkl/" + name)) {
            ByteBuffer b = ByteBuffer.wrap(Objects.requireNonNull(in, name).readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            int headerLen = b.getShort(8) & 0xFFFF;
            String header = new String(b.array(), 10, headerLen, StandardCharsets.US_ASCII);
            if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False")) {
                throw new IllegalStateException("not a C-order float32 npy: " + header);
            }
            Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
            if (!m.find()) {
                throw new IllegalStateException(header);
            }
            String[] dims = m.group(1).split(",");
            long[] shape = new long[dims.length];
            int n = 1;
            for (int i = 0; i < dims.length; i++) {
                shape[i] = Long.parseLong(dims[i].trim());
                n *= (int) shape[i];
            }
            float[] data = new float[n];
            b.position(10 + headerLen);
            b.asFloatBuffer().get(data);
            return new Npy(shape, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
