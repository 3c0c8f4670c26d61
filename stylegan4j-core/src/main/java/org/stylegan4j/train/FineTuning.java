package org.stylegan4j.train;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fine-tuning: a run that starts from a trained network instead of a fresh initialisation, at the network's full
 * resolution (no growing) and with a fresh Adam state, as stylegan2-ada-pytorch's {@code --resume=<network>} does for
 * transfer learning; optionally with the first layers of the discriminator frozen ("Freeze the Discriminator", Mo et
 * al. 2020: the layers nearest the image keep their learnt low-level features). Distinct from resuming, which
 * continues a run exactly.
 *
 * @param initFrom the network to start from: a stylegan4j checkpoint with G, G_ema and D (a training snapshot or
 *        {@code import --with-discriminator}'s output) or an official StyleGAN {@code .pkl}; null for none
 * @param freezeD layers of D, counted from its input (FromRGB, then each block's convolutions, then the 4x4
 *        convolution and dense layers), whose weights stay as loaded
 */
public record FineTuning(String initFrom, int freezeD) {

    /** No fine-tuning: a fresh network. */
    public static final FineTuning NONE = new FineTuning(null, 0);

    /** @return whether the run starts from a trained network */
    public boolean enabled() {
        return initFrom != null;
    }

    /**
     * @param progressive whether the run grows
     * @throws StyleGanInputException for a negative count, frozen layers without a network, or growing
     */
    void validate(boolean progressive) {
        if (freezeD < 0) {
            throw new StyleGanInputException("--freeze-d must be 0 or more layers, got " + freezeD);
        }
        if (freezeD > 0 && initFrom == null) {
            throw new StyleGanInputException("--freeze-d keeps trained layers of D: it needs --init-from");
        }
        if (initFrom != null && progressive) {
            throw new StyleGanInputException("a run that starts from a trained network trains at its full resolution: "
                    + "it cannot grow (progressive must be off)");
        }
    }

    /**
     * Checks what can be checked before a run starts: the file is a network with a discriminator, and D has the
     * layers to freeze.
     *
     * @param model the run's architecture
     * @throws StyleGanInputException naming the problem and the fix
     */
    void check(ModelConfig model) {
        if (initFrom == null) {
            return;
        }
        Path file = Path.of(initFrom);
        if (!Files.isRegularFile(file)) {
            throw new StyleGanInputException("--init-from " + initFrom + ": no such file");
        }
        if (!OfficialImport.isPickle(file)) {
            boolean hasD = SafeTensors.readLayout(file).shapes().keySet().stream()
                    .anyMatch(k -> k.startsWith(Checkpoint.D + "."));
            if (!hasD) {
                throw new StyleGanInputException("--init-from " + initFrom + " holds no discriminator: fine-tuning "
                        + "needs one (start from a training snapshot, or import an official .pkl with `stylegan4j "
                        + "import --with-discriminator`)");
            }
        }
        int layers = Discriminator.layerScopes(model).size();
        if (freezeD > layers) {
            throw new StyleGanInputException("--freeze-d " + freezeD + " is more than D's " + layers + " layers");
        }
    }

    /**
     * Reads the network: a stylegan4j checkpoint, or an official {@code .pkl} converted on the way (G, Gs as G_ema,
     * D).
     *
     * @return its tensors and config
     * @throws IOException if a temporary conversion cannot be written
     */
    Checkpoint.Loaded read() throws IOException {
        Path file = Path.of(initFrom);
        if (!OfficialImport.isPickle(file)) {
            return Checkpoint.read(file);
        }
        Path converted = Files.createTempFile("stylegan4j-init-", ".safetensors");
        try {
            OfficialImport.convert(file, converted, true);
            return Checkpoint.read(converted);
        } finally {
            Files.deleteIfExists(converted);
        }
    }

    /**
     * @param store D's parameters
     * @param model the architecture
     * @return the names of the parameters of D's first {@link #freezeD} layers
     */
    Set<String> frozenParameters(ParameterStore store, ModelConfig model) {
        List<String> scopes = Discriminator.layerScopes(model).subList(0, freezeD);
        Set<String> out = new HashSet<>();
        for (ParameterStore.Parameter p : store.trainable()) {
            if (scopes.contains(p.name().substring(0, p.name().lastIndexOf('.')))) {
                out.add(p.name());
            }
        }
        return out;
    }
}
