package org.stylegan4j.web;

import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short load test (4 clients, 3 s) against a 16x16 network: answered requests, ordered percentiles, no failures. */
class LoadTestTest {

    @Test
    void fourClientsForThreeSeconds() throws Exception {
        try (Generator g = new Generator(ModelConfig.preset("small", 16), 0);
             ExplorerServer server = ExplorerServer.start(g, "127.0.0.1", 0)) {
            LoadTest.Result r = LoadTest.run(server.url(), 4, Duration.ofSeconds(3));
            assertEquals(4, r.clients());
            assertEquals(0, r.failed());
            assertTrue(r.ok() > 10, "answered " + r.ok());
            assertEquals(r.requests(), r.ok() + r.rejected() + r.failed());
            assertTrue(r.p50Ms() > 0 && r.p50Ms() <= r.p95Ms() && r.p95Ms() <= r.maxMs(), r.toString());
            assertTrue(r.singleRequestMs() > 0, r.toString());
            assertTrue(r.seconds() >= 3, r.toString());
        }
    }
}
