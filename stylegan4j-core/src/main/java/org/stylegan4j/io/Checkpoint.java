package org.stylegan4j.io;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Network checkpoints: one safetensors file whose tensors are prefixed by network ({@code G.},
 * {@code G_ema.}, {@code D.}) and whose metadata holds the model config as JSON. Loading executes
 * no code and checks every name and shape.
 */
public final class Checkpoint {

    /** Metadata key of the format tag. */
    public static final String FORMAT_KEY = "format";
    /** Format tag written into every checkpoint. */
    public static final String FORMAT = "stylegan4j-network/1";
    /** Metadata key of the model config JSON. */
    public static final String CONFIG_KEY = "config";
    /** Prefix of the trained generator. */
    public static final String G = "G";
    /** Prefix of the exponential moving average of the generator (the one to sample from). */
    public static final String G_EMA = "G_ema";
    /** Prefix of the discriminator. */
    public static final String D = "D";

    /** Elements a checkpoint may hold per parameter of its model: G, G_ema, D, and Adam's moments of G and D. */
    public static final long MAX_ELEMENTS_PER_PARAMETER = 4;

    private static final List<String> KNOWN_PREFIXES = List.of(G + ".", G_EMA + ".", D + ".", "G_opt.", "D_opt.");
    private static final int MAX_SHOWN = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /**
     * Writes networks atomically.
     *
     * @param file target file
     * @param config model config stored in the metadata
     * @param networks network prefix (G, G_ema, D) to its tensors, in the order to write
     * @param extraMetadata further metadata entries (may be empty)
     * @throws IOException if writing fails
     */
    public static void save(Path file, ModelConfig config, Map<String, ParameterStore> networks,
                            Map<String, String> extraMetadata) throws IOException {
        save(file, config, networks, Map.of(), extraMetadata);
    }

    /**
     * Writes networks and further named tensors (e.g. optimizer moments) atomically in one file.
     *
     * @param file target file
     * @param config model config stored in the metadata
     * @param networks network prefix (G, G_ema, D) to its tensors, in the order to write
     * @param extraTensors further tensors, written after the networks
     * @param extraMetadata further metadata entries (may be empty)
     * @throws IOException if writing fails
     */
    public static void save(Path file, ModelConfig config, Map<String, ParameterStore> networks,
                            Map<String, SafeTensors.Tensor> extraTensors, Map<String, String> extraMetadata)
            throws IOException {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterStore> net : networks.entrySet()) {
            for (ParameterStore.Parameter p : net.getValue().all()) {
                tensors.put(net.getKey() + "." + p.name(),
                        new SafeTensors.Tensor(p.array().getShape().getShape(), p.array().toFloatArray()));
            }
        }
        tensors.putAll(extraTensors);
        Map<String, String> meta = new LinkedHashMap<>(extraMetadata);
        meta.put(FORMAT_KEY, FORMAT);
        meta.put(CONFIG_KEY, configJson(config));
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * @param config model config
     * @return its JSON form
     */
    public static String configJson(ModelConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses a model config.
     *
     * @param json JSON text
     * @param source where it came from, for the error message
     * @return the config
     */
    public static ModelConfig parseConfig(String json, String source) {
        try {
            return JSON.readValue(json, ModelConfig.class);
        } catch (JsonProcessingException e) {
            String why = e.getCause() instanceof StyleGanInputException bad ? bad.getMessage() : e.getOriginalMessage();
            throw new CheckpointFormatException(source + ": model config is not valid (" + why + ")");
        }
    }

    /**
     * Reads the model config of a checkpoint without reading its tensors.
     *
     * @param file checkpoint
     * @return the config
     */
    public static ModelConfig readConfig(Path file) {
        return configOf(file, SafeTensors.readMetadata(file));
    }

    private static ModelConfig configOf(Path file, Map<String, String> meta) {
        if (!FORMAT.equals(meta.get(FORMAT_KEY)) || !meta.containsKey(CONFIG_KEY)) {
            throw new CheckpointFormatException(file + ": not a stylegan4j network (safetensors metadata has no '"
                    + FORMAT + "' format tag and model config)");
        }
        return parseConfig(meta.get(CONFIG_KEY), file.toString());
    }

    /**
     * Reads a whole checkpoint. Before any tensor data is read, the header is checked against the model config:
     * every tensor must belong to a network ({@code G.}, {@code G_ema.}, {@code D.}) or to the optimizer state of a
     * training snapshot ({@code G_opt.}, {@code D_opt.}), and all of them together may hold at most
     * {@value #MAX_ELEMENTS_PER_PARAMETER} times the config's {@link ModelConfig#parameterCount()} elements (the
     * networks and Adam's two moments).
     *
     * @param file checkpoint
     * @return its config and tensors
     */
    public static Loaded read(Path file) {
        ModelConfig[] config = new ModelConfig[1];
        SafeTensors.Contents contents = SafeTensors.read(file, layout -> {
            config[0] = configOf(file, layout.metadata());
            checkLayout(file, config[0], layout.shapes());
            return layout.shapes().keySet();
        });
        return new Loaded(file, config[0], contents);
    }

    /**
     * Loads the generator to sample from: G_ema if present, otherwise G. The names and shapes of its tensors are
     * compared with the generator the config describes before their data is read, and no other tensor is read.
     *
     * @param file checkpoint
     * @return the generator (the caller closes it)
     */
    public static Generator loadGenerator(Path file) {
        SafeTensors.Layout layout = SafeTensors.readLayout(file);
        ModelConfig config = configOf(file, layout.metadata());
        checkLayout(file, config, layout.shapes());
        String prefix = hasPrefix(layout.shapes().keySet(), G_EMA) ? G_EMA : G;
        if (!hasPrefix(layout.shapes().keySet(), prefix)) {
            throw new CheckpointFormatException(file + ": holds no generator tensors '" + prefix + ".*'");
        }
        Generator g = new Generator(config, 0);
        try {
            Set<String> wanted = new HashSet<>();
            for (ParameterStore.Parameter p : g.parameters().all()) {
                wanted.add(prefix + "." + p.name());
            }
            checkNetwork(file, prefix, g.parameters(), layout.shapes());
            SafeTensors.Contents contents = SafeTensors.read(file, l -> {
                if (!l.shapes().keySet().containsAll(wanted)) {
                    throw new CheckpointFormatException(file + ": changed while it was read");
                }
                return wanted;
            });
            new Loaded(file, config, contents).loadInto(prefix, g.parameters());
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        return g;
    }

    private static boolean hasPrefix(Set<String> names, String prefix) {
        return names.stream().anyMatch(k -> k.startsWith(prefix + "."));
    }

    /** Refuses tensors outside the known groups and a total beyond what the config's networks can hold. */
    private static void checkLayout(Path file, ModelConfig config, Map<String, long[]> shapes) {
        long elements = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            if (KNOWN_PREFIXES.stream().noneMatch(name::startsWith)) {
                throw new CheckpointFormatException(file + ": unexpected tensor '" + shown(name)
                        + "' (a stylegan4j checkpoint holds only G., G_ema., D., G_opt. and D_opt. tensors)");
            }
            long n = 1;
            for (long d : e.getValue()) {
                n = Math.multiplyExact(n, d);
            }
            elements += n;
        }
        long limit = MAX_ELEMENTS_PER_PARAMETER * config.parameterCount();
        if (elements > limit) {
            throw new CheckpointFormatException(String.format(Locale.ROOT, "%s: holds %,d tensor elements, more than "
                    + "the %,d its model config (%s, %dx%d) can use", file, elements, limit, shown(config.preset()),
                    config.resolution(), config.resolution()));
        }
    }

    /** Compares the names and shapes under a prefix with a network's parameters. */
    private static void checkNetwork(Path file, String prefix, ParameterStore store, Map<String, long[]> shapes) {
        int present = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (e.getKey().startsWith(prefix + ".")) {
                present++;
                ParameterStore.Parameter p = store.get(e.getKey().substring(prefix.length() + 1));
                if (p == null) {
                    throw new CheckpointFormatException(file + ": unexpected tensor '" + shown(e.getKey())
                            + "' (the file does not match its model config)");
                }
                long[] expected = p.array().getShape().getShape();
                if (!Arrays.equals(expected, e.getValue())) {
                    throw new CheckpointFormatException(file + ": tensor '" + e.getKey() + "' has shape "
                            + shownShape(e.getValue()) + ", expected " + Arrays.toString(expected));
                }
            }
        }
        if (present != store.all().size()) {
            for (ParameterStore.Parameter p : store.all()) {
                if (!shapes.containsKey(prefix + "." + p.name())) {
                    throw new CheckpointFormatException(file + ": tensor '" + prefix + "." + p.name()
                            + "' is missing (the file does not match its model config)");
                }
            }
        }
    }

    /** A name from a file, cut to a readable length for messages. */
    private static String shown(String text) {
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
    }

    private static String shownShape(long[] shape) {
        return shape.length <= 8 ? Arrays.toString(shape) : "of " + shape.length + " dimensions";
    }

    /**
     * A checkpoint read into memory.
     *
     * @param file where it was read from
     * @param config its model config
     * @param contents its tensors and metadata
     */
    public record Loaded(Path file, ModelConfig config, SafeTensors.Contents contents) {

        /**
         * @param prefix network prefix
         * @return whether the file holds tensors of that network
         */
        public boolean has(String prefix) {
            return contents.tensors().keySet().stream().anyMatch(k -> k.startsWith(prefix + "."));
        }

        /**
         * Builds a generator from the tensors under a prefix.
         *
         * @param prefix G or G_ema
         * @return the generator (the caller closes it)
         */
        public Generator generator(String prefix) {
            if (!has(prefix)) {
                throw new CheckpointFormatException(file + ": holds no generator tensors '" + prefix + ".*'");
            }
            Generator g = new Generator(config, 0);
            try {
                loadInto(prefix, g.parameters());
            } catch (RuntimeException e) {
                g.close();
                throw e;
            }
            return g;
        }

        /**
         * Copies the tensors under a prefix into a store, checking that the names and shapes match
         * exactly.
         *
         * @param prefix network prefix
         * @param store destination
         */
        public void loadInto(String prefix, ParameterStore store) {
            Map<String, SafeTensors.Tensor> tensors = contents.tensors();
            List<ParameterStore.Parameter> params = store.all();
            for (ParameterStore.Parameter p : params) {
                String name = prefix + "." + p.name();
                SafeTensors.Tensor t = tensors.get(name);
                if (t == null) {
                    throw new CheckpointFormatException(file + ": tensor '" + name
                            + "' is missing (the file does not match its model config)");
                }
                Shape expected = p.array().getShape();
                if (!Arrays.equals(expected.getShape(), t.shape())) {
                    throw new CheckpointFormatException(file + ": tensor '" + name + "' has shape "
                            + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expected.getShape()));
                }
                Tensors.copyInto(p.array(), t.data());
            }
            long expectedCount = params.size();
            long present = tensors.keySet().stream().filter(k -> k.startsWith(prefix + ".")).count();
            if (present != expectedCount) {
                String extra = tensors.keySet().stream()
                        .filter(k -> k.startsWith(prefix + ".") && store.get(k.substring(prefix.length() + 1)) == null)
                        .findFirst().orElse("?");
                throw new CheckpointFormatException(file + ": unexpected tensor '" + extra
                        + "' (the file does not match its model config)");
            }
        }
    }
}
