package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.metrics.MetricNetworks;
import org.stylegan4j.metrics.MetricsRunner;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.train.TrainingMetrics;
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
import java.util.Locale;
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

    @Mixin
    MetricNetworkOptions networks;

    @Option(names = "--metrics", defaultValue = "fid", split = ",",
            description = "Comma-separated: fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls (default ${DEFAULT-VALUE}).")
    List<String> metrics;

    @Option(names = "--data", description = "Real images (folder or zip) for fid and kid.")
    Path data;

    @Option(names = "--num", description = "Samples per metric (default: the paper's, 50k for fid/kid, 100k pairs for ppl, 200k for ls).")
    Integer num;

    @Option(names = "--reals", paramLabel = "N|all", description = "Real images for fid/kid: a count (at most the data "
            + "set's size) or all, as the official FID protocol does (default: as many as --num).")
    String reals;

    @Option(names = "--batch", defaultValue = "32", description = "Images per generator call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ppl-crop", arity = "0..1", fallbackValue = "on", defaultValue = "auto", paramLabel = "on|off|auto",
            description = "Crop the FFHQ face region before the path-length distance, as the official metric does: "
                    + "on, off, or auto (default: on for RGB networks of 256x256 and up, the paper's face data).")
    String pplCrop;

    @Option(names = "--mirror-reals", defaultValue = "auto", paramLabel = "on|off|auto", description = "Flip each "
            + "real image for fid/kid horizontally with probability 0.5, as the official metrics do for a network trained "
            + "with mirrored reals: on, off, or auto (default: on when the network's run directory says --mirror).")
    String mirrorReals;

    @Option(names = "--cache-dir", description = "Cache of real-image statistics (default ~/.cache/stylegan4j/metrics).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Do not read or write cached real-image statistics.")
    boolean noCache;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<String> names = MetricsRunner.parse(String.join(",", metrics));
        checkOptions(names);
        Map<String, Double> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        Map<String, String> used = new LinkedHashMap<>();
        try (Generator g = network.load()) {
            int c = g.config().numChannels();
            int res = g.config().resolution();
            try (MetricNetworks nets = MetricNetworks.open(names, networks.features(null), networks.ppl(null),
                    networks.attributes(null), networks.rgb(false), c, res)) {
                used.putAll(nets.described());
                Path cache = noCache ? null : cacheDir != null ? cacheDir
                        : Path.of(System.getProperty("user.home"), ".cache", "stylegan4j", "metrics");
                boolean crop = nets.pathDistance() != null && crops(c, res, used);
                boolean mirror = nets.extractor() != null && mirrorsReals(used);
                for (List<String> group : groups(names)) {
                    int n = num != null ? num : PAPER_NUM.get(group.get(0));
                    MetricsRunner.Settings s = new MetricsRunner.Settings(n, batch, seed, data, cache, crop, mirror,
                            nets.extractor(), nets.pathDistance(), nets.attributes(), reals(n));
                    results.putAll(runWithProgress(g, group, s));
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        report(results, used, seconds);
        return 0;
    }

    /** Refuses bad counts, input conventions and data before anything is loaded. */
    private void checkOptions(List<String> names) {
        if (num != null && (num < 2 || num > 10_000_000)) {
            throw new StyleGanInputException("--num must be between 2 and 10000000, got " + num);
        }
        if (batch < 1 || batch > 4096) {
            throw new StyleGanInputException("--batch must be between 1 and 4096, got " + batch);
        }
        reals(2);
        crops(3, 1024, new LinkedHashMap<>());
        mirrorsReals(new LinkedHashMap<>());
        if ((names.contains("fid") || names.contains("kid")) && data == null) {
            throw new StyleGanInputException("fid and kid need real images: pass --data");
        }
        if (data != null && !Files.exists(data)) {
            throw new StyleGanInputException(data + ": no such file or folder");
        }
        ModelConfig config = network.config();
        if (config != null) {
            MetricNetworks.check(names, networks.features(null), networks.ppl(null), networks.attributes(null),
                    config.numChannels(), config.resolution());
        }
    }

    /** The real images of fid/kid: --reals N, all, or (default) as many as the generated {@code n}. */
    private int reals(int n) {
        if (reals == null) {
            return n;
        }
        if (reals.equalsIgnoreCase("all")) {
            return MetricsRunner.ALL_REALS;
        }
        String count = reals.strip();
        if (count.matches("[0-9]{1,9}") && Integer.parseInt(count) >= 2) {
            return Integer.parseInt(count);
        }
        throw new StyleGanInputException("--reals must be a count of at least 2 or all, got '" + reals + "'");
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

    /** Whether ppl crops the face region (--ppl-crop, auto: RGB networks of 256 and up), recorded in {@code used}. */
    private boolean crops(int c, int res, Map<String, String> used) {
        boolean auto = c == 3 && res >= 256;
        String mode = pplCrop.toLowerCase(Locale.ROOT);
        boolean crop = switch (mode) {
            case "on" -> true;
            case "off" -> false;
            case "auto" -> auto;
            default -> throw new StyleGanInputException("--ppl-crop must be on, off or auto, got '" + pplCrop + "'");
        };
        used.put("ppl_crop", (crop ? "on" : "off") + (mode.equals("auto")
                ? " (auto: " + (auto ? "" : "not ") + "an RGB network of 256x256 or more)" : ""));
        return crop;
    }

    /** Whether fid/kid flip reals at random (--mirror-reals, auto: the run trained with --mirror), recorded in used. */
    private boolean mirrorsReals(Map<String, String> used) {
        String mode = mirrorReals.toLowerCase(Locale.ROOT);
        boolean trained = mode.equals("auto") && trainedWithMirror();
        boolean on = switch (mode) {
            case "on" -> true;
            case "off" -> false;
            case "auto" -> trained;
            default -> throw new StyleGanInputException("--mirror-reals must be on, off or auto, got '" + mirrorReals + "'");
        };
        used.put("reals", (on ? "flipped at random" : "as stored") + (!mode.equals("auto") ? ""
                : trained ? " (auto: the network's run trained with --mirror)"
                : " (auto: no config.json beside the network says --mirror)"));
        return on;
    }

    /** Whether the network sits in a run directory whose config.json says it trained on mirrored reals. */
    private boolean trainedWithMirror() {
        Path net = network.source.network;
        Path config = net == null ? null : net.toAbsolutePath().getParent().resolve("config.json");
        if (config == null || !Files.isRegularFile(config)) {
            return false;
        }
        try {
            return new ObjectMapper().readTree(config.toFile()).path("mirror").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
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

    private void report(Map<String, Double> results, Map<String, String> used, double seconds) throws IOException {
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
        used.forEach(o.putObject("networks")::put);
        o.put("seconds", Math.round(seconds * 10) / 10.0);
        o.put("time", Instant.now().toString());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(mapper.writeValueAsString(o));
        } else {
            results.forEach((k, v) -> out.printf("%-10s %.6g%n", k, v));
            used.forEach((k, v) -> out.printf("%-10s %s%n", k + ":", v));
        }
        out.flush();
        Path runDir = network.source.network == null ? null : network.source.network.toAbsolutePath().getParent();
        if (runDir != null && Files.isRegularFile(runDir.resolve("config.json")) && Files.isRegularFile(runDir.resolve("log.jsonl"))) {
            Files.writeString(runDir.resolve(TrainingMetrics.FILE), mapper.writeValueAsString(o) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!json) {
                out.println("appended to " + runDir.resolve(TrainingMetrics.FILE));
                out.flush();
            }
        }
    }
}
