package org.stylegan4j.cli;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Generator;
import org.stylegan4j.projection.Projector;
import org.stylegan4j.web.ExplorerServer;
import org.stylegan4j.web.ProjectionSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code stylegan4j serve}: the web explorer of a network, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a web page to explore a network: seeds, truncation, style mixing by band, noise per band, "
                + "interpolation, and uploaded images projected into the network to mix and interpolate like seeds. "
                + "Runs until Ctrl-C.")
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 exposes it to the network).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--workers", defaultValue = "1", description = "Inference threads (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--queue", defaultValue = "8",
            description = "Requests that may wait for an inference thread before the server answers 503 (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "Also answer requests whose Host header names NAME (repeatable). By default only localhost, "
                    + "127.0.0.1, ::1 and the --host address are answered; other names get 421 (against DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--project-steps", defaultValue = "1000",
            description = "Optimisation steps of an uploaded image's projection (default ${DEFAULT-VALUE}, the published setting).")
    int projectSteps;

    @Option(names = "--project-space", defaultValue = "w",
            description = "Where uploads are projected: w (one w for all layers) or w+ (one per layer; default ${DEFAULT-VALUE}).")
    String projectSpace;

    @Option(names = "--projections-kept", defaultValue = "16",
            description = "Projections kept; older ones are forgotten, least recently used first (default ${DEFAULT-VALUE}).")
    int projectionsKept;

    @Mixin
    DistanceOptions distanceOptions;

    @Override
    public Integer call() throws InterruptedException {
        if (projectSteps < 1 || projectSteps > Projector.Options.MAX_STEPS) {
            throw new StyleGanInputException("--project-steps must be in [1, " + Projector.Options.MAX_STEPS + "], got "
                    + projectSteps);
        }
        Projector.Options projector = Projector.Options.PUBLISHED.withSteps(projectSteps)
                .withSpace(Projector.Space.parse(projectSpace, "--project-space"));
        DistanceOptions.Kind distance = distanceOptions.kind(true);
        ProjectionSettings projection = new ProjectionSettings(projector, distance.label(),
                c -> distanceOptions.open(distance, c), projectionsKept);
        ExplorerServer.Options options = new ExplorerServer.Options(workers, queue, Duration.ofSeconds(60), 256,
                ExplorerServer.DEFAULT_HEADER_TIMEOUT, allowedHosts, projection);
        Path net = network.source.network;
        Path runDir = net == null ? null : net.toAbsolutePath().getParent();
        try (Generator g = network.load(); ExplorerServer server = ExplorerServer.start(g, runDir, host, port, options)) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("stylegan4j explorer: %s  (%dx%d network; Ctrl-C to stop)%n", server.url(),
                    g.config().resolution(), g.config().resolution());
            out.flush();
            if (distance == DistanceOptions.Kind.MSE) {
                spec.commandLine().getErr().println("warning: uploads are projected with the pixel distance: "
                        + DistanceOptions.MSE_WARNING);
            }
            server.join();
        }
        return 0;
    }
}
