package org.stylegan4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.projection.ProjectedLatents;
import org.stylegan4j.projection.Projector;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Uploaded images projected by the explorer (issue 23) on a 16x16 random-init network with a few steps: the upload,
 * its progress, its use as a source of every image endpoint (bit-identical to {@code generate --projected-w}), the
 * refusals, a busy pool and the bound on kept projections.
 */
class ProjectionApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STEPS = 6;

    private static Generator generator;
    private static ExplorerServer server;

    @BeforeAll
    static void start() {
        generator = new Generator(ModelConfig.preset("small", 16), 3);
        ExplorerApiTest.withNoiseWeights(generator, 0.5f);
        server = ExplorerServer.start(generator, "127.0.0.1", 0, options(2, 8, Projector.Space.W_PLUS, STEPS, 3));
    }

    @AfterAll
    static void stop() {
        server.stop();
        generator.close();
    }

    /** Server options with a fast projector (few steps, a small sample for the average w) and pixel MSE. */
    static ExplorerServer.Options options(int workers, int queue, Projector.Space space, int steps, int kept) {
        Projector.Options fast = new Projector.Options(space, steps, 0.1, 0.05, 0.25, 0.05, 0.75, 1e5, 256, 303);
        return new ExplorerServer.Options(workers, queue, Duration.ofSeconds(60), 256)
                .withProjection(ProjectionSettings.pixelDistance(fast, kept));
    }

    /** A width x height RGB image with a colour gradient, encoded as {@code format}. */
    static byte[] image(int width, int height, String format) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 128);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    /**
     * POSTs a body to a path with extra header lines (each ending in CRLF); sent again, up to twice, when no reply
     * arrives (a server that refuses a request before reading its body may lose the reply to a reset, see
     * {@link FuzzTest}).
     */
    static RawHttp.Reply post(int port, String path, String headers, byte[] body) throws IOException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n" + headers
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return RawHttp.send(port, request);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Uploads a PNG as a page of this server would, expecting 202, and returns the projection's status. */
    static JsonNode upload(int port, byte[] png) throws IOException {
        RawHttp.Reply r = post(port, "/api/project", "Content-Type: image/png\r\nOrigin: http://127.0.0.1:" + port
                + "\r\n", png);
        assertEquals(202, r.status(), r.text());
        assertEquals("application/json", r.header("content-type"));
        JsonNode job = JSON.readTree(r.body());
        assertEquals("/api/project/" + job.get("id").asText(), r.header("location"));
        return job;
    }

    /** Polls a projection until it is done (failing on a failure or after a minute). */
    static JsonNode awaitDone(int port, String id) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            RawHttp.Reply r = RawHttp.get(port, "/api/project/" + id);
            assertEquals(200, r.status(), r.text());
            JsonNode job = JSON.readTree(r.body());
            switch (job.get("state").asText()) {
                case "done" -> {
                    return job;
                }
                case "failed" -> fail("projection failed: " + job.get("error").asText());
                default -> Thread.sleep(50);
            }
        }
        throw new AssertionError("projection " + id + " not done within a minute");
    }

    private static byte[] png(String pathAndQuery) throws IOException {
        return RawHttp.png(server.port(), pathAndQuery);
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static void assertJsonError(RawHttp.Reply r, int status, String containing) throws IOException {
        assertEquals(status, r.status(), r.text());
        assertEquals("application/json", r.header("content-type"));
        String error = JSON.readTree(r.body()).get("error").asText();
        assertTrue(error.contains(containing), error);
    }

    @Test
    void uploadIsProjectedAndThenDrawsLikeASeed(@TempDir Path dir) throws Exception {
        JsonNode queued = upload(server.port(), image(40, 24, "png"));
        String id = queued.get("id").asText();
        assertTrue(id.matches("[0-9a-f]{16}"), id);
        assertEquals("p" + id, queued.get("source").asText());
        assertEquals(STEPS, queued.get("steps").asInt());
        assertTrue(List.of("queued", "running").contains(queued.get("state").asText()), queued.toString());

        JsonNode done = awaitDone(server.port(), id);
        assertEquals(STEPS, done.get("step").asInt());
        assertTrue(done.get("distance").isNumber() && done.get("distance").asDouble() >= 0, done.toString());
        assertTrue(done.get("error").isNull());
        assertEquals("w+", done.get("space").asText());

        BufferedImage target = RawHttp.decode(png("/api/project/" + id + "/target.png"));
        assertEquals(16, target.getWidth());
        assertEquals(16, target.getHeight());

        RawHttp.Reply file = RawHttp.get(server.port(), done.get("latents").asText());
        assertEquals(200, file.status(), file.text());
        Path saved = Files.write(dir.resolve(ProjectedLatents.FILE), file.body());
        ProjectedLatents latents = ProjectedLatents.load(saved);
        assertArrayEquals(new long[] {1, 6, generator.config().dlatentSize()}, latents.ws().shape());
        List<float[]> perLayer = latents.perLayerWs();
        int d = generator.config().dlatentSize();
        assertFalse(Arrays.equals(Arrays.copyOfRange(perLayer.get(0), 0, d), Arrays.copyOfRange(perLayer.get(0), d, 2 * d)),
                "a W+ projection has one w per layer");

        String p = "p" + id;
        byte[] projected = png("/api/generate?seed=" + p + "&psi=1");
        assertArrayEquals(pixels(latents.image(generator, 0)), pixels(RawHttp.decode(projected)),
                "generate of a projection at psi 1 draws what generate --projected-w draws");
        assertFalse(Arrays.equals(projected, png("/api/generate?seed=" + p + "&psi=1&noise=none")),
                "const noise is the projection's own maps");
        assertFalse(Arrays.equals(projected, png("/api/generate?seed=" + p)), "psi 0.7 truncates a projection too");
        assertEquals(200, RawHttp.get(server.port(), "/api/generate?seed=" + p + "&noise=seeded").status());

        byte[] mixed = png("/api/mix?a=" + p + "&b=7&styles=coarse&psi=1");
        assertEquals(16, RawHttp.decode(mixed).getWidth());
        assertFalse(Arrays.equals(projected, mixed));
        assertArrayEquals(png("/api/generate?seed=" + p + "&psi=1&noise=none"),
                png("/api/mix?a=7&b=" + p + "&styles=0-5&psi=1&noise=none"), "every layer from b draws b");

        assertArrayEquals(png("/api/generate?seed=" + p), png("/api/interpolate?a=" + p + "&b=7&t=0"));
        assertArrayEquals(png("/api/generate?seed=7"), png("/api/interpolate?a=" + p + "&b=7&t=1"));
        assertArrayEquals(png("/api/generate?seed=" + p), png("/api/interpolate?a=9&b=" + p + "&t=1&space=w"));
        byte[] middle = png("/api/interpolate?a=" + p + "&b=7&t=0.5");
        assertArrayEquals(middle, png("/api/interpolate?a=" + p + "&b=7&t=0.5&space=w"), "projections interpolate in w");
        assertFalse(Arrays.equals(middle, png("/api/generate?seed=" + p)));
        assertJsonError(RawHttp.get(server.port(), "/api/interpolate?a=" + p + "&b=7&t=0.5&space=z"), 400,
                "a projection has no z");
    }

    @Test
    void aJpegUploadInWIsProjectedToo() throws Exception {
        try (ExplorerServer w = ExplorerServer.start(generator, "127.0.0.1", 0, options(1, 8, Projector.Space.W, 3, 4))) {
            RawHttp.Reply r = post(w.port(), "/api/project", "Content-Type: image/jpeg\r\n", image(16, 16, "jpg"));
            assertEquals(202, r.status(), r.text());
            JsonNode done = awaitDone(w.port(), JSON.readTree(r.body()).get("id").asText());
            assertEquals("w", done.get("space").asText());
            RawHttp.Reply drawn = RawHttp.get(w.port(), "/api/generate?seed=" + done.get("source").asText());
            assertEquals(200, drawn.status(), drawn.text());
        }
    }

    @Test
    void infoDescribesTheProjections() throws IOException {
        JsonNode projection = JSON.readTree(RawHttp.get(server.port(), "/api/info").body()).get("projection");
        assertEquals(STEPS, projection.get("steps").asInt());
        assertEquals("w+", projection.get("space").asText());
        assertEquals("mse", projection.get("distance").asText());
        assertEquals(ExplorerServer.MAX_UPLOAD_BYTES, projection.get("maxUploadBytes").asLong());
        assertEquals(1, projection.get("maxRunning").asInt());
        assertEquals(3, projection.get("maxStored").asInt());
    }

    @Test
    void badUploadsGetOneJsonError() throws IOException {
        int port = server.port();
        byte[] png = image(16, 16, "png");
        RawHttp.Reply big = RawHttp.send(port, ("POST /api/project HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: image/png\r\nContent-Length: " + (ExplorerServer.MAX_UPLOAD_BYTES + 1) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertJsonError(big, 413, "larger than " + ExplorerServer.MAX_UPLOAD_BYTES);
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\n",
                "just some text, not an image".getBytes(StandardCharsets.UTF_8)), 415, "not a PNG or JPEG");
        assertJsonError(post(port, "/api/project", "Content-Type: text/plain\r\n", png), 415, "image/png or image/jpeg");
        assertJsonError(post(port, "/api/project", "", png), 415, "Content-Type");
        byte[] truncated = Arrays.copyOf(png, 40);
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\n", truncated), 400,
                "upload: not a readable PNG or JPEG image");
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\n", image(3, 30, "png")), 400,
                "upload: 3x30 is too small for a 16x16 network");
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4097, 4097, BufferedImage.TYPE_BYTE_GRAY), "png", huge);
        assertTrue(huge.size() < ExplorerServer.MAX_UPLOAD_BYTES, "a blank image compresses well: " + huge.size());
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\n", huge.toByteArray()), 400,
                "upload: a 4097x4097 image (16,785,409 pixels) exceeds the limit of 16,777,216 pixels");
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\n", new byte[0]), 400, "empty");
        assertJsonError(post(port, "/api/project?steps=5", "Content-Type: image/png\r\n", png), 400,
                "unknown parameter 'steps'");
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\nOrigin: http://attacker.example\r\n", png),
                403, "another origin");
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\nOrigin: null\r\n", png), 403,
                "another origin");
        assertJsonError(post(port, "/api/project", "Content-Type: image/png\r\nOrigin: http://127.0.0.1:1\r\n", png),
                403, "another origin");
    }

    @Test
    void methodsAndUnknownProjectionsAreRefused() throws IOException {
        int port = server.port();
        RawHttp.Reply get = RawHttp.get(port, "/api/project");
        assertJsonError(get, 405, "POST");
        assertEquals("POST", get.header("allow"));
        RawHttp.Reply postElsewhere = post(port, "/api/generate?seed=1", "Content-Type: image/png\r\n", new byte[] {1});
        assertJsonError(postElsewhere, 405, "GET");
        assertEquals("GET", postElsewhere.header("allow"));
        assertJsonError(post(port, "/api/project/0123456789abcdef", "Content-Type: image/png\r\n", new byte[] {1}), 405,
                "GET");
        RawHttp.Reply bigElsewhere = RawHttp.send(port, ("POST /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\nContent-Length: 2048\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertJsonError(bigElsewhere, 413, "larger than " + ExplorerServer.MAX_BODY_BYTES);
        for (String path : List.of("/api/project/0123456789abcdef", "/api/project/0123456789abcdef/target.png",
                "/api/project/0123456789abcdef/" + ProjectedLatents.FILE, "/api/project/nonsense",
                "/api/generate?seed=p0123456789abcdef", "/api/mix?a=1&b=p0123456789abcdef&styles=coarse",
                "/api/interpolate?a=p0123456789abcdef&b=1&t=0.5")) {
            assertJsonError(RawHttp.get(port, path), 404, "no projection");
        }
        assertJsonError(RawHttp.get(port, "/api/generate?seed=pXYZ"), 400, "or a projection p<id>");
    }

    @Test
    void aBusyPoolAnswers503AndStoppingCancelsTheProjection() throws Exception {
        ExplorerServer busy = ExplorerServer.start(generator, "127.0.0.1", 0,
                options(1, 0, Projector.Space.W, Projector.Options.MAX_STEPS, 4));
        try {
            int port = busy.port();
            String id = upload(port, image(16, 16, "png")).get("id").asText();
            long deadline = System.nanoTime() + 30_000_000_000L;
            JsonNode job = null;
            while (System.nanoTime() < deadline) {
                job = JSON.readTree(RawHttp.get(port, "/api/project/" + id).body());
                if (job.get("step").asInt() > 0) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals("running", job.get("state").asText(), job.toString());

            RawHttp.Reply second = post(port, "/api/project", "Content-Type: image/png\r\n", image(16, 16, "png"));
            assertJsonError(second, 503, "busy");
            assertEquals(Integer.toString(ExplorerServer.RETRY_AFTER_SECONDS), second.header("retry-after"));
            RawHttp.Reply image = RawHttp.get(port, "/api/generate?seed=1");
            assertJsonError(image, 503, "busy");
            assertEquals(Integer.toString(ExplorerServer.RETRY_AFTER_SECONDS), image.header("retry-after"));
            assertJsonError(RawHttp.get(port, "/api/generate?seed=p" + id), 409, "is running");
            assertJsonError(RawHttp.get(port, "/api/project/" + id + "/" + ProjectedLatents.FILE), 409, "is running");
            assertEquals(200, RawHttp.get(port, "/api/project/" + id + "/target.png").status());
        } finally {
            long start = System.nanoTime();
            busy.stop();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 10, "stopping waited " + seconds + " s for the projection");
        }
    }

    @Test
    void onlyTheLastProjectionsAreKept() throws Exception {
        try (ExplorerServer kept = ExplorerServer.start(generator, "127.0.0.1", 0,
                options(1, 8, Projector.Space.W, 2, 2))) {
            int port = kept.port();
            String first = awaitDone(port, upload(port, image(16, 16, "png")).get("id").asText()).get("id").asText();
            String second = awaitDone(port, upload(port, image(20, 16, "png")).get("id").asText()).get("id").asText();
            assertEquals(200, RawHttp.get(port, "/api/generate?seed=p" + first).status());
            String third = awaitDone(port, upload(port, image(16, 20, "png")).get("id").asText()).get("id").asText();
            assertJsonError(RawHttp.get(port, "/api/project/" + second), 404, "the server keeps the last 2");
            assertJsonError(RawHttp.get(port, "/api/generate?seed=p" + second), 404, "no projection");
            assertEquals(200, RawHttp.get(port, "/api/project/" + first).status());
            assertEquals(200, RawHttp.get(port, "/api/generate?seed=p" + third).status());
        }
    }
}
