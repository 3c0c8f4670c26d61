package org.stylegan4j.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.CannotWriteException;
import org.stylegan4j.nn.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;

/**
 * Entry point of the {@code stylegan4j} command: exit 0 on success, 2 on bad input (one line on stderr), 1 on
 * internal failure (one line too; the stack trace goes to the debug log only).
 */
@Command(name = "stylegan4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "StyleGAN (Karras, Laine, Aila, CVPR 2019) on the JVM.",
        subcommands = {InfoCommand.class, DatasetCommand.class, TrainCommand.class, GenerateCommand.class, MixCommand.class, NoiseCommand.class,
            NoiseLayersCommand.class, TruncationCommand.class, InterpolateCommand.class, ImportCommand.class, ProjectCommand.class,
            TrainClassifierCommand.class, JudgeDigitsCommand.class, MetricsCommand.class, ServeCommand.class, BenchCommand.class})
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** Exit code for bad input. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for an internal failure. */
    public static final int EXIT_INTERNAL = 1;

    private static final int MAX_CAUSES = 32;
    private static final int MAX_LINE = 400;
    private static final List<String> DISK_FULL = List.of("No space left on device", "Disk quota exceeded");
    private static final List<Class<? extends Throwable>> PARSE_FAILURES = List.of(JsonProcessingException.class,
            ZipException.class, EOFException.class, DataFormatException.class, CharacterCodingException.class);

    static {
        // ImageIO streams stay in memory: no cache file in java.io.tmpdir can fail on a full disk or be left behind
        ImageIO.setUseCache(false);
    }

    @Spec
    CommandSpec spec;

    /** {@code --version}: the version Maven wrote into the jar's manifest (the pom's {@code revision}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"stylegan4j " + (v == null ? "(not run from its jar)" : v)};
        }
    }

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
     * The command line's engine settings, each unless set already ({@code -D} in {@code STYLEGAN4J_JAVA_OPTS}): DJL
     * never downloads (the natives come from the jar), one intra-op thread per core, one inter-op thread (we run
     * no parallel TorchScript forks). The library sets none of these (see {@link Engines}); they must be set before
     * the engine starts, which no command does before this.
     */
    static void configureEngine() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
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
        configureEngine();
        Engines.useDevice("auto");
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(oneLine("error: " + ex.getMessage().replaceFirst("^Error: ", "") + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')"));
            err.flush();
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (Error e) {
                throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.toString(), e);
            }
        });
        cl.setExecutionExceptionHandler((ex, command, parsed) -> {
            LOG.debug("command failed", ex);
            PrintWriter err = command.getErr();
            Failure f = classify(ex);
            err.println(oneLine(f.line()));
            err.flush();
            return f.exit();
        });
        return cl;
    }

    /** What the user is told about a failed command: one line and an exit code. */
    record Failure(String line, int exit) {
    }

    /**
     * Maps a failure to its line and exit code: bad input ({@link StyleGanInputException}), a failed write
     * ({@link CannotWriteException}, or a full disk anywhere) and a file that cannot be parsed are exit 2; a stack
     * overflow, running out of memory and anything else is an internal failure, exit 1.
     *
     * @param ex what the command threw
     * @return the line for stderr and the exit code
     */
    static Failure classify(Throwable ex) {
        List<Throwable> chain = causes(ex);
        for (Throwable t : chain) {
            if (t instanceof StyleGanInputException) {
                return new Failure("error: " + t.getMessage(), EXIT_BAD_INPUT);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof CannotWriteException) {
                return new Failure("error: " + t.getMessage(), EXIT_BAD_INPUT);
            }
            if (t instanceof IOException io && DISK_FULL.stream().anyMatch(CannotWriteException.reason(io)::contains)) {
                String file = io instanceof FileSystemException fs && fs.getFile() != null ? " " + fs.getFile() : "";
                return new Failure("error: cannot write" + file + ": " + CannotWriteException.reason(io), EXIT_BAD_INPUT);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof StackOverflowError) {
                return new Failure("internal error: stack overflow (the input may be nested too deeply)", EXIT_INTERNAL);
            }
            if (t instanceof OutOfMemoryError) {
                return new Failure("internal error: out of memory (" + t.getMessage() + "; the JVM may use at most "
                        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, set with -Xmx in STYLEGAN4J_JAVA_OPTS)",
                        EXIT_INTERNAL);
            }
        }
        for (Throwable t : chain) {
            if (PARSE_FAILURES.stream().anyMatch(c -> c.isInstance(t))) {
                return new Failure("error: cannot parse input (" + t.getClass().getSimpleName() + ": "
                        + t.getMessage() + ")", EXIT_BAD_INPUT);
            }
        }
        return new Failure("internal error: " + ex, EXIT_INTERNAL);
    }

    /** The exception and its causes, without repeats (a cause chain may loop) and at most {@link #MAX_CAUSES}. */
    private static List<Throwable> causes(Throwable ex) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = ex; t != null && chain.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /**
     * @param text a message
     * @return the message on one line (line breaks become spaces), cut to {@link #MAX_LINE} characters
     */
    static String oneLine(String text) {
        String flat = String.valueOf(text).replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() <= MAX_LINE ? flat : flat.substring(0, MAX_LINE - 3) + "...";
    }
}
