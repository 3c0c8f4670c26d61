package org.stylegan4j.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 18: slow clients cannot hold connections, and only allowed Host names are answered (DNS rebinding). */
class ExplorerHardeningTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofMillis(500);

    private static Generator generator;
    private static ExplorerServer server;

    @BeforeAll
    static void start() {
        generator = new Generator(ModelConfig.preset("small", 16), 3);
        server = ExplorerServer.start(generator, "127.0.0.1", 0, new ExplorerServer.Options(1, 8,
                Duration.ofSeconds(60), 256, HEADER_TIMEOUT, List.of("Explorer.LAN")));
    }

    @AfterAll
    static void stop() {
        server.stop();
        generator.close();
    }

    private static RawHttp.Reply getWithHost(String hostHeader) throws IOException {
        return RawHttp.send(server.port(), ("GET /api/info HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void foreignHostNamesGet421() throws IOException {
        RawHttp.Reply r = getWithHost("attacker.example:" + server.port());
        assertEquals(421, r.status());
        assertEquals("application/json", r.header("content-type"));
        assertEquals("{\"error\":\"host 'attacker.example:" + server.port() + "' is not served here (allow it with "
                + "serve --allowed-host)\"}", r.text());
        for (String ok : List.of("127.0.0.1:" + server.port(), "localhost", "LOCALHOST:" + server.port(),
            "[::1]:" + server.port(), "explorer.lan:" + server.port())) {
            assertEquals(200, getWithHost(ok).status(), ok);
        }
    }

    @Test
    void missingHostIs400() throws IOException {
        RawHttp.Reply r = RawHttp.send(server.port(), "GET /api/info HTTP/1.0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, r.status());
        assertEquals("{\"error\":\"missing Host header\"}", r.text());
    }

    @Test
    void clientTricklingHeadersIsCutOff() throws Exception {
        long start = System.nanoTime();
        boolean closed = false;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(100);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 100 && !closed; i++) {
                try {
                    out.write(("X-Slow-" + i + ": x\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    closed = in.read() < 0;
                } catch (java.net.SocketTimeoutException e) {
                    closed = false;
                } catch (SocketException e) {
                    closed = true;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(closed, "the trickling connection stayed open for " + seconds + " s");
        assertTrue(seconds < 4 * HEADER_TIMEOUT.toMillis() / 1000.0, "closed after " + seconds + " s");
        assertEquals(200, RawHttp.get(server.port(), "/api/info").status());
    }
}
