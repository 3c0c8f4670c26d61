package org.stylegan4j.djl;

import ai.djl.Device;
import ai.djl.BaseModel;
import ai.djl.ndarray.types.DataType;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.model.Generator;
import org.stylegan4j.nn.Engines;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A generator loaded as a DJL {@code Model} by the {@code StyleGAN4j} engine: from a stylegan4j checkpoint
 * ({@code .safetensors}: G_ema) or an official StyleGAN (v1) {@code .pkl} (Gs, read by the safe importer), or from a
 * directory holding one of them ({@code network-final.safetensors} in a run directory). Its block is a
 * {@link GeneratorBlock} with the {@link GenerationOptions} of the model's properties (the criteria's arguments).
 */
public final class StyleGanModel extends BaseModel {

    private Generator generator;

    /**
     * @param name the model's name
     * @param device the device; must be stylegan4j's ({@link Engines#device()}) or null
     */
    StyleGanModel(String name, Device device) {
        super(name);
        Device ours = Engines.device();
        if (device != null && !device.equals(ours)) {
            throw new IllegalArgumentException("stylegan4j models run on " + ours + " (Engines.device()), not "
                    + device + "; choose the device with Engines.useDevice before loading");
        }
        manager = Engines.newManager();
        manager.setName("stylegan4j-model");
        dataType = DataType.FLOAT32;
    }

    @Override
    public void load(Path modelPath, String prefix, Map<String, ?> options) throws IOException {
        Path file = networkFile(modelPath, prefix);
        setModelDir(file.toAbsolutePath().getParent());
        GenerationOptions generation = GenerationOptions.from(getProperties());
        Generator loaded = OfficialImport.loadGenerator(file).freeze();
        if (generator != null) {
            generator.close();
        }
        generator = loaded;
        block = new GeneratorBlock(generator, generation);
        wasLoaded = true;
    }

    @Override
    public void load(InputStream is, Map<String, ?> options) {
        throw new UnsupportedOperationException("a stylegan4j model loads from a file: use load(Path)");
    }

    /** @return the loaded generator (shared by every predictor of this model) */
    public Generator generator() {
        if (generator == null) {
            throw new IllegalStateException("the model " + modelName + " is not loaded");
        }
        return generator;
    }

    @Override
    public void close() {
        if (generator != null) {
            generator.close();
            generator = null;
        }
        super.close();
    }

    private static boolean isNetwork(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && (name.endsWith(".safetensors") || name.endsWith(".pkl"));
    }

    /** The network file a model path names: the file itself, or in a directory the prefix's, final or only one. */
    static Path networkFile(Path modelPath, String prefix) throws IOException {
        if (!Files.isDirectory(modelPath)) {
            if (!isNetwork(modelPath)) {
                throw new StyleGanInputException(modelPath + " is not a stylegan4j checkpoint (.safetensors) or an "
                        + "official StyleGAN .pkl");
            }
            return modelPath;
        }
        List<Path> candidates;
        if (prefix != null) {
            candidates = Stream.of(".safetensors", ".pkl").map(e -> modelPath.resolve(prefix + e))
                    .filter(StyleGanModel::isNetwork).toList();
        } else if (isNetwork(modelPath.resolve("network-final.safetensors"))) {
            candidates = List.of(modelPath.resolve("network-final.safetensors"));
        } else {
            try (Stream<Path> files = Files.list(modelPath)) {
                candidates = files.filter(StyleGanModel::isNetwork).sorted().toList();
            }
        }
        if (candidates.size() != 1) {
            throw new StyleGanInputException(modelPath + " holds " + (candidates.isEmpty() ? "no" : candidates.size())
                    + " network file(s)" + (prefix == null ? "" : " named " + prefix)
                    + "; name the file itself in optModelPath");
        }
        return candidates.get(0);
    }
}
