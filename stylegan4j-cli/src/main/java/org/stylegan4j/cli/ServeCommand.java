package org.stylegan4j.cli;

import org.stylegan4j.model.Generator;
import org.stylegan4j.web.ExplorerServer;
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
                + "interpolation. Runs until Ctrl-C.")
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

    @Override
    public Integer call() throws InterruptedException {
        ExplorerServer.Options options = new ExplorerServer.Options(workers, queue, Duration.ofSeconds(60), 256,
                ExplorerServer.DEFAULT_HEADER_TIMEOUT, allowedHosts);
        Path net = network.source.network;
        Path runDir = net == null ? null : net.toAbsolutePath().getParent();
        try (Generator g = network.load(); ExplorerServer server = ExplorerServer.start(g, runDir, host, port, options)) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("stylegan4j explorer: %s  (%dx%d network; Ctrl-C to stop)%n", server.url(),
                    g.config().resolution(), g.config().resolution());
            out.flush();
            server.join();
        }
        return 0;
    }
}
