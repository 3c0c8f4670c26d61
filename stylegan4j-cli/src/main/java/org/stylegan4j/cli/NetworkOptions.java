package org.stylegan4j.cli;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The options that choose a generator: a network file, or a randomly initialised network. */
public final class NetworkOptions {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--resolution", description = "Resolution of a random-init network (power of two, 8..1024; default ${DEFAULT-VALUE}).",
            defaultValue = "256")
    int resolution;

    @Option(names = "--preset", description = "Preset of a random-init network: ffhq, B, C, D, E, F, small or its alias digits (default ${DEFAULT-VALUE}).",
            defaultValue = "ffhq")
    String preset;

    @Option(names = "--init-seed", description = "Seed of a random-init network's weights (default ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long initSeed;

    /** Exactly one source of weights. */
    static final class Source {
        @Option(names = "--network", paramLabel = "FILE", description = "Network checkpoint (.safetensors), or an official StyleGAN (v1) .pkl (read safely; Gs is used).")
        Path network;

        @Option(names = "--random-init", description = "Use a freshly initialised network (official initialisation).")
        boolean randomInit;
    }

    /**
     * Checks the options cheaply (preset and resolution, or the network file's header) before any
     * output is created.
     *
     * @return the model config of the network the options describe (null for an official .pkl,
     *         whose config is only known once it is read)
     */
    public ModelConfig config() {
        if (source.network != null) {
            Path file = existing(source.network);
            return OfficialImport.isPickle(file) ? null : Checkpoint.readConfig(file);
        }
        return ModelConfig.preset(preset, resolution);
    }

    /** @return the generator the options describe, frozen for generating images (the caller closes it) */
    public Generator load() {
        if (source.network != null) {
            Path file = existing(source.network);
            return OfficialImport.loadGenerator(file).freeze();
        }
        return new Generator(ModelConfig.preset(preset, resolution), initSeed).freeze();
    }

    /** @return the network file, or which random-init network */
    public String describe() {
        return source.network != null ? source.network.toString()
                : "random-init " + preset + " " + resolution + "x" + resolution + " (init seed " + initSeed + ")";
    }

    private static Path existing(Path file) {
        if (!Files.exists(file)) {
            throw new StyleGanInputException(file + ": no such file");
        }
        return file;
    }
}
