package org.stylegan4j.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
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
import org.eclipse.jetty.io.Content;
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
import org.stylegan4j.projection.ProjectedLatents;
import org.stylegan4j.train.TrainingMetrics;

import java.io.ByteArrayOutputStream;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The web explorer of a generator: one static page and a small API answering PNG images and JSON
 * ({@code /api/info}, {@code /api/generate}, {@code /api/mix}, {@code /api/interpolate}), and the projection of
 * uploaded images ({@code POST /api/project}, then {@code GET /api/project/<id>}) whose results are sources like
 * seeds ({@code p<id>}). Inference and projections run on a bounded {@link InferencePool}; requests past its queue
 * get 503 with {@code Retry-After}. Every refusal is a JSON {@code {"error": "..."}} with a 4xx status (or 503 when
 * busy).
 */
public final class ExplorerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExplorerServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Largest request body accepted, except by {@code POST /api/project} (the rest of the API takes none). */
    public static final int MAX_BODY_BYTES = 1024;
    /** Largest image accepted by {@code POST /api/project}, in bytes (8 MiB). */
    public static final int MAX_UPLOAD_BYTES = 8 << 20;
    /** Most pixels (width times height) of an image accepted by {@code POST /api/project} (4096x4096). */
    public static final long MAX_UPLOAD_PIXELS = 4096L * 4096;
    /** The upload endpoint, the only one that takes POST. */
    public static final String PROJECT_PATH = "/api/project";
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
     * @param projection how uploaded images are projected
     */
    public record Options(int workers, int queue, Duration timeout, int maxConnections, Duration headerTimeout,
                          List<String> allowedHosts, ProjectionSettings projection) {

        /**
         * Settings with the default projection settings.
         *
         * @param workers inference threads
         * @param queue waiting requests before 503
         * @param timeout longest wait and render before 503
         * @param maxConnections open connections accepted at once
         * @param headerTimeout longest a connection may go without a complete request or response bytes
         * @param allowedHosts host names accepted besides the loopback names and the bound address
         */
        public Options(int workers, int queue, Duration timeout, int maxConnections, Duration headerTimeout,
                       List<String> allowedHosts) {
            this(workers, queue, timeout, maxConnections, headerTimeout, allowedHosts, ProjectionSettings.defaults());
        }

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

        /**
         * @param p how uploaded images are projected
         * @return these options with those projection settings
         */
        public Options withProjection(ProjectionSettings p) {
            return new Options(workers, queue, timeout, maxConnections, headerTimeout, allowedHosts, p);
        }

        /** @return projections queued or running at once: one less than the workers (so images still draw), at least 1 */
        public int maxProjections() {
            return Math.max(1, workers - 1);
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
            Objects.requireNonNull(projection, "projection");
        }

        /** @return 1 worker, a queue of 8, a 60 s timeout, 256 connections */
        public static Options defaults() {
            return new Options(1, 8, Duration.ofSeconds(60), 256);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final InferencePool pool;
    private final Projections projections;
    private final String host;

    private ExplorerServer(Server server, ServerConnector connector, InferencePool pool, Projections projections,
                           String host) {
        this.server = server;
        this.connector = connector;
        this.pool = pool;
        this.projections = projections;
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
     * @throws StyleGanInputException when the address cannot be bound, or the projection distance cannot be opened
     *         for the network
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
        options.projection().distance().apply(generator.config()).close();
        InferencePool pool = new InferencePool(options.workers(), options.queue());
        Projections projections = new Projections(generator, options.projection(), pool, options.maxProjections(),
                MAX_UPLOAD_PIXELS);
        Set<String> hosts = new HashSet<>(LOOPBACK_HOSTS);
        hosts.addAll(options.allowedHosts());
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.isEmpty()) {
            hosts.add(hostName(host));
        }
        Map<String, Object> info = info(generator.config());
        info.put("metrics", runDir == null ? null : lastMetrics(runDir));
        info.put("projection", projections.info(MAX_UPLOAD_BYTES));
        server.setHandler(new ApiHandler(generator, info, pool, projections, threads, options.timeout(),
                Set.copyOf(hosts)));
        server.setErrorHandler(new JsonErrorHandler());
        ExplorerServer explorer = new ExplorerServer(server, connector, pool, projections, host);
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

    /** Stops accepting, stops the projections after their current step, then stops the inference threads. Idempotent. */
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the explorer: {}", e.toString());
        } finally {
            projections.close();
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
        private final Projections projections;
        private final Executor uploads;
        private final Duration timeout;
        private final int numLayers;
        private final byte[] info;
        private final Map<String, byte[]> statics = new LinkedHashMap<>();
        private final Set<String> allowedHosts;

        ApiHandler(Generator generator, Map<String, Object> info, InferencePool pool, Projections projections,
                   Executor uploads, Duration timeout, Set<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
            this.renderer = new Renderer(generator);
            this.pool = pool;
            this.projections = projections;
            this.uploads = uploads;
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
                refuse(response, callback, e);
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
            String path = Request.getPathInContext(request);
            boolean upload = path.equals(PROJECT_PATH);
            int maxBody = upload ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES;
            if (request.getLength() > maxBody) {
                throw new HttpError(413, "request body larger than " + maxBody + " bytes");
            }
            String file = STATIC_FILES.get(path);
            boolean api = path.startsWith("/api/");
            if (file == null && !api) {
                throw new HttpError(404, "no such page: " + QueryParameters.printable(path));
            }
            String method = upload ? "POST" : "GET";
            if (!method.equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, method);
                throw new HttpError(405, upload ? "upload the image with POST" : "only GET is supported here");
            }
            String query = request.getHttpURI().getQuery();
            if (upload) {
                upload(request, query, response, callback);
                return;
            }
            if (path.startsWith(PROJECT_PATH + "/")) {
                projection(path.substring(PROJECT_PATH.length() + 1), query, response, callback);
                return;
            }
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

        /**
         * {@code POST /api/project}: a PNG or JPEG image as the body, projected on the pool; answers 202 with the
         * projection's progress at once. The body is read (bounded, holding a projection slot) and decoded off the
         * network threads.
         */
        private void upload(Request request, String query, Response response, Callback callback) {
            checkSameOrigin(request);
            QueryParameters.parse(query, Set.of());
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mime.equals("image/png") && !mime.equals("image/jpeg")) {
                throw new HttpError(415, "send the image as the body with Content-Type image/png or image/jpeg");
            }
            if (request.getLength() < 0) {
                throw new HttpError(411, "send the image with a Content-Length");
            }
            if (request.getLength() == 0) {
                throw HttpError.badRequest("the upload is empty");
            }
            if (!projections.reserve()) {
                busy(response, callback, "busy: " + projections.maxRunning() + " projection(s) already under way");
                return;
            }
            Content.Source.asByteArrayAsync(request, MAX_UPLOAD_BYTES).whenCompleteAsync((bytes, failure) -> {
                if (failure != null) {
                    projections.release();
                    error(response, callback, 400, "cannot read the upload");
                    return;
                }
                try {
                    Projections.Job job = projections.start(bytes);
                    response.getHeaders().put(HttpHeader.LOCATION, PROJECT_PATH + "/" + job.id());
                    send(response, callback, 202, "application/json", "no-store", projections.statusJson(job));
                } catch (HttpError e) {
                    refuse(response, callback, e);
                } catch (RuntimeException e) {
                    LOG.error("upload failed", e);
                    error(response, callback, 500, "internal error: " + e.getClass().getSimpleName());
                }
            }, uploads);
        }

        /**
         * {@code GET /api/project/<id>} (progress), {@code .../target.png} (the preprocessed target) and
         * {@code .../projected_w.safetensors} (the latents, once done).
         */
        private void projection(String rest, String query, Response response, Callback callback) {
            QueryParameters.parse(query, Set.of());
            int slash = rest.indexOf('/');
            String id = slash < 0 ? rest : rest.substring(0, slash);
            String part = slash < 0 ? "" : rest.substring(slash + 1);
            Projections.Job job = projections.job(id);
            switch (part) {
                case "" -> send(response, callback, 200, "application/json", "no-store", projections.statusJson(job));
                case "target.png" -> send(response, callback, 200, "image/png", "private, max-age=3600", job.targetPng());
                case ProjectedLatents.FILE -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try {
                        projections.latents(id).write(out);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION,
                            "attachment; filename=\"" + ProjectedLatents.FILE + "\"");
                    send(response, callback, 200, "application/octet-stream", "no-store", out.toByteArray());
                }
                default -> throw new HttpError(404, "no such endpoint: " + QueryParameters.printable(PROJECT_PATH
                        + "/" + rest));
            }
        }

        /**
         * Refuses a state-changing request sent by a page of another origin (cross-site request forgery): a browser
         * always sends {@code Origin} with a POST, and it must name this server as the {@code Host} header does.
         */
        private static void checkSameOrigin(Request request) {
            String origin = request.getHeaders().get(HttpHeader.ORIGIN);
            String host = request.getHeaders().get(HttpHeader.HOST);
            if (origin != null && !origin.equalsIgnoreCase("http://" + host) && !origin.equalsIgnoreCase("https://" + host)) {
                throw new HttpError(403, "uploads from another origin are refused (Origin '"
                        + QueryParameters.printable(origin) + "')");
            }
        }

        private void image(ImageRequest.Kind kind, String query, Response response, Callback callback) {
            ImageRequest req = ImageRequest.parse(kind, QueryParameters.parse(query, ImageRequest.parameters(kind)),
                    numLayers, projections::latents);
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
                refuse(response, callback, e);
            } else if (cause instanceof StyleGanInputException e) {
                error(response, callback, 400, QueryParameters.printable(e.getMessage()));
            } else if (cause instanceof TimeoutException) {
                busy(response, callback, "busy: the image took too long");
            } else {
                LOG.error("rendering {} failed", req, cause);
                error(response, callback, 500, "internal error: " + cause.getClass().getSimpleName());
            }
        }

        private static void refuse(Response response, Callback callback, HttpError e) {
            if (e.status() == 503) {
                busy(response, callback, e.getMessage());
            } else {
                error(response, callback, e.status(), e.getMessage());
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
