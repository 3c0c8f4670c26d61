package org.stylegan4j.web;

import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many requests at once against one inference thread and a queue of 2: the excess gets 503 with Retry-After, the rest images. */
class OverloadTest {

    @Test
    void excessRequestsGet503WithRetryAfterAndTheServerRecovers() throws Exception {
        ExplorerServer.Options options = new ExplorerServer.Options(1, 2, Duration.ofSeconds(60), 256);
        try (Generator g = new Generator(ModelConfig.preset("ffhq", 32), 2);
             ExplorerServer server = ExplorerServer.start(g, "127.0.0.1", 0, options)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = server.url();
            List<CompletableFuture<HttpResponse<byte[]>>> replies = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/generate?seed=" + i)).timeout(Duration.ofSeconds(120)).build();
                replies.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()));
            }
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<HttpResponse<byte[]>> f : replies) {
                HttpResponse<byte[]> r = f.join();
                if (r.statusCode() == 200) {
                    ok++;
                    assertEquals("image/png", r.headers().firstValue("content-type").orElse(""));
                } else {
                    assertEquals(503, r.statusCode(), new String(r.body()));
                    assertEquals("1", r.headers().firstValue("retry-after").orElse(""));
                    assertTrue(new String(r.body()).startsWith("{\"error\":\"busy"));
                    busy++;
                }
            }
            assertTrue(ok >= 3, "the thread and the queue were served: " + ok);
            assertTrue(busy > 0, "some requests were refused: ok " + ok);
            assertEquals(48, ok + busy);
            HttpResponse<byte[]> after = http.send(HttpRequest.newBuilder(base.resolve("/api/generate?seed=1")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, after.statusCode());
        }
    }
}
