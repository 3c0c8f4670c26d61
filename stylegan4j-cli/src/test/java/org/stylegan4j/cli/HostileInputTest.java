package org.stylegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.io.CannotWriteException;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18's hostile-input corpus through the real command line: every file is refused with exit code 2 and one
 * line on stderr, quickly, and with budgets checked before anything large is allocated.
 */
class HostileInputTest {

    private static final long SECONDS = 20;

    @TempDir
    Path dir;

    /** Runs the command line and checks exit 2, one "error: " line containing {@code expected}, and the time bound. */
    private static String refused(String expected, String... args) {
        long start = System.nanoTime();
        CliTest.Run r = CliTest.run(args);
        double seconds = (System.nanoTime() - start) / 1e9;
        String err = r.err().strip();
        assertEquals(2, r.exit(), err);
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("error: "), err);
        assertTrue(err.contains(expected), err);
        assertTrue(seconds < SECONDS, String.join(" ", args) + " took " + seconds + " s");
        return err;
    }

    private String importPkl(Path pkl, String expected) {
        return refused(expected, "import", "--pkl", pkl.toString(), "--out", dir.resolve("out.safetensors").toString());
    }

    private static Map<String, Object> kw(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }

    @Test
    void selfContainingListAsDictKey() throws IOException {
        Path f = dir.resolve("selfkey.pkl");
        new HostileFiles.Pickle().ops("}]").op('q', 0, 'h', 0).ops("aNs").write(f);
        assertEquals(12, Files.size(f));
        assertEquals("error: " + f + ": malformed pickle (SETITEM at byte 10: unhashable dict key: a list of 1 items)",
                importPkl(f, "unhashable"));
    }

    @Test
    void deepListAsDictKey() throws IOException {
        Path f = dir.resolve("deepkey.pkl");
        HostileFiles.Pickle p = new HostileFiles.Pickle().ops("}");
        HostileFiles.deepList(900_000).writer().accept(p);
        p.ops("Ns").write(f);
        importPkl(f, "unhashable dict key: a list of 1 items");
    }

    @Test
    void exponentialTupleDagAsDictKey() throws IOException {
        Path f = dir.resolve("dag.pkl");
        HostileFiles.Pickle p = new HostileFiles.Pickle().ops("}NN").op(0x86, 'q', 0);
        for (int i = 0; i < 90; i++) {
            p.op('h', 0, 'h', 0, 0x86, 'q', 0);
        }
        p.ops("Ns").write(f);
        importPkl(f, "dict key is a tuple holding a tuple of 2 items");
    }

    @Test
    void memoBombIsLinear() throws IOException {
        Path f = dir.resolve("memo.pkl");
        HostileFiles.Pickle p = new HostileFiles.Pickle().ops("(cnumpy.core.multiarray\n_reconstruct\n").op(0x94)
                .ops("cnumpy\nndarray\n").op(0x94).ops("cnumpy\ndtype\n").str("f4").op(0x85).ops("R(").str("<")
                .str("<").ops("tb").op(0x94);
        for (int i = 0; i < 300_000; i++) {
            p.ops("N").op(0x94);
        }
        for (int i = 0; i < 200_000; i++) {
            p.op('h', 0, 'h', 1, 0x85).ops("R(").integer(1).ops(")").op('h', 2, 0x89, 'C', 4).ops("abcdtb");
        }
        p.ops("t").write(f);
        assertTrue(Files.size(f) > 5_000_000L);
        importPkl(f, "not an official StyleGAN network pickle");
    }

    @Test
    void orderedDictItemThatIsNotAPair() throws IOException {
        Path f = dir.resolve("od.pkl");
        new HostileFiles.Pickle().ops("ccollections\nOrderedDict\n]K").op(1, 0x85).ops("a").op(0x85).ops("R").write(f);
        importPkl(f, "OrderedDict item is a tuple of 1 items, not a (key, value) pair");
    }

    @Test
    void cyclicAndDeepStaticKwargsAreDescribedNotPrinted() throws IOException {
        Path cyclic = dir.resolve("cyclic.pkl");
        HostileFiles.officialLike(cyclic, kw("blur_filter", HostileFiles.twoListCycle()), 3, "Dense0/weight");
        importPkl(cyclic, "static kwarg blur_filter=a list of 1 items is not supported");
        Path deep = dir.resolve("deep.pkl");
        HostileFiles.officialLike(deep, kw("blur_filter", HostileFiles.deepList(200_000)), 3, "Dense0/weight");
        importPkl(deep, "static kwarg blur_filter=a list of 1 items is not supported");
    }

    @Test
    void componentsNestNoDeeperThanOfficialFiles() throws IOException {
        Path two = dir.resolve("nested.pkl");
        HostileFiles.componentChain(two, 2);
        importPkl(two, "component 'c' of network 'n' has components of its own (official networks nest one level deep)");
        Path chain = dir.resolve("chain.pkl");
        HostileFiles.componentChain(chain, 100_000);
        importPkl(chain, "values on the pickle stack");
    }

    @Test
    void hugeStateVersionAndLayerNames() throws IOException {
        Path version = dir.resolve("version.pkl");
        HostileFiles.officialLike(version, Map.of(), 1L << 40, "Dense0/weight");
        importPkl(version, "network 'Gs' has state version 1099511627776; StyleGAN (v1) networks have version 2 or 3");
        Path dense = dir.resolve("dense.pkl");
        HostileFiles.officialLike(dense, Map.of(), 3, "Dense99999999999/weight");
        importPkl(dense, "of network 'G' has shape [], expected [16] for the inferred architecture");
    }

    @Test
    void oversizedStaticKwargsAreRefusedBeforeBuilding() throws IOException {
        Path fmap = dir.resolve("fmap.pkl");
        HostileFiles.officialLike(fmap, kw("fmap_max", 15_000L), 3, "Dense0/weight");
        assertEquals("error: " + fmap + ": the inferred architecture is refused (fmap_max must be at most 8192, got "
                + "15000)", importPkl(fmap, "fmap_max"));
        Path latent = dir.resolve("latent.pkl");
        HostileFiles.officialLike(latent, kw("latent_size", 1L << 30), 3, "Dense0/weight");
        refused("latent size must be at most 8192, got 1073741824", "generate", "--network", latent.toString(),
                "--seeds", "1", "--outdir", dir.resolve("g").toString());
    }

    @Test
    void checkpointConfigsOverTheBudget() throws IOException {
        String[][] cases = {
            {"fmapMax", "15000", "fmap_max must be at most 8192, got 15000"},
            {"fmapMax", "20000", "fmap_max must be at most 8192, got 20000"},
            {"fmapBase", "1000000000", "fmap_base must be at most 1048576, got 1000000000"},
            {"latentSize", "1073741824", "latent size must be at most 8192, got 1073741824"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve(c[0] + c[1] + ".safetensors");
            HostileFiles.configOnly(f, c[0], c[1]);
            assertTrue(Files.size(f) < 1000);
            assertEquals("error: " + f + ": model config is not valid (" + c[2] + ")",
                    refused(c[2], "info", "--network", f.toString()));
        }
        Path wide = dir.resolve("wide.safetensors");
        HostileFiles.configOnly(wide, "fmapMax", "8192", "fmapBase", "1048576");
        String err = refused("model too large", "info", "--network", wide.toString());
        assertTrue(err.endsWith("(raise it with -Dstylegan4j.maxParameters=N))"), err);
    }

    @Test
    void sparseTensorsAreRefusedBeforeTheirDataIsRead() throws IOException {
        Path one = dir.resolve("f16.safetensors");
        HostileFiles.sparseTensors(one, Map.of("G_ema.synthesis.4x4.Const.const", (1L << 31) - 9));
        refused("holds 2,147,483,639 tensor elements, more than the", "generate", "--network", one.toString(),
                "--seeds", "1", "--outdir", dir.resolve("a").toString());
        Path two = dir.resolve("two.safetensors");
        Map<String, Long> junk = new LinkedHashMap<>();
        junk.put("junk1", 700_000_000L);
        junk.put("junk2", 700_000_000L);
        HostileFiles.sparseTensors(two, junk);
        refused(two + ": unexpected tensor 'junk1'", "generate", "--network", two.toString(), "--seeds", "1",
                "--outdir", dir.resolve("b").toString());
    }

    @Test
    void imagesOverThePixelLimitAreRefusedBeforeDecoding() throws IOException {
        Path png = Files.createDirectory(dir.resolve("png"));
        HostileFiles.pngHeader(png.resolve("huge.png"), 30_000, 30_000);
        refused("a 30000x30000 image (900,000,000 pixels) exceeds the limit of 67,108,864 pixels (raise it with "
                + "-Dstylegan4j.maxImagePixels=N)", "dataset", "--source", png.toString(), "--dest",
                dir.resolve("a.zip").toString(), "--resolution", "16");
        Path jpeg = Files.createDirectory(dir.resolve("jpeg"));
        HostileFiles.jpegClaiming(jpeg.resolve("claims.jpg"), 20_000, 20_000);
        assertTrue(Files.size(jpeg.resolve("claims.jpg")) < 1000);
        refused("a 20000x20000 image (400,000,000 pixels) exceeds", "dataset", "--source", jpeg.toString(), "--dest",
                dir.resolve("b.zip").toString(), "--resolution", "16");
        Path big = Files.createDirectory(dir.resolve("big"));
        HostileFiles.pngHeader(big.resolve("16k.png"), 16_384, 16_384);
        refused("a 16384x16384 image", "dataset", "--source", big.toString(), "--dest", dir.resolve("c.zip").toString(),
                "--resolution", "16");
    }

    @Test
    void zipEntryOverTheFileLimit() throws IOException {
        Path zip = dir.resolve("bomb.zip");
        HostileFiles.zipWithHugeEntry(zip, (256L << 20) + 1);
        assertTrue(Files.size(zip) < 5_000_000L);
        refused(zip + "!/big.png: a file of 268,435,457 bytes exceeds the limit of 268,435,456 bytes for one image",
                "dataset", "--source", zip.toString(), "--dest", dir.resolve("out.zip").toString(), "--resolution", "16");
    }

    @Test
    void importOntoADirectory() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path pkl = dir.resolve("x.pkl");
        Files.write(pkl, new byte[] {(byte) 0x80, 2, 'N', '.'});
        assertEquals("error: cannot write " + out + ": it is a directory",
                refused("it is a directory", "import", "--pkl", pkl.toString(), "--out", out.toString(), "--force"));
        assertTrue(Files.isDirectory(out));
    }

    @Test
    void failuresBecomeOneLineWithTheRightExitCode() {
        Main.Failure full = Main.classify(new RuntimeException(new FileSystemException("/x/log.jsonl", null,
                "No space left on device")));
        assertEquals(new Main.Failure("error: cannot write /x/log.jsonl: No space left on device", 2), full);
        Main.Failure write = Main.classify(new CannotWriteException(Path.of("out.png"), "No space left on device", null));
        assertEquals(new Main.Failure("error: cannot write out.png: No space left on device", 2), write);
        Main.Failure oom = Main.classify(new OutOfMemoryError("Java heap space"));
        assertTrue(oom.line().startsWith("internal error: out of memory (Java heap space; the JVM may use at most "),
                oom.line());
        assertEquals(1, oom.exit());
        assertEquals(new Main.Failure("internal error: stack overflow (the input may be nested too deeply)", 1),
                Main.classify(new StackOverflowError()));
        assertEquals(2, Main.classify(new java.util.zip.ZipException("invalid CEN header")).exit());
        assertEquals("a b", Main.oneLine("a\n\rb"));
        assertEquals(400, Main.oneLine("x".repeat(1000)).length());
    }
}
