package org.stylegan4j.io.pkl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.CheckpointFormatException;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports NVIDIA's published StyleGAN (v1) networks, the {@code .pkl} files holding the tuple
 * {@code (G, D, Gs)}: reads them with {@link SafeUnpickler} (no code runs), infers the
 * {@link ModelConfig} from the static kwargs and the tensor shapes, and copies every official
 * variable into stylegan4j's parameters, converting TensorFlow layouts (conv {@code [kh,kw,in,out]}
 * to {@code [out,in,kh,kw]}, dense {@code [in,out]} to {@code [out,in]}). Every official tensor is
 * used exactly once; a missing, extra or mis-shaped tensor is an error naming it. {@code Gs} (the
 * moving average of G) is the generator to sample from and becomes {@code G_ema} in a checkpoint.
 */
public final class OfficialImport {

    private static final Logger LOG = LoggerFactory.getLogger(OfficialImport.class);

    /** Preset label of imported configs. */
    public static final String PRESET = "official-pkl";

    private static final Set<String> STYLEGAN2_FUNCS = Set.of("G_main", "G_synthesis_stylegan2",
            "G_synthesis_stylegan_revised", "D_stylegan2", "D_stylegan");
    private static final Set<String> PROGAN_FUNCS = Set.of("G_paper", "D_paper");
    private static final Pattern SCOPE = Pattern.compile("^(\\d{1,5})x\\1/");
    private static final Pattern DENSE = Pattern.compile("^Dense(\\d{1,3})/weight$");

    private OfficialImport() {
    }

    /**
     * The three networks of an official pickle and the architecture inferred from them.
     *
     * @param file where they were read from
     * @param config inferred generator architecture
     * @param g the trained generator G
     * @param d the discriminator D
     * @param gs the moving average of G, the one to sample from
     */
    public record Networks(Path file, ModelConfig config, PickledNetwork g, PickledNetwork d, PickledNetwork gs) {
    }

    /**
     * Reads and checks an official pickle without building any network.
     *
     * @param pkl the file
     * @return its networks and inferred config
     */
    public static Networks read(Path pkl) {
        Object top = SafeUnpickler.load(pkl);
        if (!(top instanceof List<?> t) || t.size() != 3 || !t.stream().allMatch(o -> o instanceof PickledNetwork)) {
            throw new CheckpointFormatException(pkl + ": not an official StyleGAN network pickle (expected a tuple "
                    + "(G, D, Gs) of dnnlib networks)");
        }
        PickledNetwork g = (PickledNetwork) t.get(0);
        PickledNetwork d = (PickledNetwork) t.get(1);
        PickledNetwork gs = (PickledNetwork) t.get(2);
        for (PickledNetwork n : List.of(g, d, gs)) {
            checkFamily(pkl, n);
        }
        for (PickledNetwork n : List.of(g, gs)) {
            if (!n.components().containsKey("mapping") || !n.components().containsKey("synthesis")) {
                throw new CheckpointFormatException(pkl + " looks like a ProGAN network (network '" + n.name()
                        + "' has no mapping network); only StyleGAN (v1) pickles are supported");
            }
            for (String c : n.components().keySet()) {
                if (!c.equals("mapping") && !c.equals("synthesis")) {
                    throw new CheckpointFormatException(pkl + ": network '" + n.name() + "' has an unknown component '"
                            + c + "'");
                }
            }
        }
        return new Networks(pkl, inferConfig(pkl, gs), g, d, gs);
    }

    /**
     * Loads the sampling generator ({@code Gs}) of an official pickle.
     *
     * @param pkl the file
     * @return the generator (the caller closes it)
     */
    public static Generator load(Path pkl) {
        Networks n = read(pkl);
        return generator(n, n.gs());
    }

    /**
     * @param file a network file
     * @return whether it is an official pickle (by its {@code .pkl} name), read by this importer
     */
    public static boolean isPickle(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pkl");
    }

    /**
     * The generator of any network file: an official pickle's {@code Gs}, or a stylegan4j checkpoint's G_ema.
     *
     * @param file a {@code .pkl} or {@code .safetensors} file
     * @return the generator (the caller closes it)
     */
    public static Generator loadGenerator(Path file) {
        return isPickle(file) ? load(file) : Checkpoint.loadGenerator(file);
    }

    /**
     * The architecture of any network file (an official pickle is read whole to infer it).
     *
     * @param file a {@code .pkl} or {@code .safetensors} file
     * @return its model config
     */
    public static ModelConfig config(Path file) {
        return isPickle(file) ? read(file).config() : Checkpoint.readConfig(file);
    }

    /**
     * Builds a stylegan4j generator from one of the pickle's generators.
     *
     * @param networks the read pickle
     * @param net {@code networks.g()} or {@code networks.gs()}
     * @return the generator (the caller closes it)
     */
    public static Generator generator(Networks networks, PickledNetwork net) {
        Map<String, Official> tensors = generatorTensors(networks.file(), net);
        Generator gen = new Generator(networks.config(), 0);
        try {
            fill(networks, net.name(), tensors, gen.parameters());
        } catch (RuntimeException e) {
            gen.close();
            throw e;
        }
        return gen;
    }

    /**
     * Converts an official pickle to a stylegan4j checkpoint: {@code G} and {@code Gs} (as
     * {@code G_ema}), and the discriminator under {@code D} if asked.
     *
     * @param pkl the official file
     * @param out the checkpoint to write (atomically)
     * @param withDiscriminator whether to include D's tensors (official names, converted layouts)
     * @return the inferred config
     * @throws IOException if writing fails
     */
    public static ModelConfig convert(Path pkl, Path out, boolean withDiscriminator) throws IOException {
        Networks n = read(pkl);
        Map<String, SafeTensors.Tensor> dTensors = withDiscriminator ? discriminatorTensors(n) : Map.of();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", "NVIDIA StyleGAN (v1) pickle " + pkl.getFileName());
        for (PickledNetwork net : List.of(n.g(), n.d(), n.gs())) {
            meta.put("build_module_sha256." + net.name(), net.buildModuleSha256());
        }
        try (Generator g = generator(n, n.g()); Generator gs = generator(n, n.gs());
             NDManager dManager = Engines.newManager()) {
            ParameterStore d = new ParameterStore(dManager, 0);
            for (Map.Entry<String, SafeTensors.Tensor> e : dTensors.entrySet()) {
                float[] data = e.getValue().data();
                d.create(e.getKey(), new Shape(e.getValue().shape()), true,
                        (v, rng) -> System.arraycopy(data, 0, v, 0, v.length));
            }
            Map<String, ParameterStore> nets = new LinkedHashMap<>();
            nets.put(Checkpoint.G, g.parameters());
            nets.put(Checkpoint.G_EMA, gs.parameters());
            if (withDiscriminator) {
                nets.put(Checkpoint.D, d);
            }
            Checkpoint.save(out, n.config(), nets, meta);
        }
        return n.config();
    }

    /**
     * The discriminator's tensors with stylegan4j names (official local names with '/' replaced by
     * '.') and converted layouts, in creation order; {@code lod} is dropped.
     *
     * @param networks the read pickle
     * @return name to tensor
     */
    public static Map<String, SafeTensors.Tensor> discriminatorTensors(Networks networks) {
        PickledNetwork d = networks.d();
        if (!d.buildFuncName().equals("D_basic")) {
            throw new CheckpointFormatException(networks.file() + ": discriminator built by '" + d.buildFuncName()
                    + "', expected D_basic");
        }
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (PickledNetwork.Variable v : d.variables()) {
            if (!v.name().equals("lod")) {
                Official t = official(d.name(), "", v);
                out.put(ourName(v.name()), new SafeTensors.Tensor(t.shape(), t.data()));
            }
        }
        return out;
    }

    /** One official tensor in stylegan4j layout. */
    private record Official(String network, String officialName, long[] shape, float[] data) {
    }

    private static void checkFamily(Path pkl, PickledNetwork n) {
        if (STYLEGAN2_FUNCS.contains(n.buildFuncName()) || n.variables().stream()
                .anyMatch(v -> v.name().contains("mod_weight") || v.name().contains("ModConv")
                        || v.name().contains("noise_strength"))) {
            throw new CheckpointFormatException(pkl + " looks like a StyleGAN2 network; only StyleGAN (v1) pickles "
                    + "are supported");
        }
        if (PROGAN_FUNCS.contains(n.buildFuncName())) {
            throw new CheckpointFormatException(pkl + " looks like a ProGAN network (" + n.buildFuncName()
                    + "); only StyleGAN (v1) pickles are supported");
        }
        if (n.version() < 2 || n.version() > 3) {
            throw new CheckpointFormatException(pkl + ": network '" + n.name() + "' has state version " + n.version()
                    + "; StyleGAN (v1) networks have version 2 or 3");
        }
        for (PickledNetwork c : n.components().values()) {
            checkFamily(pkl, c);
        }
    }

    private static Map<String, Official> generatorTensors(Path pkl, PickledNetwork net) {
        if (!net.buildFuncName().equals("G_style")) {
            throw new CheckpointFormatException(pkl + ": generator '" + net.name() + "' built by '"
                    + net.buildFuncName() + "', expected G_style");
        }
        Map<String, Official> out = new LinkedHashMap<>();
        for (PickledNetwork.Variable v : net.variables()) {
            add(pkl, out, "", net.name(), net, v);
        }
        PickledNetwork synthesis = net.components().get("synthesis");
        PickledNetwork mapping = net.components().get("mapping");
        for (PickledNetwork.Variable v : synthesis.variables()) {
            add(pkl, out, "synthesis.", net.name(), synthesis, v);
        }
        for (PickledNetwork.Variable v : mapping.variables()) {
            add(pkl, out, "mapping.", net.name(), mapping, v);
        }
        return out;
    }

    private static void add(Path pkl, Map<String, Official> out, String prefix, String parent, PickledNetwork net,
                            PickledNetwork.Variable v) {
        String component = net.name().equals(parent) ? "" : net.name() + "/";
        if (v.name().equals("lod")) {
            float[] lod = v.value().toFloatArray();
            if (lod.length == 1 && lod[0] != 0f) {
                LOG.warn("{}: network '{}' was saved at lod {} (mid-training); it is imported at full resolution",
                        pkl, net.name(), lod[0]);
            }
            return;
        }
        if (v.name().startsWith("LabelConcat")) {
            throw labels(pkl);
        }
        out.put(prefix + ourName(v.name()), official(parent, component, v));
    }

    private static void fill(Networks networks, String netName, Map<String, Official> tensors, ParameterStore store) {
        Path pkl = networks.file();
        Map<String, Official> left = new LinkedHashMap<>(tensors);
        for (ParameterStore.Parameter p : store.all()) {
            Official t = left.remove(p.name());
            if (t == null) {
                throw new CheckpointFormatException(pkl + ": network '" + netName + "' lacks the tensor '"
                        + officialName(p.name()) + "' that " + describe(networks.config()) + " needs");
            }
            long[] expected = p.array().getShape().getShape();
            if (!Arrays.equals(expected, t.shape())) {
                throw new CheckpointFormatException(pkl + ": tensor '" + t.officialName() + "' of network '"
                        + t.network() + "' has shape " + Arrays.toString(tfShape(t.officialName(), t.shape()))
                        + ", expected " + Arrays.toString(tfShape(t.officialName(), expected)) + " for " + describe(networks.config()));
            }
            Tensors.copyInto(p.array(), t.data());
        }
        if (!left.isEmpty()) {
            Official t = left.values().iterator().next();
            throw new CheckpointFormatException(pkl + ": tensor '" + t.officialName() + "' of network '" + t.network()
                    + "' has no counterpart in stylegan4j's generator (" + left.size() + " unused)");
        }
    }

    private static String describe(ModelConfig c) {
        return String.format(Locale.ROOT, "the inferred architecture (resolution %d, fmap_base %d, fmap_decay %s, "
                        + "fmap_max %d, latent %d, dlatent %d, %d mapping layers)", c.resolution(), c.fmapBase(),
                c.fmapDecay(), c.fmapMax(), c.latentSize(), c.dlatentSize(), c.mappingLayers());
    }

    private static String ourName(String official) {
        return official.replace('/', '.');
    }

    private static String officialName(String ours) {
        if (ours.startsWith("synthesis.")) {
            return "G_synthesis/" + ours.substring(10).replace('.', '/');
        }
        if (ours.startsWith("mapping.")) {
            return "G_mapping/" + ours.substring(8).replace('.', '/');
        }
        return ours.replace('.', '/');
    }

    private static boolean isWeight(String officialName) {
        return officialName.equals("weight") || officialName.endsWith("/weight");
    }

    /** Our layout back to the TF layout, for messages. */
    private static long[] tfShape(String officialName, long[] ours) {
        if (!isWeight(officialName)) {
            return ours;
        }
        if (ours.length == 4) {
            return new long[] {ours[2], ours[3], ours[1], ours[0]};
        }
        if (ours.length == 2) {
            return new long[] {ours[1], ours[0]};
        }
        return ours;
    }

    private static Official official(String network, String component, PickledNetwork.Variable v) {
        long[] shape = v.value().shape();
        float[] data = v.value().toFloatArray();
        String full = component + v.name();
        boolean weight = isWeight(v.name());
        if (weight && shape.length == 4) {
            return new Official(network, full, new long[] {shape[3], shape[2], shape[0], shape[1]}, convToOurs(shape, data));
        }
        if (weight && shape.length == 2) {
            return new Official(network, full, new long[] {shape[1], shape[0]}, transpose(shape, data));
        }
        return new Official(network, full, shape, data);
    }

    /** TF conv [kh, kw, in, out] to [out, in, kh, kw]. */
    private static float[] convToOurs(long[] s, float[] src) {
        int kh = (int) s[0];
        int kw = (int) s[1];
        int in = (int) s[2];
        int out = (int) s[3];
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    int base = ((y * kw + x) * in + i) * out;
                    for (int o = 0; o < out; o++) {
                        dst[((o * in + i) * kh + y) * kw + x] = src[base + o];
                    }
                }
            }
        }
        return dst;
    }

    /** TF dense [in, out] to [out, in]. */
    private static float[] transpose(long[] s, float[] src) {
        int in = (int) s[0];
        int out = (int) s[1];
        float[] dst = new float[src.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                dst[o * in + i] = src[i * out + o];
            }
        }
        return dst;
    }

    private static CheckpointFormatException labels(Path pkl) {
        return new CheckpointFormatException(pkl + ": conditional networks (label_size > 0) are not supported yet");
    }

    private static ModelConfig inferConfig(Path pkl, PickledNetwork gs) {
        PickledNetwork synthesis = gs.components().get("synthesis");
        PickledNetwork mapping = gs.components().get("mapping");
        Map<String, Object> kw = new LinkedHashMap<>(gs.staticKwargs());
        kw.putAll(mapping.staticKwargs());
        kw.putAll(synthesis.staticKwargs());
        Kwargs k = new Kwargs(pkl, kw);
        if (k.integer("label_size", 0) > 0) {
            throw labels(pkl);
        }
        k.require("use_instance_norm", true);
        k.require("use_wscale", true);
        k.require("normalize_latents", true);
        k.require("nonlinearity", "lrelu");
        k.require("mapping_nonlinearity", "lrelu");
        k.require("fused_scale", "auto");
        k.require("blur_filter", List.of(1L, 2L, 1L));

        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (PickledNetwork.Variable v : synthesis.variables()) {
            shapes.put("s:" + v.name(), v.value().shape());
        }
        for (PickledNetwork.Variable v : mapping.variables()) {
            shapes.put("m:" + v.name(), v.value().shape());
        }
        for (PickledNetwork.Variable v : gs.variables()) {
            shapes.put("g:" + v.name(), v.value().shape());
        }
        int top = 0;
        for (PickledNetwork.Variable v : synthesis.variables()) {
            Matcher m = SCOPE.matcher(v.name());
            if (m.find()) {
                top = Math.max(top, Integer.parseInt(m.group(1)));
            }
        }
        if (top == 0) {
            throw new CheckpointFormatException(pkl + ": synthesis network has no resolution blocks ('4x4/...')");
        }
        int resolution = k.integer("resolution", top);
        if (resolution != top) {
            throw new CheckpointFormatException(pkl + ": static kwarg resolution=" + resolution
                    + " disagrees with the synthesis blocks, which reach " + top + "x" + top);
        }
        long[] toRgb = shapes.get("s:ToRGB_lod0/weight");
        int channels = k.integer("num_channels", toRgb != null && toRgb.length == 4 ? width(pkl, toRgb[3]) : 3);
        int mappingLayers = 0;
        for (PickledNetwork.Variable v : mapping.variables()) {
            Matcher m = DENSE.matcher(v.name());
            if (m.matches()) {
                mappingLayers = Math.max(mappingLayers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        mappingLayers = k.integer("mapping_layers", mappingLayers);
        long[] dense0 = shapes.get("m:Dense0/weight");
        long[] avg = shapes.get("g:dlatent_avg");
        int latent = k.integer("latent_size", dense0 != null && dense0.length == 2 ? width(pkl, dense0[0]) : 512);
        int dlatent = k.integer("dlatent_size", avg != null && avg.length == 1 ? width(pkl, avg[0]) : 512);
        int mappingFmaps = k.integer("mapping_fmaps",
                mappingLayers > 1 && dense0 != null && dense0.length == 2 ? width(pkl, dense0[1]) : 512);
        try {
            return new ModelConfig(PRESET, resolution, channels, latent, dlatent, mappingLayers, mappingFmaps,
                    k.real("mapping_lrmul", 0.01), k.integer("fmap_base", 8192), k.real("fmap_decay", 1.0),
                    k.integer("fmap_max", 512), k.bool("const_input_layer", true), k.bool("use_styles", true),
                    k.bool("use_noise", true), k.bool("use_pixel_norm", false), k.real("style_mixing_prob", 0.9),
                    DiscriminatorConfig.OFFICIAL);
        } catch (StyleGanInputException e) {
            throw new CheckpointFormatException(pkl + ": the inferred architecture is refused (" + e.getMessage() + ")", e);
        }
    }

    /** A tensor dimension used as a layer width; widths beyond an int are refused (ModelConfig bounds the rest). */
    private static int width(Path pkl, long dim) {
        if (dim > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(pkl + ": a tensor dimension of " + dim + " is not a layer width");
        }
        return (int) dim;
    }

    /** Typed access to static kwargs, with official defaults for absent keys. */
    private record Kwargs(Path pkl, Map<String, Object> map) {

        int integer(String key, int def) {
            Object v = map.get(key);
            if (v == null) {
                return def;
            }
            if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return l.intValue();
            }
            throw bad(key, v, "an integer");
        }

        double real(String key, double def) {
            Object v = map.get(key);
            if (v == null) {
                return def;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw bad(key, v, "a number");
        }

        boolean bool(String key, boolean def) {
            Object v = map.get(key);
            if (v == null) {
                return def;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw bad(key, v, "True or False");
        }

        void require(String key, Object supported) {
            Object v = map.get(key);
            if (v != null && !v.equals(supported)) {
                throw new CheckpointFormatException(pkl + ": static kwarg " + key + "=" + SafeUnpickler.describe(v)
                        + " is not supported (stylegan4j implements the official " + key + "=" + supported + ")");
            }
        }

        private CheckpointFormatException bad(String key, Object v, String expected) {
            return new CheckpointFormatException(pkl + ": static kwarg " + key + "=" + SafeUnpickler.describe(v)
                    + " is not " + expected);
        }
    }
}
