package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Generator;
import org.stylegan4j.web.ExplorerServer;
import org.stylegan4j.web.LoadTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code stylegan4j bench serve}: load test of the web explorer on this machine. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Starts the explorer on 127.0.0.1 and runs closed-loop clients against /api/generate: "
                + "p50/p95 latency, images/s, 503 count, and the single-request time on an idle server.")
public final class BenchServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--clients", defaultValue = "32", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "30", description = "Duration (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--workers", defaultValue = "1", description = "Inference threads (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--queue", defaultValue = "8", description = "Inference queue (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 1024) {
            throw new StyleGanInputException("--clients must be between 1 and 1024, got " + clients);
        }
        if (seconds < 1 || seconds > 3600) {
            throw new StyleGanInputException("--seconds must be between 1 and 3600, got " + seconds);
        }
        ExplorerServer.Options options = new ExplorerServer.Options(workers, queue, Duration.ofSeconds(60), 256);
        LoadTest.Result r;
        int res;
        try (Generator g = network.load(); ExplorerServer server = ExplorerServer.start(g, "127.0.0.1", 0, options)) {
            res = g.config().resolution();
            r = LoadTest.run(server.url(), clients, Duration.ofSeconds(seconds));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(r));
        } else {
            out.printf("explorer %dx%d, %d worker(s), queue %d, %d clients for %.1f s%n", res, res, workers, queue, r.clients(), r.seconds());
            out.printf("  single request      %10.1f ms (idle server, median of 7)%n", r.singleRequestMs());
            out.printf("  p50 latency         %10.1f ms%n", r.p50Ms());
            out.printf("  p95 latency         %10.1f ms%n", r.p95Ms());
            out.printf("  max latency         %10.1f ms%n", r.maxMs());
            out.printf("  images/s            %10.2f%n", r.imagesPerSecond());
            out.printf("  requests            %10d (%d ok, %d busy 503, %d failed)%n", r.requests(), r.ok(), r.rejected(), r.failed());
        }
        out.flush();
        return r.failed() == 0 ? 0 : 1;
    }
}
