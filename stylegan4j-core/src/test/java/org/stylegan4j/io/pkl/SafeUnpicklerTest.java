package org.stylegan4j.io.pkl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stylegan4j.io.CheckpointFormatException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

class SafeUnpicklerTest {

    private static final String BUILD_SRC =
            "# stand-in for the build module source; stylegan4j keeps it as an opaque string\n";

    private static List<?> triple(String name) {
        return assertInstanceOf(List.class, SafeUnpickler.load(Fixtures.path(name)));
    }

    private static Object parse(byte[] data) {
        return SafeUnpickler.parse(ByteBuffer.wrap(data), "x.pkl");
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    @Test
    void readsTheOfficialLayoutIntoRecords() throws Exception {
        List<?> t = triple("tiny32.pkl");
        assertEquals(3, t.size());
        PickledNetwork g = (PickledNetwork) t.get(0);
        PickledNetwork d = (PickledNetwork) t.get(1);
        PickledNetwork gs = (PickledNetwork) t.get(2);
        assertEquals(List.of("G", "D", "Gs"), List.of(g.name(), d.name(), gs.name()));
        assertEquals(List.of("G_style", "D_basic", "G_style"), List.of(g.buildFuncName(), d.buildFuncName(), gs.buildFuncName()));
        assertEquals(3, g.version());
        assertEquals(List.of("synthesis", "mapping"), List.copyOf(g.components().keySet()));
        assertEquals(32L, g.staticKwargs().get("resolution"));
        assertEquals(0L, g.staticKwargs().get("label_size"));
        assertEquals(List.of("lod", "dlatent_avg"), g.variables().stream().map(PickledNetwork.Variable::name).toList());
        NdArray lod = g.variables().get(0).value();
        assertArrayEquals(new long[0], lod.shape());
        assertArrayEquals(new float[] {0f}, lod.toFloatArray());
        PickledNetwork synthesis = g.components().get("synthesis");
        assertEquals("G_synthesis", synthesis.name());
        assertEquals("auto", synthesis.staticKwargs().get("structure"));
        // lod, 8 noise maps, 4x4 (Const 5 + Conv 5 + ToRGB 2), then 3 blocks of 12
        assertEquals(1 + 8 + 12 + 3 * 12, synthesis.variables().size());
        PickledNetwork.Variable conv = synthesis.variables().get(14);
        assertEquals("4x4/Conv/weight", conv.name());
        assertEquals("<f4", conv.value().dtype());
        assertArrayEquals(new long[] {3, 3, 16, 16}, conv.value().shape());
        assertEquals(4, g.components().get("mapping").variables().size());
        assertEquals(1 + 2 + 3 * 6 + 6, d.variables().size());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(BUILD_SRC.getBytes(StandardCharsets.UTF_8)));
        assertEquals(sha, gs.buildModuleSha256());
    }

    @Test
    void protocol2FileHoldsTheSameValues() {
        List<?> p4 = triple("tiny32.pkl");
        List<?> p2 = triple("tiny32_p2.pkl");
        for (int i = 0; i < 3; i++) {
            assertSameValues((PickledNetwork) p4.get(i), (PickledNetwork) p2.get(i));
        }
    }

    private static void assertSameValues(PickledNetwork a, PickledNetwork b) {
        assertEquals(a.name(), b.name());
        assertEquals(a.staticKwargs(), b.staticKwargs());
        assertEquals(a.variables().size(), b.variables().size());
        for (int i = 0; i < a.variables().size(); i++) {
            assertEquals(a.variables().get(i).name(), b.variables().get(i).name());
            assertArrayEquals(a.variables().get(i).value().shape(), b.variables().get(i).value().shape());
            assertArrayEquals(a.variables().get(i).value().toFloatArray(), b.variables().get(i).value().toFloatArray());
        }
        for (String c : a.components().keySet()) {
            assertSameValues(a.components().get(c), b.components().get(c));
        }
    }

    @Test
    void refusesATrojanNetworkNamingTheCallable() {
        Path file = Fixtures.path("malicious.pkl");
        UnsafePickleException e = assertThrows(UnsafePickleException.class, () -> SafeUnpickler.load(file));
        assertEquals("posix.system", e.reference());
        assertEquals("refusing to load " + file + ": it references posix.system, which is not an allowed StyleGAN "
                + "network class", e.getMessage());
    }

    @Test
    void refusesAtTheGlobalOpcodeBeforeReadingFurther() {
        // GLOBAL os.system and then nothing: the refusal comes before the missing data is noticed
        UnsafePickleException e = assertThrows(UnsafePickleException.class,
                () -> parse(bytes(0x80, 2, "cos\nsystem\n")));
        assertEquals("refusing to load x.pkl: it references os.system, which is not an allowed StyleGAN network class",
                e.getMessage());
        for (String[] ref : new String[][] {{"builtins", "eval"}, {"subprocess", "Popen"}, {"numpy", "load"},
            {"dnnlib.tflib.network", "exec"}}) {
            byte[] stackGlobal = bytes(0x80, 4, 0x8c, ref[0].length(), ref[0], 0x8c, ref[1].length(), ref[1], 0x93,
                    ")", "R", ".");
            UnsafePickleException s = assertThrows(UnsafePickleException.class, () -> parse(stackGlobal));
            assertEquals(ref[0] + "." + ref[1], s.reference());
        }
    }

    @Test
    void truncatedFileIsOneClearLine() throws Exception {
        byte[] all = Files.readAllBytes(Fixtures.path("tiny32.pkl"));
        for (int cut : new int[] {1, 1000, all.length / 2, all.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(all, cut);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> parse(part));
            assertEquals("x.pkl: truncated pickle (unexpected end of data at byte " + cut + ")", e.getMessage());
        }
    }

    @Test
    void unknownProtocolAndOldPicklesAreRejected() {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> parse(bytes(0x80, 6, "N.")));
        assertEquals("x.pkl: unsupported pickle protocol 6 (supported: 2 to 5)", e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> parse(bytes(0x80, 1, "N.")));
        assertEquals("x.pkl: unsupported pickle protocol 1 (supported: 2 to 5)", e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> parse(bytes("(lp0\n.")));
        assertTrue(e.getMessage().startsWith("x.pkl: not a pickle of protocol 2 or newer (first byte 0x28"), e.getMessage());
    }

    @Test
    void opcodesOutsideTheListAreErrorsNamingThem() {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> parse(bytes(0x80, 2, "I1\n.")));
        assertEquals("x.pkl: unsupported pickle opcode INT at byte 2 (not used by official StyleGAN network files)",
                e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> parse(bytes(0x80, 4, "N", 0x8f, ".")));
        assertTrue(e.getMessage().contains("opcode EMPTY_SET at byte 3"), e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> parse(bytes(0x80, 2, "NQ.")));
        assertTrue(e.getMessage().contains("opcode BINPERSID"), e.getMessage());
    }

    @Test
    void allowListedClassesAreInterpretedNotCalled() {
        // numpy.ndarray may only be an argument, never called
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> parse(bytes(0x80, 2, "cnumpy\nndarray\n)R.")));
        assertEquals("x.pkl: malformed pickle (REDUCE at byte 18: numpy.ndarray cannot be called)", e.getMessage());
        // _codecs.encode only as encode(str, 'latin1')
        Object b = parse(bytes(0x80, 2, "c_codecs\nencode\n", 0x8c, 3, 0xC3, 0xA9, "A", 0x8c, 6, "latin1", 0x86, "R."));
        assertArrayEquals(new byte[] {(byte) 0xE9, 'A'}, (byte[]) b);
        // collections.OrderedDict via REDUCE, then SETITEMS
        Object d = parse(bytes(0x80, 2, "ccollections\nOrderedDict\n)R(", 0x8c, 1, "a", "K", 7, "u."));
        assertEquals(Map.of("a", 7L), d);
    }

    @Test
    void plainValuesDecode() {
        Object v = parse(bytes(0x80, 4, "(", "J", 0xff, 0xff, 0xff, 0xff, 0x8a, 2, 0x00, 0x01, 0x88, "N",
                "G", 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, "C", 2, "hi", "t."));
        assertEquals(java.util.Arrays.asList(-1L, 256L, true, null, 1.5, null), normalise((List<?>) v));
    }

    private static List<Object> normalise(List<?> v) {
        List<Object> out = new java.util.ArrayList<>(v);
        assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), (byte[]) out.get(5));
        out.set(5, null);
        return out;
    }

    @Test
    void unhashableDictKeysAreRefusedAsPythonRefusesThem() {
        // }  ]  q0  h0  a  N  s : a list that contains itself, used as a dict key (11 bytes of opcodes)
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> parse(bytes(0x80, 2, "}]q", 0, "h", 0, "aNs.")));
        assertEquals("x.pkl: malformed pickle (SETITEM at byte 10: unhashable dict key: a list of 1 items)",
                e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> parse(bytes(0x80, 2, "}}Ns.")));
        assertTrue(e.getMessage().endsWith("unhashable dict key: a dict of 0 entries)"), e.getMessage());
    }

    @Test
    void exponentialTupleDagAsKeyIsRefusedWithoutHashingIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(0x80, 2, "}NN", 0x86, "q", 0));
        for (int i = 0; i < 90; i++) {
            out.writeBytes(bytes("h", 0, "h", 0, 0x86, "q", 0));
        }
        out.writeBytes(bytes("Ns."));
        long start = System.nanoTime();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> parse(out.toByteArray()));
        assertTrue(e.getMessage().endsWith("dict key is a tuple holding a tuple of 2 items (only strings, numbers, "
                + "booleans and None are supported in key tuples))"), e.getMessage());
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }

    @Test
    void flatTupleKeysAndOrderedDictPairsAreChecked() {
        Object d = parse(bytes(0x80, 2, "}", 0x8c, 1, "a", "K", 1, 0x86, "K", 2, "s."));
        assertEquals(Map.of(List.of("a", 1L), 2L), d);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> parse(bytes(0x80, 2, "ccollections\nOrderedDict\n]K", 1, 0x85, "a", 0x85, "R.")));
        assertEquals("x.pkl: malformed pickle (REDUCE at byte 33: OrderedDict item is a tuple of 1 items, not a "
                + "(key, value) pair)", e.getMessage());
    }

    @Test
    void memoIsNotRescannedOnEveryBuild() {
        // 200,000 memo entries, then 50,000 numpy scalars each built with BUILD: linear time
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(0x80, 4, "(", "cnumpy.core.multiarray\n_reconstruct\n", 0x94, "cnumpy\nndarray\n", 0x94,
                "cnumpy\ndtype\n", 0x8c, 2, "f4", 0x85, "R(K", 3, 0x8c, 1, "<tb", 0x94));
        for (int i = 0; i < 200_000; i++) {
            out.writeBytes(bytes("N", 0x94));
        }
        for (int i = 0; i < 50_000; i++) {
            out.writeBytes(bytes("h", 0, "h", 1, 0x85, "R(K", 1, ")h", 2, 0x89, "C", 4, "abcd", "tb"));
        }
        out.writeBytes(bytes("t."));
        long start = System.nanoTime();
        List<?> items = assertInstanceOf(List.class, parse(out.toByteArray()));
        assertEquals(3 + 250_000, items.size());
        assertInstanceOf(NdArray.class, items.get(items.size() - 1));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "took " + (System.nanoTime() - start) / 1e9 + " s");
    }
}
