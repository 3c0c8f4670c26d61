package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.DatasetTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stylegan4j dataset}: a folder or zip of PNG/JPEG images to a training zip in stylegan2-ada-pytorch's layout. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Centre-crop and resize images (PNG/JPEG, recursively) into a training zip.")
public final class DatasetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, description = "Folder or zip of images.")
    Path source;

    @Option(names = "--dest", required = true, description = "Output zip.")
    Path dest;

    @Option(names = "--resolution", required = true, description = "Output size, a power of two (e.g. 32, 256).")
    int resolution;

    @Option(names = "--force", description = "Overwrite an existing output zip.")
    boolean force;

    @Override
    public Integer call() {
        if (resolution < 4 || resolution > 4096 || Integer.bitCount(resolution) != 1) {
            throw new StyleGanInputException("--resolution must be a power of two between 4 and 4096, got " + resolution);
        }
        if (!Files.exists(source)) {
            throw new StyleGanInputException(source + ": no such file or directory");
        }
        OutputFiles.file(dest, force);
        DatasetTool.Report report;
        try (ProgressBar bar = Progress.bar("dataset", 1, "img")) {
            report = DatasetTool.convert(source, dest, resolution, (done, total) -> {
                bar.maxHint(total);
                bar.stepTo(done);
            });
        }
        spec.commandLine().getOut().printf("wrote %s: %d images, %dx%d, %d channel(s); %d unreadable file(s) skipped%n",
                dest, report.written(), report.resolution(), report.resolution(), report.channels(), report.skipped());
        return 0;
    }
}
