package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve} refusals and a one-second {@code bench serve}. */
class ServeCommandTest {

    @Test
    void benchServeReportsLatencies() throws Exception {
        CliTest.Run r = CliTest.run("bench", "serve", "--random-init", "--preset", "small", "--resolution", "8",
                "--clients", "2", "--seconds", "1", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2, json.get("clients").asInt());
        assertTrue(json.get("ok").asLong() > 0, r.out());
        assertEquals(0, json.get("failed").asLong());
        assertTrue(json.get("p50Ms").asDouble() <= json.get("p95Ms").asDouble(), r.out());
    }

    @Test
    void badPortsAreInputErrors() throws Exception {
        CliTest.Run range = CliTest.run("serve", "--random-init", "--preset", "small", "--resolution", "8", "--port", "70000");
        assertEquals(2, range.exit());
        assertTrue(range.err().contains("port must be between 0 and 65535"), range.err());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliTest.Run busy = CliTest.run("serve", "--random-init", "--preset", "small", "--resolution", "8",
                    "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(2, busy.exit());
            assertTrue(busy.err().startsWith("error: cannot serve on 127.0.0.1:" + taken.getLocalPort()), busy.err());
        }
        CliTest.Run workers = CliTest.run("serve", "--random-init", "--preset", "small", "--resolution", "8", "--workers", "0");
        assertEquals(2, workers.exit());
        assertTrue(workers.err().contains("workers must be between 1 and 16"), workers.err());
    }

    @Test
    void badProjectionSettingsAreInputErrors() throws Exception {
        String[][] cases = {
            {"--project-steps", "0"}, {"--project-space", "z"}, {"--mse", "--digits-distance"}, {"--digits-distance"},
            {"--projections-kept", "0"},
        };
        String[] expected = {
            "--project-steps must be in [1, 1000000], got 0", "--project-space must be w or w+, got 'z'",
            "choose one distance: --lpips FILE", "--digits-distance needs a 1-channel 32x32 network, this one is 8x8",
            "projections kept must be between 1 and 1024, got 0",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[7 + cases[i].length];
            System.arraycopy(new String[] {"serve", "--random-init", "--preset", "small", "--resolution", "8", "--port=0"},
                    0, args, 0, 7);
            System.arraycopy(cases[i], 0, args, 7, cases[i].length);
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.exit(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().contains(expected[i]), r.err());
        }
    }
}
