package org.stylegan4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The explorer's API on a 16x16 random-init network: images, determinism, and JSON refusals. */
class ExplorerApiTest {

    private static Generator generator;
    private static ExplorerServer server;

    @BeforeAll
    static void start() {
        generator = new Generator(ModelConfig.preset("small", 16), 3);
        withNoiseWeights(generator, 0.5f);
        server = ExplorerServer.start(generator, "127.0.0.1", 0);
    }

    /** Noise strengths start at zero; a trained network has non-zero ones, so the noise tests set them. */
    static void withNoiseWeights(Generator g, float value) {
        for (ParameterStore.Parameter p : g.parameters().all()) {
            if (p.name().endsWith(".Noise.weight")) {
                float[] v = new float[(int) p.size()];
                Arrays.fill(v, value);
                Tensors.copyInto(p.array(), v);
            }
        }
    }

    @AfterAll
    static void stop() {
        server.stop();
        generator.close();
    }

    private static byte[] png(String pathAndQuery) throws IOException {
        return RawHttp.png(server.port(), pathAndQuery);
    }

    @Test
    void infoDescribesLayersAndBands() throws IOException {
        RawHttp.Reply r = RawHttp.get(server.port(), "/api/info");
        assertEquals(200, r.status());
        assertEquals("application/json", r.header("content-type"));
        JsonNode info = new ObjectMapper().readTree(r.body());
        assertEquals(16, info.get("resolution").asInt());
        assertEquals(6, info.get("numLayers").asInt());
        assertEquals(6, info.get("layers").size());
        assertEquals(16, info.get("layers").get(5).get("resolution").asInt());
        assertEquals("0-3", info.get("bands").get("coarse").get("layers").asText());
        assertEquals(4, info.get("bands").get("middle").get("from").asInt());
        assertEquals(6, info.get("bands").get("middle").get("to").asInt());
        assertTrue(info.get("bands").get("fine").isNull());
        assertEquals(6, info.get("defaults").get("cutoff").asInt());
        assertEquals(4294967295L, info.get("limits").get("seedMax").asLong());
    }

    @Test
    void infoReportsTheLastMetricsOfTheNetworksTrainingRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path run)
            throws IOException {
        assertTrue(new ObjectMapper().readTree(RawHttp.get(server.port(), "/api/info").body()).get("metrics").isNull());
        java.nio.file.Files.writeString(run.resolve("metrics.jsonl"), "{\"tick\":10,\"kimg\":40.0,\"fid\":30.5}\n"
                + "{\"network\":\"n.safetensors\",\"fid\":3.0}\n{\"tick\":20,\"kimg\":80.0,\"fid\":12.25,\"kid\":0.5}\n");
        try (ExplorerServer withRun = ExplorerServer.start(generator, run, "127.0.0.1", 0, ExplorerServer.Options.defaults())) {
            JsonNode metrics = new ObjectMapper().readTree(RawHttp.get(withRun.port(), "/api/info").body()).get("metrics");
            assertEquals(80.0, metrics.get("kimg").asDouble());
            assertEquals(12.25, metrics.get("fid").asDouble());
            assertEquals(0.5, metrics.get("kid").asDouble());
        }
    }

    @Test
    void generateIsAPngOfTheNetworkSizeAndDeterministic() throws IOException {
        byte[] a = png("/api/generate?seed=42&psi=0.7");
        BufferedImage image = RawHttp.decode(a);
        assertEquals(16, image.getWidth());
        assertEquals(16, image.getHeight());
        assertArrayEquals(a, png("/api/generate?seed=42&psi=0.7"));
        assertArrayEquals(a, png("/api/generate?psi=0.70&seed=42&noise=const&cutoff=6"));
        assertFalse(Arrays.equals(a, png("/api/generate?seed=43&psi=0.7")));
        assertFalse(Arrays.equals(a, png("/api/generate?seed=42&psi=0.7&noise=none")));
        assertArrayEquals(png("/api/generate?seed=4294967295&noise=seeded"), png("/api/generate?seed=4294967295&noise=seeded"));
    }

    @Test
    void psiZeroOnEveryLayerDrawsTheAverageWhateverTheSeed() throws IOException {
        assertArrayEquals(png("/api/generate?seed=1&psi=0&cutoff=6&noise=none"),
                png("/api/generate?seed=987654&psi=0&cutoff=6&noise=none"));
    }

    @Test
    void zeroStrengthEqualsNoNoiseAndBandsScaleTheirLayers() throws IOException {
        byte[] none = png("/api/generate?seed=5&noise=none");
        assertArrayEquals(none, png("/api/generate?seed=5&noise=const&noiseStrength=0"));
        assertArrayEquals(none, png("/api/generate?seed=5&noise=random&noiseStrength=coarse:0,middle:0"));
        assertArrayEquals(none, png("/api/generate?seed=5&noiseStrength=0,0,0,0,0,0"));
        assertFalse(Arrays.equals(none, png("/api/generate?seed=5&noiseStrength=coarse:0,middle:3")));
    }

    @Test
    void mixingEveryLayerFromBDrawsB() throws IOException {
        byte[] b = png("/api/generate?seed=9&psi=0.5");
        assertArrayEquals(b, png("/api/mix?a=8&b=9&styles=0-5&psi=0.5"));
        assertArrayEquals(b, png("/api/mix?a=8&b=9&styles=0-&psi=0.5"));
        byte[] coarse = png("/api/mix?a=8&b=9&styles=coarse&psi=0.5");
        assertEquals(16, RawHttp.decode(coarse).getWidth());
        assertFalse(Arrays.equals(b, coarse));
        assertArrayEquals(coarse, png("/api/mix?a=8&b=9&styles=0-3&psi=0.5"));
    }

    @Test
    void interpolationEndsAreTheSeeds() throws IOException {
        assertArrayEquals(png("/api/generate?seed=11"), png("/api/interpolate?a=11&b=12&t=0"));
        assertArrayEquals(png("/api/generate?seed=12"), png("/api/interpolate?a=11&b=12&t=1&space=z"));
        byte[] mid = png("/api/interpolate?a=11&b=12&t=0.5&space=w");
        assertEquals(16, RawHttp.decode(mid).getHeight());
        assertArrayEquals(mid, png("/api/interpolate?a=11&b=12&t=0.5&space=w"));
    }

    @Test
    void staticPageIsServedWithAPolicy() throws IOException {
        RawHttp.Reply page = RawHttp.get(server.port(), "/");
        assertEquals(200, page.status());
        assertTrue(page.header("content-type").startsWith("text/html"));
        assertTrue(page.text().contains("<script src=\"app.js\"></script>"));
        assertTrue(page.header("content-security-policy").contains("default-src 'self'"));
        assertEquals(200, RawHttp.get(server.port(), "/app.js").status());
        assertEquals(200, RawHttp.get(server.port(), "/style.css?v=2").status());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/api/generate|400",
        "/api/generate?seed=|400",
        "/api/generate?seed=-1|400",
        "/api/generate?seed=4294967296|400",
        "/api/generate?seed=99999999999999999999999|400",
        "/api/generate?seed=1.5|400",
        "/api/generate?seed=abc|400",
        "/api/generate?seed=1&seed=2|400",
        "/api/generate?seed=1&batch=64|400",
        "/api/generate?seed=1&psi=2.5|400",
        "/api/generate?seed=1&psi=-2.01|400",
        "/api/generate?seed=1&psi=NaN|400",
        "/api/generate?seed=1&psi=Infinity|400",
        "/api/generate?seed=1&psi=1e300|400",
        "/api/generate?seed=1&psi=0x1p1|400",
        "/api/generate?seed=1&cutoff=7|400",
        "/api/generate?seed=1&cutoff=-1|400",
        "/api/generate?seed=1&noise=loud|400",
        "/api/generate?seed=1&noiseStrength=1,2|400",
        "/api/generate?seed=1&noiseStrength=11|400",
        "/api/generate?seed=1&noiseStrength=-1|400",
        "/api/generate?seed=1&noiseStrength=ultra:1|400",
        "/api/generate?seed=1&noiseStrength=fine:0|400",
        "/api/generate?seed=1&noiseStrength=coarse:1,2|400",
        "/api/generate?seed=%zz|400",
        "/api/mix?a=1&b=2|400",
        "/api/mix?a=1&b=2&styles=ultra|400",
        "/api/mix?a=1&b=2&styles=fine|400",
        "/api/mix?a=1&b=2&styles=0-99|400",
        "/api/mix?a=1&b=2&styles=3-1|400",
        "/api/mix?a=1&styles=coarse|400",
        "/api/interpolate?a=1&b=2|400",
        "/api/interpolate?a=1&b=2&t=1.5|400",
        "/api/interpolate?a=1&b=2&t=0.5&space=q|400",
        "/api/info?x=1|400",
        "/api/nothing|404",
        "/api|404",
        "/etc/passwd|404",
        "/static/../../pom.xml|400",
        "/static/pom.xml|404",
        "/index.html/../../../../etc/passwd|400",
        "/../../etc/passwd|400",
        "/%2e%2e/%2e%2e/etc/passwd|400",
        "/..%2f..%2fetc%2fpasswd|400",
        "/app.js%00|400",
    })
    void badRequestsGetJsonErrors(String path, int status) throws IOException {
        RawHttp.Reply r = RawHttp.get(server.port(), path);
        assertEquals(status, r.status(), () -> path + ": " + r.text());
        assertEquals("application/json", r.header("content-type"), path);
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertFalse(body.get("error").asText().isBlank(), path);
    }

    @Test
    void otherMethodsAndBodiesAreRefused() throws IOException {
        RawHttp.Reply post = RawHttp.send(server.port(), ("POST /api/generate?seed=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(405, post.status());
        assertEquals("GET", post.header("allow"));
        RawHttp.Reply big = RawHttp.send(server.port(), ("POST /api/generate?seed=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(413, big.status());
        assertTrue(big.text().contains("\"error\""));
        RawHttp.Reply chunked = RawHttp.send(server.port(), ("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(411, chunked.status());
        RawHttp.Reply hugeHeader = RawHttp.send(server.port(), ("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Big: "
                + "a".repeat(20_000) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(431, hugeHeader.status());
        assertEquals("application/json", hugeHeader.header("content-type"));
        assertEquals(200, RawHttp.get(server.port(), "/api/info").status());
    }
}
