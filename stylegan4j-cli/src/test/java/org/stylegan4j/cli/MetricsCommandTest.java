package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stylegan4j metrics}: results, JSON, metrics.jsonl in a run directory, and one-line errors with exit 2. */
class MetricsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MNIST = "../data/mnist32.zip";
    private static final Path FIXTURES = Path.of("..", "stylegan4j-core", "src", "test", "resources", "org",
            "stylegan4j", "metrics");

    @TempDir
    Path dir;

    private Path runWithNetwork() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("config.json"), "{}");
        Files.writeString(run.resolve("log.jsonl"), "");
        Path net = run.resolve("network-snapshot-000004.safetensors");
        ModelConfig config = ModelConfig.preset("small", 32);
        try (Generator g = new Generator(config, 3)) {
            Checkpoint.save(net, config, Map.of(Checkpoint.G_EMA, g.parameters()), Map.of());
        }
        return net;
    }

    @Test
    void jsonResultsAreAppendedToTheRunsMetricsFile() throws IOException {
        Path net = runWithNetwork();
        CliTest.Run r = CliTest.run("metrics", "--network", net.toString(), "--data", MNIST, "--metrics",
                "fid,ppl_wend,ppl_zend,ls", "--num", "300", "--batch", "100", "--no-cache", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode o = JSON.readTree(r.out());
        for (String k : List.of("fid", "ppl_wend", "ppl_zend", "ls_z", "ls_w")) {
            assertTrue(o.get(k).isNumber() && Double.isFinite(o.get(k).asDouble()), k + " in " + r.out());
        }
        assertTrue(o.get("fid").asDouble() > 0);
        assertTrue(o.get("ls_z").asDouble() >= 1 && o.get("ls_w").asDouble() >= 1, "2^H >= 1");
        List<String> lines = Files.readAllLines(net.getParent().resolve("metrics.jsonl"));
        assertEquals(1, lines.size());
        assertEquals(o.get("fid").asDouble(), JSON.readTree(lines.get(0)).get("fid").asDouble(), 0.0);
        CliTest.Run again = CliTest.run("metrics", "--network", net.toString(), "--metrics", "ppl_wend", "--num", "20",
                "--batch", "10");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().startsWith("ppl_wend"), again.out());
        assertEquals(2, Files.readAllLines(net.getParent().resolve("metrics.jsonl")).size());
    }

    @Test
    void sameSeedGivesTheSameResult() throws IOException {
        String[] args = {"metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics",
            "ppl_zfull", "--num", "16", "--batch", "8", "--seed", "5", "--json"};
        CliTest.Run a = CliTest.run(args);
        CliTest.Run b = CliTest.run(args);
        assertEquals(0, a.exit(), a.err());
        double first = JSON.readTree(a.out()).get("ppl_zfull").asDouble();
        assertTrue(first > 0, a.out());
        assertEquals(first, JSON.readTree(b.out()).get("ppl_zfull").asDouble(), 0.0);
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        CliTest.Run r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32",
                "--metrics", "fid,ppl", "--data", MNIST);
        assertEquals(2, r.exit());
        assertEquals("error: unknown metric 'ppl' (known: fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls)",
                r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST,
                "--num", "100", "--no-cache");
        assertEquals(2, r.exit());
        assertTrue(r.err().strip().startsWith("error: FID needs more samples than features: --num 100"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST,
                "--extractor", FIXTURES.resolve("not_torchscript.pt").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().strip().matches("error: .*not_torchscript.pt is not a TorchScript file.*"), r.err());
        Path text = Files.writeString(dir.resolve("model.pt"), "hello");
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics", "ppl_wend",
                "--ppl-network", text.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().strip().matches("error: .*model.pt is not a TorchScript file.*"), r.err());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "16", "--data", MNIST);
        assertEquals(2, r.exit());
        assertTrue(r.err().strip().startsWith("error: fid and kid on 16x16 images need a feature network"), r.err());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST,
                "--extractor", FIXTURES.resolve("mean_features.pt").toString(), "--metrics", "kid", "--num", "40");
        assertEquals(0, r.exit(), r.err());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics", "fid");
        assertEquals(2, r.exit());
        assertEquals("error: fid and kid need real images: pass --data", r.err().strip());
    }
}
