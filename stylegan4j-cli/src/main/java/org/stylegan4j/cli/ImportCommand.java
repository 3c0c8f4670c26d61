package org.stylegan4j.cli;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stylegan4j import}: converts an official NVIDIA StyleGAN (v1) .pkl into a stylegan4j checkpoint, running no code from it. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert an official StyleGAN (v1) network pickle (G, D, Gs) into a .safetensors checkpoint "
                + "(G, G_ema = Gs). The pickle is read with an allow-list: no code in it is run.")
public final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pkl", required = true, paramLabel = "FILE", description = "Official network pickle, e.g. karras2019stylegan-ffhq-1024x1024.pkl.")
    Path pkl;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Checkpoint to write (.safetensors).")
    Path out;

    @Option(names = "--with-discriminator", description = "Also store the discriminator D (official tensor names, converted layouts).")
    boolean withDiscriminator;

    @Option(names = "--force", description = "Overwrite an existing output file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(pkl)) {
            throw new StyleGanInputException(pkl + ": no such file");
        }
        OutputFiles.file(out, force);
        ModelConfig c = OfficialImport.convert(pkl, out, withDiscriminator);
        spec.commandLine().getOut().printf("imported %s: %dx%d, %d channels, z %d, w %d, %d mapping layers -> %s (G, G_ema%s)%n",
                pkl.getFileName(), c.resolution(), c.resolution(), c.numChannels(), c.latentSize(), c.dlatentSize(),
                c.mappingLayers(), out, withDiscriminator ? ", D" : "");
        return 0;
    }
}
