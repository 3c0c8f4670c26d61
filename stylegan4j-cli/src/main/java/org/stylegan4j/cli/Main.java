package org.stylegan4j.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;
import picocli.CommandLine;
import org.stylegan4j.nn.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** Entry point of the {@code stylegan4j} command: exit 0 on success, 2 on bad input (one line on stderr), 1 on internal failure. */
@Command(name = "stylegan4j", mixinStandardHelpOptions = true, version = "stylegan4j 0.1.0",
        description = "StyleGAN (Karras, Laine, Aila, CVPR 2019) on the JVM.",
        subcommands = {InfoCommand.class, DatasetCommand.class, TrainCommand.class, GenerateCommand.class, MixCommand.class, NoiseCommand.class,
            NoiseLayersCommand.class, TruncationCommand.class, InterpolateCommand.class, ImportCommand.class,
            TrainClassifierCommand.class, JudgeDigitsCommand.class, MetricsCommand.class, ServeCommand.class, BenchCommand.class})
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** Exit code for bad input. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for an internal failure. */
    public static final int EXIT_INTERNAL = 1;

    @Spec
    CommandSpec spec;

    private Main() {
    }

    /**
     * {@code --device}, accepted by every command: where the tensors live.
     *
     * @param name cpu, gpu, gpu:N or auto
     */
    @Option(names = "--device", scope = ScopeType.INHERIT, paramLabel = "cpu|gpu|gpu:N|auto",
            description = "Where networks run: cpu, gpu (the first CUDA GPU), gpu:N, or auto (default: a GPU when the "
                    + "CUDA natives are present and one is visible, else the CPU).")
    void device(String name) {
        if (!name.matches("(?i)\\s*(cpu|auto|gpu(:\\d+)?)\\s*")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--device must be cpu, gpu, gpu:N or auto, got '" + name + "'");
        }
        Engines.useDevice(name);
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting (for tests and embedding).
     *
     * @param args arguments
     * @return exit code
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** @return the configured picocli command line */
    static CommandLine commandLine() {
        Engines.useDevice("auto");
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage().replaceFirst("^Error: ", "") + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            err.flush();
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, command, parsed) -> {
            PrintWriter err = command.getErr();
            Throwable cause = ex;
            while (cause != null && !(cause instanceof StyleGanInputException)) {
                cause = cause.getCause();
            }
            if (cause != null) {
                err.println("error: " + cause.getMessage());
                err.flush();
                return EXIT_BAD_INPUT;
            }
            LOG.debug("internal failure", ex);
            err.println("internal error: " + ex);
            err.flush();
            return EXIT_INTERNAL;
        });
        return cl;
    }
}
