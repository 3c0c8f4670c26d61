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
    static final Path FIXTURES = Path.of("..", "stylegan4j-core", "src", "test", "resources", "org",
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
                "fid,ppl_wend,ppl_zend,ls", "--num", "300", "--batch", "100", "--no-cache", "--json", "--extractor",
                "digits", "--ppl-network", "digits", "--attributes", "digits");
        assertEquals(0, r.exit(), r.err());
        JsonNode o = JSON.readTree(r.out());
        for (String k : List.of("fid", "ppl_wend", "ppl_zend", "ls_z", "ls_w")) {
            assertTrue(o.get(k).isNumber() && Double.isFinite(o.get(k).asDouble()), k + " in " + r.out());
        }
        assertTrue(o.get("fid").asDouble() > 0);
        assertEquals("digits (the bundled classifier's 256 features)", o.get("networks").get("features").asText());
        assertEquals("as stored (auto: no config.json beside the network says --mirror)", o.get("networks").get("reals").asText());
        assertTrue(o.get("networks").get("ppl").asText().startsWith("digits"), r.out());
        assertTrue(o.get("networks").get("attributes").asText().startsWith("digits"), r.out());
        assertTrue(o.get("ls_z").asDouble() >= 1 && o.get("ls_w").asDouble() >= 1, "2^H >= 1");
        List<String> lines = Files.readAllLines(net.getParent().resolve("metrics.jsonl"));
        assertEquals(1, lines.size());
        assertEquals(o.get("fid").asDouble(), JSON.readTree(lines.get(0)).get("fid").asDouble(), 0.0);
        CliTest.Run again = CliTest.run("metrics", "--network", net.toString(), "--metrics", "ppl_wend", "--num", "20",
                "--batch", "10", "--ppl-network", "digits");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().startsWith("ppl_wend"), again.out());
        assertEquals(2, Files.readAllLines(net.getParent().resolve("metrics.jsonl")).size());
        Files.writeString(net.getParent().resolve("config.json"), "{\"mirror\": true}");
        CliTest.Run mirrored = CliTest.run("metrics", "--network", net.toString(), "--data", MNIST, "--metrics", "kid",
                "--num", "40", "--batch", "20", "--no-cache", "--json", "--extractor", "digits");
        assertEquals(0, mirrored.exit(), mirrored.err());
        assertEquals("flipped at random (auto: the network's run trained with --mirror)",
                JSON.readTree(mirrored.out()).get("networks").get("reals").asText());
    }

    @Test
    void sameSeedGivesTheSameResult() throws IOException {
        String[] args = {"metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics",
            "ppl_zfull", "--num", "16", "--batch", "8", "--seed", "5", "--json", "--ppl-network", "digits"};
        CliTest.Run a = CliTest.run(args);
        CliTest.Run b = CliTest.run(args);
        assertEquals(0, a.exit(), a.err());
        double first = JSON.readTree(a.out()).get("ppl_zfull").asDouble();
        assertTrue(first > 0, a.out());
        assertEquals(first, JSON.readTree(b.out()).get("ppl_zfull").asDouble(), 0.0);
    }

    @Test
    void eachNetworkHasItsOwnInputAndPplIsTheSameBesideAUint8FeatureNetwork() throws IOException {
        String ppl = FIXTURES.resolve("pair_distance.pt").toString();
        String[] alone = {"metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics", "ppl_wend",
            "--num", "40", "--batch", "20", "--seed", "2", "--json", "--ppl-network", ppl, "--ppl-input", "float255"};
        CliTest.Run a = CliTest.run(alone);
        assertEquals(0, a.exit(), a.err());
        List<String> together = new java.util.ArrayList<>(List.of(alone));
        together.set(7, "kid,ppl_wend");
        together.addAll(List.of("--data", MNIST, "--no-cache", "--extractor",
                FIXTURES.resolve("mean_features.pt").toString(), "--extractor-input", "uint8"));
        CliTest.Run b = CliTest.run(together.toArray(String[]::new));
        assertEquals(0, b.exit(), b.err());
        JsonNode first = JSON.readTree(a.out());
        JsonNode second = JSON.readTree(b.out());
        assertTrue(first.get("ppl_wend").asDouble() > 0, a.out());
        assertEquals(first.get("ppl_wend").asDouble(), second.get("ppl_wend").asDouble(), 0.0);
        assertEquals(ppl + " (float255 input)", second.get("networks").get("ppl").asText());
        assertEquals("off (auto: not an RGB network of 256x256 or more)", second.get("networks").get("ppl_crop").asText());
        together.add("--ppl-crop");
        JsonNode cropped = JSON.readTree(CliTest.run(together.toArray(String[]::new)).out());
        assertEquals("on", cropped.get("networks").get("ppl_crop").asText());
        assertTrue(cropped.get("ppl_wend").asDouble() != first.get("ppl_wend").asDouble(), "the crop changes the images");
        assertEquals(FIXTURES.resolve("mean_features.pt") + " (uint8 input)", second.get("networks").get("features").asText());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        CliTest.Run r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32",
                "--metrics", "fid,ppl", "--data", MNIST);
        assertEquals(2, r.exit());
        assertEquals("error: unknown metric 'ppl' (known: fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls)",
                r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST,
                "--num", "100", "--no-cache", "--extractor", "digits");
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
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST);
        assertEquals(2, r.exit());
        assertEquals("error: fid and kid need a feature network: pass --extractor FILE (TorchScript) or --extractor "
                + "digits (the bundled digit networks, for 32x32 grayscale images)", r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "16", "--metrics", "ppl_wend",
                "--ppl-network", "digits");
        assertEquals(2, r.exit());
        assertEquals("error: --ppl-network digits needs a 32x32 grayscale network; this one makes 16x16 images with 1 "
                + "channel(s)", r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics", "ppl_wend",
                "--ppl-network", FIXTURES.resolve("pair_distance.pt").toString(), "--network-input", "uint8");
        assertEquals(2, r.exit());
        assertTrue(r.err().strip().startsWith("error: the path-length network takes float input"), r.err());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics", "ls",
                "--attributes", "digits", "--attributes-input", "int4");
        assertEquals("error: unknown network input 'int4' (known: float, float255, uint8)", r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics", "ppl_wend",
                "--ppl-network", "digits", "--ppl-crop", "maybe");
        assertEquals("error: --ppl-crop must be on, off or auto, got 'maybe'", r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST,
                "--extractor", FIXTURES.resolve("mean_features.pt").toString(), "--metrics", "kid", "--num", "40");
        assertEquals(0, r.exit(), r.err());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--metrics", "fid");
        assertEquals(2, r.exit());
        assertEquals("error: fid and kid need real images: pass --data", r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST,
                "--extractor", "digits", "--reals", "most");
        assertEquals(2, r.exit());
        assertEquals("error: --reals must be a count of at least 2 or all, got 'most'", r.err().strip());
    }

    @Test
    void aNetworkThatRefusesTheInputConventionIsOneLineNamingTheOption() {
        String uint8 = FIXTURES.resolve("uint8_only.pt").toString();
        CliTest.Run r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data",
                MNIST, "--metrics", "kid", "--num", "20", "--no-cache", "--extractor", uint8);
        assertEquals(2, r.exit());
        assertEquals("error: " + uint8 + " failed on its first batch of float input (RuntimeError: \"bitwise_not_cpu\" "
                + "not implemented for 'Float'); if it takes another input, set --extractor-input (float, float255 or "
                + "uint8)", r.err().strip());
        r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data", MNIST,
                "--metrics", "kid", "--num", "20", "--reals", "30", "--no-cache", "--json", "--extractor", uint8,
                "--extractor-input", "uint8");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"features\":\"" + uint8 + " (uint8 input)\""), r.out());
    }

    @Test
    void anExtractorWithReturnFeaturesIsCalledForItsFeatures() throws IOException {
        String file = FIXTURES.resolve("return_features.pt").toString();
        CliTest.Run r = CliTest.run("metrics", "--random-init", "--preset", "small", "--resolution", "32", "--data",
                MNIST, "--metrics", "kid", "--num", "20", "--no-cache", "--json", "--extractor", file);
        assertEquals(0, r.exit(), r.err());
        assertEquals(file + " (float input, forward(x, return_features=True))",
                JSON.readTree(r.out()).get("networks").get("features").asText());
    }
}
