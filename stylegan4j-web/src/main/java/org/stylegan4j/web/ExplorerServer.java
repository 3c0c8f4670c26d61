package org.stylegan4j.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.figures.StyleBands;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.train.TrainingMetrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The web explorer of a generator: one static page and a small GET API answering PNG images and JSON
 * ({@code /api/info}, {@code /api/generate}, {@code /api/mix}, {@code /api/interpolate}). Inference
 * runs on a bounded {@link InferencePool}; requests past its queue get 503 with {@code Retry-After}.
 * Every refusal is a JSON {@code {"error": "..."}} with a 4xx status (or 503 when busy).
 */
public final class ExplorerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExplorerServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Largest request body accepted (the API takes none). */
    public static final int MAX_BODY_BYTES = 1024;
    /** Seconds a refused client is told to wait. */
    public static final int RETRY_AFTER_SECONDS = 1;
    /** Default of {@link Options#headerTimeout()}. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Host names always accepted in the {@code Host} header. */
    public static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "::1");

    private static final String STATIC_ROOT = "org/stylegan4j/web/static/";
    private static final Map<String, String> STATIC_FILES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");
    private static final String CSP = "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
            + "base-uri 'none'; frame-ancestors 'none'";

    /**
     * Server settings.
     *
     * @param workers inference threads (1 suits a CPU engine, which already uses every core per image)
     * @param queue requests that may wait for an inference thread before the server answers 503
     * @param timeout longest a request may wait and render before the server answers 503
     * @param maxConnections open connections accepted at once
     * @param headerTimeout a connection that neither completes a request's headers nor sends response bytes for
     *        this long (twice this at most, counted from its last request) is closed, so clients that trickle
     *        headers cannot hold connections
     * @param allowedHosts host names (the {@code Host} header without port) accepted besides the loopback names
     *        and the bound address; other hosts get 421, which defeats DNS rebinding
     */
    public record Options(int workers, int queue, Duration timeout, int maxConnections, Duration headerTimeout,
                          List<String> allowedHosts) {

        /**
         * Settings with the default header timeout and no extra allowed host.
         *
         * @param workers inference threads
         * @param queue waiting requests before 503
         * @param timeout longest wait and render before 503
         * @param maxConnections open connections accepted at once
         */
        public Options(int workers, int queue, Duration timeout, int maxConnections) {
            this(workers, queue, timeout, maxConnections, DEFAULT_HEADER_TIMEOUT, List.of());
        }

        /** Validates the settings. */
        public Options {
            if (workers < 1 || workers > 16) {
                throw new StyleGanInputException("workers must be between 1 and 16, got " + workers);
            }
            if (queue < 0 || queue > 1024) {
                throw new StyleGanInputException("queue must be between 0 and 1024, got " + queue);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new StyleGanInputException("timeout must be positive");
            }
            if (maxConnections < 1) {
                throw new StyleGanInputException("maxConnections must be positive");
            }
            if (headerTimeout.isNegative() || headerTimeout.isZero()) {
                throw new StyleGanInputException("header timeout must be positive");
            }
            allowedHosts = allowedHosts.stream().map(h -> hostName(h)).toList();
        }

        /** @return 1 worker, a queue of 8, a 60 s timeout, 256 connections */
        public static Options defaults() {
            return new Options(1, 8, Duration.ofSeconds(60), 256);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final InferencePool pool;
    private final String host;

    private ExplorerServer(Server server, ServerConnector connector, InferencePool pool, String host) {
        this.server = server;
        this.connector = connector;
        this.pool = pool;
        this.host = host;
    }

    /**
     * Starts a server with the default options.
     *
     * @param generator the network (the caller closes it after {@link #stop()})
     * @param host address to bind, e.g. 127.0.0.1
     * @param port port, 0 for any free port
     * @return the running server
     */
    public static ExplorerServer start(Generator generator, String host, int port) {
        return start(generator, host, port, Options.defaults());
    }

    /**
     * @param generator the network (the caller closes it after {@link #stop()})
     * @param host address to bind, e.g. 127.0.0.1
     * @param port port, 0 for any free port
     * @param options pool and limits
     * @return the running server
     * @throws StyleGanInputException when the address cannot be bound
     */
    public static ExplorerServer start(Generator generator, String host, int port, Options options) {
        return start(generator, null, host, port, options);
    }

    /**
     * Starts a server whose {@code /api/info} also reports the last metrics measured during the network's training
     * run ({@code metrics.jsonl} of its run directory, read at start).
     *
     * @param generator the network (the caller closes it after {@link #stop()})
     * @param runDir the training run the network comes from (null: none)
     * @param host address to bind, e.g. 127.0.0.1
     * @param port port, 0 for any free port
     * @param options pool and limits
     * @return the running server
     * @throws StyleGanInputException when the address cannot be bound
     */
    public static ExplorerServer start(Generator generator, Path runDir, String host, int port, Options options) {
        if (port < 0 || port > 65535) {
            throw new StyleGanInputException("port must be between 0 and 65535, got " + port);
        }
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("explorer-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopAtShutdown(true);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(8192);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(30_000);
        connector.addBean(new HeaderDeadline(connector, options.headerTimeout()));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
        InferencePool pool = new InferencePool(options.workers(), options.queue());
        Set<String> hosts = new HashSet<>(LOOPBACK_HOSTS);
        hosts.addAll(options.allowedHosts());
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.isEmpty()) {
            hosts.add(hostName(host));
        }
        Map<String, Object> info = info(generator.config());
        info.put("metrics", runDir == null ? null : lastMetrics(runDir));
        server.setHandler(new ApiHandler(generator, info, pool, options.timeout(), Set.copyOf(hosts)));
        server.setErrorHandler(new JsonErrorHandler());
        ExplorerServer explorer = new ExplorerServer(server, connector, pool, host);
        try {
            server.start();
        } catch (Exception e) {
            explorer.stop();
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new StyleGanInputException("cannot serve on " + host + ":" + port + ": " + why, e);
        }
        LOG.info("explorer serving {} ({} worker(s), queue {})", explorer.url(), options.workers(), options.queue());
        return explorer;
    }

    /** @return the bound port */
    public int port() {
        return connector.getLocalPort();
    }

    /** @return the page's address, e.g. {@code http://127.0.0.1:8080/} */
    public URI url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/");
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops accepting, then stops the inference threads. Idempotent. */
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the explorer: {}", e.toString());
        } finally {
            pool.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Routes requests; non-blocking (inference runs on the pool). */
    private static final class ApiHandler extends Handler.Abstract.NonBlocking {

        private final Renderer renderer;
        private final InferencePool pool;
        private final Duration timeout;
        private final int numLayers;
        private final byte[] info;
        private final Map<String, byte[]> statics = new LinkedHashMap<>();
        private final Set<String> allowedHosts;

        ApiHandler(Generator generator, Map<String, Object> info, InferencePool pool, Duration timeout,
                   Set<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
            this.renderer = new Renderer(generator);
            this.pool = pool;
            this.timeout = timeout;
            this.numLayers = generator.config().numLayers();
            this.info = json(info);
            for (String name : Set.copyOf(STATIC_FILES.values())) {
                statics.put(name, resource(name));
            }
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            try {
                route(request, response, callback);
            } catch (HttpError e) {
                error(response, callback, e.status(), e.getMessage());
            }
            return true;
        }

        private void route(Request request, Response response, Callback callback) {
            String hostHeader = request.getHeaders().get(HttpHeader.HOST);
            if (hostHeader == null) {
                throw new HttpError(400, "missing Host header");
            }
            String requested = request.getHttpURI().getHost();
            if (requested == null || !allowedHosts.contains(hostName(requested))) {
                throw new HttpError(421, "host '" + QueryParameters.printable(hostHeader) + "' is not served here "
                        + "(allow it with serve --allowed-host)");
            }
            if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
                throw new HttpError(411, "request bodies are not accepted (send no body, or a Content-Length)");
            }
            if (request.getLength() > MAX_BODY_BYTES) {
                throw new HttpError(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            String path = Request.getPathInContext(request);
            String file = STATIC_FILES.get(path);
            boolean api = path.startsWith("/api/");
            if (file == null && !api) {
                throw new HttpError(404, "no such page: " + QueryParameters.printable(path));
            }
            if (!HttpMethod.GET.is(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET");
                throw new HttpError(405, "only GET is supported");
            }
            String query = request.getHttpURI().getQuery();
            if (file != null) {
                response.getHeaders().put("Content-Security-Policy", CSP);
                send(response, callback, 200, contentType(file), "no-cache", statics.get(file));
                return;
            }
            switch (path) {
                case "/api/info" -> {
                    QueryParameters.parse(query, Set.of());
                    send(response, callback, 200, "application/json", "no-cache", info);
                }
                case "/api/generate" -> image(ImageRequest.Kind.GENERATE, query, response, callback);
                case "/api/mix" -> image(ImageRequest.Kind.MIX, query, response, callback);
                case "/api/interpolate" -> image(ImageRequest.Kind.INTERPOLATE, query, response, callback);
                default -> throw new HttpError(404, "no such endpoint: " + QueryParameters.printable(path));
            }
        }

        private void image(ImageRequest.Kind kind, String query, Response response, Callback callback) {
            ImageRequest req = ImageRequest.parse(kind, QueryParameters.parse(query, ImageRequest.parameters(kind)), numLayers);
            String cache = req.noise() == Noise.Mode.RANDOM ? "no-store" : "private, max-age=3600";
            try {
                pool.submit(() -> renderer.png(req))
                        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((png, failure) -> {
                            if (failure == null) {
                                send(response, callback, 200, "image/png", cache, png);
                            } else {
                                failed(req, response, callback, failure);
                            }
                        });
            } catch (RejectedExecutionException e) {
                busy(response, callback, "busy: every inference thread is taken and the queue is full");
            }
        }

        private static void failed(ImageRequest req, Response response, Callback callback, Throwable failure) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof HttpError e) {
                error(response, callback, e.status(), e.getMessage());
            } else if (cause instanceof StyleGanInputException e) {
                error(response, callback, 400, QueryParameters.printable(e.getMessage()));
            } else if (cause instanceof TimeoutException) {
                busy(response, callback, "busy: the image took too long");
            } else {
                LOG.error("rendering {} failed", req, cause);
                error(response, callback, 500, "internal error: " + cause.getClass().getSimpleName());
            }
        }

        private static void busy(Response response, Callback callback, String message) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
            error(response, callback, 503, message);
        }

        private static String contentType(String file) {
            if (file.endsWith(".html")) {
                return "text/html; charset=utf-8";
            }
            return file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        }

        private static byte[] resource(String name) {
            try (InputStream in = ExplorerServer.class.getClassLoader().getResourceAsStream(STATIC_ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + STATIC_ROOT + name);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Errors Jetty raises itself (malformed requests, oversized headers) as JSON too. */
    private static final class JsonErrorHandler extends ErrorHandler {

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            String m = message == null || message.isBlank() ? "HTTP " + code : message;
            error(response, callback, code, QueryParameters.printable(m));
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
            return ByteBuffer.wrap(json(Map.of("error", QueryParameters.printable(reason == null ? "bad request" : reason))));
        }
    }

    /**
     * @param host a host name or address, IPv6 possibly in brackets
     * @return it in lower case without brackets, as compared with the allow-list
     */
    static String hostName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /**
     * Closes connections that hold a slot without progress: every {@code period} each open connection is looked
     * at, and one that completed no new request's headers and wrote no response bytes since the last look, with no
     * request in progress, is closed. A client trickling its headers is thus cut off within two periods, whatever
     * the idle timeout; a request being rendered or a response being written keeps its connection.
     */
    private static final class HeaderDeadline implements Connection.Listener {
        private final Connector connector;
        private final Duration period;
        private final Map<Connection, Scheduler.Task> tasks = new ConcurrentHashMap<>();

        HeaderDeadline(Connector connector, Duration period) {
            this.connector = connector;
            this.period = period;
        }

        @Override
        public void onOpened(Connection connection) {
            schedule(connection, 0, 0);
        }

        @Override
        public void onClosed(Connection connection) {
            Scheduler.Task task = tasks.remove(connection);
            if (task != null) {
                task.cancel();
            }
        }

        private void schedule(Connection connection, long requests, long bytesOut) {
            tasks.put(connection, connector.getScheduler().schedule(() -> check(connection, requests, bytesOut), period.toMillis(),
                    TimeUnit.MILLISECONDS));
        }

        private void check(Connection connection, long lastRequests, long lastBytesOut) {
            if (!tasks.containsKey(connection) || !connection.getEndPoint().isOpen()) {
                tasks.remove(connection);
                return;
            }
            long requests = connection.getMessagesIn();
            long bytesOut = connection.getBytesOut();
            boolean busy = connection.getMessagesOut() < requests;
            if (!busy && requests == lastRequests && bytesOut == lastBytesOut) {
                LOG.debug("closing {}: no complete request within {}", connection.getEndPoint().getRemoteSocketAddress(),
                        period);
                tasks.remove(connection);
                connection.getEndPoint().close();
                return;
            }
            schedule(connection, requests, bytesOut);
        }
    }

    static Map<String, Object> info(ModelConfig c) {
        int layers = c.numLayers();
        List<Map<String, Object>> perLayer = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            perLayer.add(Map.of("index", l, "resolution", StyleBands.layerResolution(l)));
        }
        Map<String, Object> bands = new LinkedHashMap<>();
        for (StyleBands.Band b : StyleBands.Band.values()) {
            bands.put(b.label(), band(b, layers));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resolution", c.resolution());
        out.put("channels", c.numChannels());
        out.put("preset", c.preset());
        out.put("latentSize", c.latentSize());
        out.put("dlatentSize", c.dlatentSize());
        out.put("numLayers", layers);
        out.put("layers", perLayer);
        out.put("bands", bands);
        out.put("defaults", Map.of("psi", ImageRequest.DEFAULT_PSI, "cutoff", Math.min(ImageRequest.DEFAULT_CUTOFF, layers),
                "noise", "const", "space", "z"));
        out.put("limits", Map.of("seedMax", Seeds.MAX, "psiMin", -ImageRequest.MAX_ABS_PSI, "psiMax", ImageRequest.MAX_ABS_PSI,
                "noiseStrengthMax", ImageRequest.MAX_NOISE_STRENGTH));
        return out;
    }

    /**
     * @param runDir a training run directory
     * @return its last measurement during training ({@code kimg} and each metric), or null when it has none
     */
    static Map<String, Object> lastMetrics(Path runDir) {
        List<TrainingMetrics.Row> rows = TrainingMetrics.read(runDir);
        if (rows.isEmpty()) {
            return null;
        }
        TrainingMetrics.Row last = rows.get(rows.size() - 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kimg", last.kimg());
        out.putAll(last.values());
        return out;
    }

    /** @return the band's layers as JSON, or null when the network has no layer in the band */
    private static Map<String, Object> band(StyleBands.Band b, int layers) {
        try {
            StyleBands.Range r = StyleBands.band(b, layers);
            return Map.of("from", r.from(), "to", r.to(), "layers", r.toString());
        } catch (StyleGanInputException e) {
            return null;
        }
    }

    private static void send(Response response, Callback callback, int status, String type, String cache, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, cache);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static void error(Response response, Callback callback, int status, String message) {
        send(response, callback, status, "application/json", "no-store", json(Map.of("error", message)));
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
