package org.stylegan4j.io.pkl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.CheckpointFormatException;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Imports the fixtures of tools/make_official_fixture.py and compares the images with that script's independent
 * numpy implementation of the official forward pass (stored noise maps, as {@code randomize_noise=False}).
 */
class OfficialImportTest {

    private static float maxAbsDiff(float[] a, int offset, float[] b) {
        float max = 0;
        for (int i = 0; i < b.length; i++) {
            max = Math.max(max, Math.abs(a[offset + i] - b[i]));
        }
        return max;
    }

    private static float[] images(Generator g, long[] seeds, Truncation t) {
        try (NDManager m = Engines.newManager()) {
            NDArray z = Seeds.latents(seeds, g.config().latentSize(), m);
            return g.generate(z, t, Noise.constant()).toFloatArray();
        }
    }

    @Test
    void tiny32MatchesTheNumpyReferenceForSeeds0To3() {
        Fixtures.Npy ref = Fixtures.npy("tiny32_ref.npy");
        assertArrayEquals(new long[] {2, 4, 3, 32, 32}, ref.shape());
        int half = ref.data().length / 2;
        try (Generator g = OfficialImport.load(Fixtures.path("tiny32.pkl"))) {
            ModelConfig c = g.config();
            assertEquals(32, c.resolution());
            assertEquals(3, c.numChannels());
            assertEquals(128, c.fmapBase());
            assertEquals(16, c.fmapMax());
            assertEquals(32, c.latentSize());
            assertEquals(32, c.dlatentSize());
            assertEquals(2, c.mappingLayers());
            assertEquals(0.01, c.mappingLrMul());
            long[] seeds = {0, 1, 2, 3};
            float[] truncated = images(g, seeds, Truncation.OFFICIAL);
            float[] plain = images(g, seeds, Truncation.NONE);
            float[] refTruncated = Arrays.copyOfRange(ref.data(), 0, half);
            float[] refPlain = Arrays.copyOfRange(ref.data(), half, 2 * half);
            assertTrue(maxAbsDiff(truncated, 0, refTruncated) < 1e-4, "psi 0.7: " + maxAbsDiff(truncated, 0, refTruncated));
            assertTrue(maxAbsDiff(plain, 0, refPlain) < 1e-4, "psi 1: " + maxAbsDiff(plain, 0, refPlain));
            assertTrue(maxAbsDiff(plain, 0, refTruncated) > 0.1, "truncation must matter in this fixture");
        }
    }

    @Test
    void fused128MatchesTheNumpyReference() {
        Fixtures.Npy ref = Fixtures.npy("fused128_ref.npy");
        int n = 3 * 128 * 128;
        try (Generator g = OfficialImport.load(Fixtures.path("fused128.pkl"))) {
            assertEquals(128, g.config().resolution());
            assertEquals(1, g.config().mappingLayers());
            float[] seed0 = images(g, new long[] {0}, Truncation.OFFICIAL);
            float[] seed1 = images(g, new long[] {1}, Truncation.NONE);
            float d0 = maxAbsDiff(seed0, 0, Arrays.copyOfRange(ref.data(), 0, n));
            float d1 = maxAbsDiff(seed1, 0, Arrays.copyOfRange(ref.data(), n, 2 * n));
            assertTrue(d0 < 1e-4, "seed 0, psi 0.7 (cutoff 8 of 12 layers): " + d0);
            assertTrue(d1 < 1e-4, "seed 1, psi 1: " + d1);
        }
    }

    @Test
    void everyOfficialTensorIsConsumedWithConvertedLayouts() {
        OfficialImport.Networks n = OfficialImport.read(Fixtures.path("tiny32.pkl"));
        PickledNetwork gs = n.gs();
        PickledNetwork synthesis = gs.components().get("synthesis");
        PickledNetwork mapping = gs.components().get("mapping");
        long official = gs.variables().size() + synthesis.variables().size() + mapping.variables().size() - 2;
        try (Generator g = OfficialImport.generator(n, gs)) {
            ParameterStore p = g.parameters();
            assertEquals(official, p.all().size(), "all tensors except the two lod scalars");
            float[] tf = variable(synthesis, "8x8/Conv0_up/weight");
            long[] s = find(synthesis, "8x8/Conv0_up/weight").shape();
            float[] ours = p.get("synthesis.8x8.Conv0_up.weight").array().toFloatArray();
            // TF [kh, kw, in, out] at (y=1, x=2, i=3, o=5) is ours [out, in, kh, kw] at (5, 3, 1, 2)
            int in = (int) s[2];
            int out = (int) s[3];
            assertEquals(tf[((1 * 3 + 2) * in + 3) * out + 5], ours[((5 * in + 3) * 3 + 1) * 3 + 2], 0f);
            float[] dense = variable(mapping, "Dense1/weight");
            float[] ourDense = p.get("mapping.Dense1.weight").array().toFloatArray();
            assertEquals(dense[7 * 32 + 4], ourDense[4 * 32 + 7], 0f);
            float[] style = variable(synthesis, "16x16/Conv1/StyleMod/weight");
            float[] ourStyle = p.get("synthesis.16x16.Conv1.StyleMod.weight").array().toFloatArray();
            assertEquals(style[2 * 32 + 31], ourStyle[31 * 32 + 2], 0f);
            assertArrayEquals(variable(synthesis, "noise5"), p.get("synthesis.noise5").array().toFloatArray());
            assertArrayEquals(variable(synthesis, "4x4/Const/const"), p.get("synthesis.4x4.Const.const").array().toFloatArray());
            assertArrayEquals(variable(gs, "dlatent_avg"), g.wAvg().toFloatArray());
        }
    }

    private static NdArray find(PickledNetwork net, String name) {
        return net.variables().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().value();
    }

    private static float[] variable(PickledNetwork net, String name) {
        return find(net, name).toFloatArray();
    }

    @Test
    void protocol2FileImportsTheSameGenerator() {
        try (Generator a = OfficialImport.load(Fixtures.path("tiny32.pkl"));
             Generator b = OfficialImport.load(Fixtures.path("tiny32_p2.pkl"))) {
            for (ParameterStore.Parameter p : a.parameters().all()) {
                assertArrayEquals(p.array().toFloatArray(), b.parameters().get(p.name()).array().toFloatArray(), p.name());
            }
        }
    }

    @Test
    void convertWritesGGemaAndDiscriminator(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("tiny.safetensors");
        ModelConfig config = OfficialImport.convert(Fixtures.path("tiny32.pkl"), out, true);
        Checkpoint.Loaded loaded = Checkpoint.read(out);
        assertEquals(config, loaded.config());
        assertTrue(loaded.has(Checkpoint.G) && loaded.has(Checkpoint.G_EMA) && loaded.has(Checkpoint.D));
        Map<String, SafeTensors.Tensor> t = loaded.contents().tensors();
        assertArrayEquals(new long[] {16, 17, 3, 3}, t.get("D.4x4.Conv.weight").shape());
        assertArrayEquals(new long[] {16, 256}, t.get("D.4x4.Dense0.weight").shape());
        assertArrayEquals(new long[] {1, 16}, t.get("D.4x4.Dense1.weight").shape());
        assertArrayEquals(new long[] {8, 3, 1, 1}, t.get("D.FromRGB_lod0.weight").shape());
        assertArrayEquals(new long[] {16, 8, 3, 3}, t.get("D.32x32.Conv1_down.weight").shape());
        assertFalse(t.containsKey("D.lod"));
        assertEquals(26, t.keySet().stream().filter(k -> k.startsWith("D.")).count());
        assertTrue(loaded.contents().metadata().get("source").contains("tiny32.pkl"));
        assertFalse(Arrays.equals(t.get("G.synthesis.4x4.Conv.weight").data(), t.get("G_ema.synthesis.4x4.Conv.weight").data()));
        try (Generator direct = OfficialImport.load(Fixtures.path("tiny32.pkl"));
             Generator fromCheckpoint = Checkpoint.loadGenerator(out)) {
            long[] seeds = {7};
            assertArrayEquals(images(direct, seeds, Truncation.OFFICIAL), images(fromCheckpoint, seeds, Truncation.OFFICIAL));
        }
        Path noD = dir.resolve("noD.safetensors");
        OfficialImport.convert(Fixtures.path("tiny32.pkl"), noD, false);
        assertFalse(Checkpoint.read(noD).has(Checkpoint.D));
    }

    private static String error(String fixture) {
        return assertThrows(CheckpointFormatException.class, () -> OfficialImport.read(Fixtures.path(fixture))).getMessage();
    }

    @Test
    void otherNetworkFamiliesAreRejectedInOneLine() {
        assertEquals(Fixtures.path("stylegan2.pkl") + " looks like a StyleGAN2 network; only StyleGAN (v1) pickles are "
                + "supported", error("stylegan2.pkl"));
        assertEquals(Fixtures.path("progan.pkl") + " looks like a ProGAN network (G_paper); only StyleGAN (v1) pickles "
                + "are supported", error("progan.pkl"));
        assertEquals(Fixtures.path("labels.pkl") + ": conditional networks (label_size > 0) are not supported yet",
                error("labels.pkl"));
    }

    @Test
    void mismatchedAndLeftoverTensorsAreNamed() {
        String widths = assertThrows(CheckpointFormatException.class,
                () -> OfficialImport.load(Fixtures.path("bad_widths.pkl"))).getMessage();
        assertTrue(widths.startsWith(Fixtures.path("bad_widths.pkl") + ": tensor 'G_synthesis/4x4/Const/const' of "
                + "network 'Gs' has shape [1, 8, 4, 4], expected [1, 4, 4, 4] for the inferred architecture "
                + "(resolution 8, fmap_base 16, fmap_decay 1.0, fmap_max 4"), widths);
        String extra = assertThrows(CheckpointFormatException.class,
                () -> OfficialImport.load(Fixtures.path("extra_tensor.pkl"))).getMessage();
        assertEquals(Fixtures.path("extra_tensor.pkl") + ": tensor 'G_synthesis/8x8/Conv1/Extra/weight' of network 'Gs' "
                + "has no counterpart in stylegan4j's generator (1 unused)", extra);
    }

    @Test
    void trojanIsRefusedByTheImporter() {
        UnsafePickleException e = assertThrows(UnsafePickleException.class,
                () -> OfficialImport.load(Fixtures.path("malicious.pkl")));
        assertEquals("posix.system", e.reference());
    }
}
