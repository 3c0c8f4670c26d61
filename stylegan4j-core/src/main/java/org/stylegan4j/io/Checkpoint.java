package org.stylegan4j.io;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            throw new CheckpointFormatException(source + ": model config is not valid ("
                    + e.getOriginalMessage() + ")");
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
     * Reads a whole checkpoint.
     *
     * @param file checkpoint
     * @return its config and tensors
     */
    public static Loaded read(Path file) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        return new Loaded(file, configOf(file, contents.metadata()), contents);
    }

    /**
     * Loads the generator to sample from: G_ema if present, otherwise G.
     *
     * @param file checkpoint
     * @return the generator (the caller closes it)
     */
    public static Generator loadGenerator(Path file) {
        Loaded loaded = read(file);
        String prefix = loaded.has(G_EMA) ? G_EMA : G;
        return loaded.generator(prefix);
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
