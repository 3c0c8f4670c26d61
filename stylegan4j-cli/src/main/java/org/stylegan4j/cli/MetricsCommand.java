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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stylegan4j metrics}: FID, KID, perceptual path length and linear separability of a generator. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "The paper's metrics (section 4): fid, kid, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls. "
                + "On a network inside a training run the results are appended to the run's metrics.jsonl.")
public final class MetricsCommand implements Callable<Integer> {

    /** The value of --extractor, --ppl-network and --attributes that chooses the bundled digit networks. */
    private static final String DIGITS = "digits";

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

    @Option(names = "--reals", paramLabel = "N|all", description = "Real images for fid/kid: a count (at most the data "
            + "set's size) or all, as the official FID protocol does (default: as many as --num).")
    String reals;

    @Option(names = "--batch", defaultValue = "32", description = "Images per generator call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--extractor", paramLabel = "FILE|digits", description = "Feature network for fid/kid: a "
            + "TorchScript file (e.g. Inception-v3 pool3), or digits (the bundled classifier's 256 features; 32x32 "
            + "grayscale networks).")
    String extractor;

    @Option(names = "--ppl-network", paramLabel = "FILE|digits", description = "Distance network for ppl: a "
            + "TorchScript LPIPS file, forward(x0, x1) -> distances, or digits (an LPIPS-style distance on the bundled "
            + "classifier's features).")
    String pplNetwork;

    @Option(names = "--attributes", paramLabel = "FILE|digits", description = "Attribute classifier for ls: a "
            + "TorchScript file, forward(x) -> [N, attributes] logits, or digits (ten one-vs-rest 'is a k').")
    String attributes;

    @Option(names = "--network-input", defaultValue = "float", description = "Input of the TorchScript networks "
            + "without their own option: float ([-1, 1]), float255 ([0, 255]) or uint8 ([0, 255] rounded, as NVIDIA's "
            + "inception.pt) (default ${DEFAULT-VALUE}).")
    String networkInput;

    @Option(names = "--extractor-input", description = "Input of --extractor FILE (default: --network-input).")
    String extractorInput;

    @Option(names = "--ppl-input", description = "Input of --ppl-network FILE: float or float255 (what the official "
            + "LPIPS takes); never uint8, which would round away the differences ppl measures (default: --network-input).")
    String pplInput;

    @Option(names = "--attributes-input", description = "Input of --attributes FILE (default: --network-input).")
    String attributesInput;

    @Option(names = "--network-rgb", description = "Repeat grayscale images to 3 channels for the TorchScript networks.")
    boolean networkRgb;

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
        network.config();
        Map<String, Double> results = new LinkedHashMap<>();
        long started = System.nanoTime();
        Map<String, String> used = new LinkedHashMap<>();
        try (Generator g = network.load()) {
            int c = g.config().numChannels();
            int res = g.config().resolution();
            try (FeatureExtractor fx = needs(names, "fid", "kid") ? extractor(c, res, used) : null;
                 PathDistance pd = needs(names, "ppl_") ? pathDistance(c, res, used) : null;
                 AttributeClassifier ac = needs(names, "ls") ? attributes(c, res, used) : null) {
                Path cache = noCache ? null : cacheDir != null ? cacheDir
                        : Path.of(System.getProperty("user.home"), ".cache", "stylegan4j", "metrics");
                for (List<String> group : groups(names)) {
                    int n = num != null ? num : PAPER_NUM.get(group.get(0));
                    MetricsRunner.Settings s = new MetricsRunner.Settings(n, batch, seed, data, cache,
                            pd != null && crops(c, res, used), fx != null && mirrorsReals(used), fx, pd, ac, reals(n));
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
        for (String own : new String[] {extractorInput, pplInput, attributesInput}) {
            input(own);
        }
        crops(3, 1024, new LinkedHashMap<>());
        mirrorsReals(new LinkedHashMap<>());
        if ((names.contains("fid") || names.contains("kid")) && data == null) {
            throw new StyleGanInputException("fid and kid need real images: pass --data");
        }
        if (data != null && !Files.exists(data)) {
            throw new StyleGanInputException(data + ": no such file or folder");
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

    private FeatureExtractor extractor(int c, int res, Map<String, String> used) {
        String what = chosen(extractor, "fid and kid need a feature network: pass --extractor FILE (TorchScript, "
                + "e.g. Inception-v3) or --extractor digits (the bundled classifier, for 32x32 digits)");
        if (isDigits("--extractor", what, c, res)) {
            used.put("features", "digits (the bundled classifier's 256 features)");
            return new DigitFeatures();
        }
        TorchScriptFeatureExtractor.Input in = input(extractorInput);
        TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(Path.of(what), in, networkRgb, c, res);
        used.put("features", what + " (" + in.label() + " input" + (fx.returnsFeatures()
                ? ", forward(x, return_features=True)" : "") + ")");
        return fx;
    }

    private PathDistance pathDistance(int c, int res, Map<String, String> used) {
        String what = chosen(pplNetwork, "perceptual path length needs a distance network: pass --ppl-network FILE "
                + "(TorchScript LPIPS) or --ppl-network digits (for 32x32 digits)");
        if (isDigits("--ppl-network", what, c, res)) {
            used.put("ppl", "digits (LPIPS-style distance on the bundled classifier's features)");
            return new DigitPerceptualDistance();
        }
        TorchScriptFeatureExtractor.Input in = input(pplInput);
        used.put("ppl", what + " (" + in.label() + " input)");
        return new TorchScriptPathDistance(Path.of(what), in, networkRgb);
    }

    private AttributeClassifier attributes(int c, int res, Map<String, String> used) {
        String what = chosen(attributes, "linear separability needs attribute classifiers: pass --attributes FILE "
                + "(TorchScript) or --attributes digits (for 32x32 digits)");
        if (isDigits("--attributes", what, c, res)) {
            used.put("attributes", "digits (ten one-vs-rest 'is a k' from the bundled classifier)");
            return new DigitAttributes(DigitClassifier.bundled());
        }
        TorchScriptFeatureExtractor.Input in = input(attributesInput);
        used.put("attributes", what + " (" + in.label() + " input)");
        return AttributeClassifier.torchScript(Path.of(what), in, networkRgb);
    }

    private static String chosen(String option, String missing) {
        if (option == null) {
            throw new StyleGanInputException(missing);
        }
        return option;
    }

    /** Whether the option names the bundled digit networks, which take 32x32 grayscale images only. */
    private static boolean isDigits(String option, String value, int c, int res) {
        if (!DIGITS.equals(value)) {
            return false;
        }
        if (c != 1 || res != DigitClassifier.RESOLUTION) {
            throw new StyleGanInputException(option + " digits needs a 32x32 grayscale network; this one makes " + res
                    + "x" + res + " images with " + c + " channel(s)");
        }
        return true;
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

    private TorchScriptFeatureExtractor.Input input(String own) {
        return TorchScriptFeatureExtractor.Input.parse(own != null ? own : networkInput);
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
            Files.writeString(runDir.resolve("metrics.jsonl"), mapper.writeValueAsString(o) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!json) {
                out.println("appended to " + runDir.resolve("metrics.jsonl"));
                out.flush();
            }
        }
    }
}
