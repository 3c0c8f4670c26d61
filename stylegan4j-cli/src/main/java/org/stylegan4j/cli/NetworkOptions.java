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
import java.util.Locale;

/** The options that choose a generator: a network file, or a randomly initialised network. */
public final class NetworkOptions {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--resolution", description = "Resolution of a random-init network (power of two, 8..1024; default ${DEFAULT-VALUE}).",
            defaultValue = "256")
    int resolution;

    @Option(names = "--preset", description = "Preset of a random-init network: ffhq, B, C, D, E, F, digits (default ${DEFAULT-VALUE}).",
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

    /** @return the generator the options describe (the caller closes it) */
    public Generator load() {
        if (source.network != null) {
            Path file = source.network;
            if (!Files.exists(file)) {
                throw new StyleGanInputException(file + ": no such file");
            }
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pkl")) {
                return OfficialImport.load(file);
            }
            return Checkpoint.loadGenerator(file);
        }
        return new Generator(ModelConfig.preset(preset, resolution), initSeed);
    }
}
