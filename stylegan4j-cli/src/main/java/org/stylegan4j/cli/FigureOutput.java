package org.stylegan4j.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every figure command shares: images per forward pass, the output PNG and --force. */
public final class FigureOutput {

    @Option(names = "--batch", defaultValue = "8", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    /** @return the output file, after checking the batch size, its directory and --force */
    Path checked() {
        FigureChecks.batch(batch);
        return OutputFiles.file(out, force);
    }
}
