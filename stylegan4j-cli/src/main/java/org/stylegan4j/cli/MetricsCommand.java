package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.digits.DigitAttributes;
import org.stylegan4j.digits.DigitClassifier;
import org.stylegan4j.digits.DigitFeatures;
import org.stylegan4j.digits.DigitPerceptualDistance;
import org.stylegan4j.metrics.AttributeClassifier;
import org.stylegan4j.metrics.FeatureExtractor;
import org.stylegan4j.metrics.MetricsRunner;
import org.stylegan4j.metrics.PathDistance;
import org.stylegan4j.metrics.TorchScriptFeatureExtractor;
import org.stylegan4j.metrics.TorchScriptPathDistance;
import org.stylegan4j.model.Generator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stylegan4j metrics}: FID, KID, perceptual path length and linear separability of a generator. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "The paper's metrics (section 4): fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls. "
                + "On a network inside a training run the results are appended to the run's metrics.jsonl.")
public final class MetricsCommand implements Callable<Integer> {

    private static final Map<String, Integer> PAPER_NUM = Map.of("fid", 50_000, "kid", 50_000, "ppl_zfull", 100_000,
            "ppl_wfull", 100_000, "ppl_zend", 100_000, "ppl_wend", 100_000, "ls", 200_000);

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--metrics", defaultValue = "fid", split = ",",
            description = "Comma-separated: fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls (default ${DEFAULT-VALUE}).")
    List<String> metrics;

    @Option(names = "--data", description = "Real images (folder or zip) for fid and kid.")
    Path data;

    @Option(names = "--num", description = "Samples per metric (default: the paper's, 50k for fid/kid, 100k pairs for ppl, 200k for ls).")
    Integer num;

    @Option(names = "--batch", defaultValue = "32", description = "Images per generator call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--extractor", paramLabel = "FILE",
            description = "TorchScript feature network for fid/kid (e.g. Inception-v3 pool3); default for 32x32 digits: the bundled classifier.")
    Path extractor;

    @Option(names = "--ppl-network", paramLabel = "FILE",
            description = "TorchScript LPIPS network forward(x0, x1) -> distances for ppl; default for 32x32 digits: the classifier-based distance.")
    Path pplNetwork;

    @Option(names = "--attributes", paramLabel = "FILE",
            description = "TorchScript attribute classifier forward(x) -> [N, attributes] logits for ls; default for 32x32 digits: ten one-vs-rest digits.")
    Path attributes;

    @Option(names = "--network-input", defaultValue = "float",
            description = "Input of the TorchScript networks: float ([-1, 1]) or uint8 ([0, 255]) (default ${DEFAULT-VALUE}).")
    String networkInput;

    @Option(names = "--network-rgb", description = "Repeat grayscale images to 3 channels for the TorchScript networks.")
    boolean networkRgb;

    @Option(names = "--ppl-crop", description = "Crop the FFHQ face region before the path-length distance (as the paper's FFHQ figures).")
    boolean pplCrop;

    @Option(names = "--cache-dir", description = "Cache of real-image statistics (default ~/.cache/stylegan4j/metrics).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Do not read or write cached real-image statistics.")
    boolean noCache;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<String> names = MetricsRunner.parse(String.join(",", metrics));
        if (num != null && (num < 2 || num > 10_000_000)) {
            throw new StyleGanInputException("--num must be between 2 and 10000000, got " + num);
        }
        if (batch < 1 || batch > 4096) {
            throw new StyleGanInputException("--batch must be between 1 and 4096, got " + batch);
        }
        TorchScriptFeatureExtractor.Input input = TorchScriptFeatureExtractor.Input.parse(networkInput);
        if ((names.contains("fid") || names.contains("kid")) && data == null) {
            throw new StyleGanInputException("fid and kid need real images: pass --data");
        }
        if (data != null && !Files.exists(data)) {
            throw new StyleGanInputException(data + ": no such file or folder");
        }
        network.config();
        Map<String, Double> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        try (Generator g = network.load()) {
            boolean digits = g.config().numChannels() == 1 && g.config().resolution() == DigitClassifier.RESOLUTION;
            int c = g.config().numChannels();
            int res = g.config().resolution();
            try (FeatureExtractor fx = needs(names, "fid", "kid") ? extractor(digits, input, c, res) : null;
                 PathDistance pd = needs(names, "ppl_") ? pathDistance(digits, input) : null;
                 AttributeClassifier ac = needs(names, "ls") ? attributes(digits, input) : null) {
                Path cache = noCache ? null : cacheDir != null ? cacheDir
                        : Path.of(System.getProperty("user.home"), ".cache", "stylegan4j", "metrics");
                for (List<String> group : groups(names)) {
                    int n = num != null ? num : PAPER_NUM.get(group.get(0));
                    MetricsRunner.Settings s = new MetricsRunner.Settings(n, batch, seed, data, cache, pplCrop, fx, pd, ac);
                    results.putAll(runWithProgress(g, group, s));
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        report(results, seconds);
        return 0;
    }

    private static boolean needs(List<String> names, String... prefixes) {
        for (String n : names) {
            for (String p : prefixes) {
                if (n.startsWith(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** fid and kid share their samples; every other metric runs alone. */
    private static List<List<String>> groups(List<String> names) {
        List<List<String>> out = new java.util.ArrayList<>();
        List<String> fk = names.stream().filter(n -> n.equals("fid") || n.equals("kid")).toList();
        if (!fk.isEmpty()) {
            out.add(fk);
        }
        names.stream().filter(n -> !fk.contains(n)).forEach(n -> out.add(List.of(n)));
        return out;
    }

    private FeatureExtractor extractor(boolean digits, TorchScriptFeatureExtractor.Input input, int c, int res) {
        if (extractor != null) {
            return new TorchScriptFeatureExtractor(extractor, input, networkRgb, c, res);
        }
        if (!digits) {
            throw new StyleGanInputException("fid and kid on " + res + "x" + res + " images need a feature network: "
                    + "pass --extractor FILE (TorchScript, e.g. Inception-v3)");
        }
        return new DigitFeatures();
    }

    private PathDistance pathDistance(boolean digits, TorchScriptFeatureExtractor.Input input) {
        if (pplNetwork != null) {
            return new TorchScriptPathDistance(pplNetwork, input, networkRgb);
        }
        if (!digits) {
            throw new StyleGanInputException("perceptual path length on this network needs a distance network: "
                    + "pass --ppl-network FILE (TorchScript LPIPS)");
        }
        return new DigitPerceptualDistance();
    }

    private AttributeClassifier attributes(boolean digits, TorchScriptFeatureExtractor.Input input) {
        if (attributes != null) {
            return AttributeClassifier.torchScript(attributes, input, networkRgb);
        }
        if (!digits) {
            throw new StyleGanInputException("linear separability on this network needs attribute classifiers: "
                    + "pass --attributes FILE (TorchScript)");
        }
        return new DigitAttributes(DigitClassifier.bundled());
    }

    private static Map<String, Double> runWithProgress(Generator g, List<String> group, MetricsRunner.Settings s) {
        ProgressBar[] bar = new ProgressBar[1];
        try {
            return MetricsRunner.run(g, group, s, new MetricsRunner.Progress() {
                @Override
                public void start(String task, long total) {
                    if (bar[0] != null) {
                        bar[0].close();
                    }
                    bar[0] = Progress.bar(task, total, "img");
                }

                @Override
                public void step(long done) {
                    bar[0].stepTo(done);
                }
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
    }

    private void report(Map<String, Double> results, double seconds) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        if (network.source.network != null) {
            o.put("network", network.source.network.toString());
        } else {
            o.put("network", "random-init " + network.preset + " " + network.resolution + " seed " + network.initSeed);
        }
        if (num != null) {
            o.put("num", num);
        }
        o.put("seed", seed);
        results.forEach(o::put);
        o.put("seconds", Math.round(seconds * 10) / 10.0);
        o.put("time", Instant.now().toString());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(mapper.writeValueAsString(o));
        } else {
            results.forEach((k, v) -> out.printf("%-10s %.6g%n", k, v));
        }
        out.flush();
        Path runDir = network.source.network == null ? null : network.source.network.toAbsolutePath().getParent();
        if (runDir != null && Files.isRegularFile(runDir.resolve("config.json")) && Files.isRegularFile(runDir.resolve("log.jsonl"))) {
            Files.writeString(runDir.resolve("metrics.jsonl"), mapper.writeValueAsString(o) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!json) {
                out.println("appended to " + runDir.resolve("metrics.jsonl"));
                out.flush();
            }
        }
    }
}
