package org.stylegan4j.metrics;

import org.stylegan4j.StyleGanInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The networks the paper's metrics (section 4) measure with, each chosen by name, never guessed from the generator:
 * the feature network of FID and KID, the distance network of perceptual path length and the attribute classifiers
 * of linear separability. A name is a TorchScript file, or the name of networks shipped with stylegan4j
 * ({@link BundledMetricNetworks}: {@value #DIGITS}, the digit classifier's networks for 32x32 grayscale generators).
 *
 * @param extractor features for FID and KID (null when no requested metric uses it)
 * @param pathDistance distance for PPL (null when unused)
 * @param attributes attribute classifier for LS (null when unused)
 * @param described what each network is, by role ({@code features}, {@code ppl}, {@code attributes}), for the output
 */
public record MetricNetworks(FeatureExtractor extractor, PathDistance pathDistance, AttributeClassifier attributes,
                             Map<String, String> described) implements AutoCloseable {

    /** The name of the bundled digit networks. */
    public static final String DIGITS = "digits";

    /**
     * One network choice.
     *
     * @param network a TorchScript file or the name of bundled networks, e.g. {@value #DIGITS} (null: none chosen)
     * @param input the input convention of a TorchScript file: {@code float}, {@code float255} or {@code uint8}
     */
    public record Choice(String network, String input) {

        /** @return the parsed input convention */
        public TorchScriptFeatureExtractor.Input inputMode() {
            return TorchScriptFeatureExtractor.Input.parse(input == null ? "float" : input);
        }
    }

    /** Keeps the descriptions in an unmodifiable copy. */
    public MetricNetworks {
        described = Collections.unmodifiableMap(new LinkedHashMap<>(described));
    }

    /**
     * Checks the choices the metrics need without loading anything: each is given, an existing file or bundled
     * networks that take the generator's images, with a known input convention.
     *
     * @param metrics metric names ({@link MetricsRunner#parse})
     * @param features choice for fid and kid
     * @param ppl choice for the ppl metrics (its input must not be uint8)
     * @param attributes choice for ls
     * @param channels the generator's channels
     * @param resolution the generator's resolution
     * @throws StyleGanInputException naming the missing or unusable choice and the option that sets it
     */
    public static void check(List<String> metrics, Choice features, Choice ppl, Choice attributes, int channels,
                             int resolution) {
        if (uses(metrics, "fid") || uses(metrics, "kid")) {
            checkOne(features, "--extractor", "fid and kid need a feature network", channels, resolution);
        }
        if (uses(metrics, "ppl_")) {
            checkOne(ppl, "--ppl-network", "perceptual path length needs a distance network", channels, resolution);
        }
        if (uses(metrics, "ls")) {
            checkOne(attributes, "--attributes", "linear separability needs attribute classifiers", channels, resolution);
        }
    }

    private static void checkOne(Choice c, String option, String need, int channels, int resolution) {
        if (c == null || c.network() == null) {
            StringBuilder named = new StringBuilder();
            ServiceLoader.load(BundledMetricNetworks.class).forEach(b -> named.append(" or ").append(option).append(' ')
                    .append(b.name()).append(" (").append(b.description()).append(')'));
            throw new StyleGanInputException(need + ": pass " + option + " FILE (TorchScript)" + named);
        }
        Optional<BundledMetricNetworks> bundled = bundled(c.network());
        if (bundled.isPresent()) {
            if (!bundled.get().fits(channels, resolution)) {
                throw new StyleGanInputException(option + " " + c.network() + " needs " + bundled.get().fitsDescription()
                        + "; this one makes " + resolution + "x" + resolution + " images with " + channels + " channel(s)");
            }
            return;
        }
        c.inputMode();
        if (!Files.isRegularFile(Path.of(c.network()))) {
            throw new StyleGanInputException(option + " " + c.network() + ": no such file");
        }
    }

    /**
     * Loads the networks the metrics need after {@linkplain #check checking} the choices.
     *
     * @param metrics metric names
     * @param features choice for fid and kid
     * @param ppl choice for ppl
     * @param attributes choice for ls
     * @param rgb repeat grayscale images to 3 channels for the TorchScript networks
     * @param channels the generator's channels
     * @param resolution the generator's resolution
     * @return the networks (close them)
     */
    public static MetricNetworks open(List<String> metrics, Choice features, Choice ppl, Choice attributes, boolean rgb,
                                      int channels, int resolution) {
        check(metrics, features, ppl, attributes, channels, resolution);
        Map<String, String> described = new LinkedHashMap<>();
        FeatureExtractor fx = null;
        PathDistance pd = null;
        try {
            if (uses(metrics, "fid") || uses(metrics, "kid")) {
                fx = extractor(features, rgb, channels, resolution, described);
            }
            if (uses(metrics, "ppl_")) {
                pd = pathDistance(ppl, rgb, described);
            }
            AttributeClassifier ac = uses(metrics, "ls") ? attributes(attributes, rgb, described) : null;
            return new MetricNetworks(fx, pd, ac, described);
        } catch (RuntimeException e) {
            closeAll(fx, pd, null);
            throw e;
        }
    }

    /**
     * @param name a network choice
     * @return the bundled networks of that name, if there are
     */
    public static Optional<BundledMetricNetworks> bundled(String name) {
        for (BundledMetricNetworks b : ServiceLoader.load(BundledMetricNetworks.class)) {
            if (b.name().equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private static FeatureExtractor extractor(Choice c, boolean rgb, int channels, int resolution,
                                              Map<String, String> described) {
        Optional<BundledMetricNetworks> bundled = bundled(c.network());
        if (bundled.isPresent()) {
            described.put("features", bundled.get().describe("features"));
            return bundled.get().extractor();
        }
        TorchScriptFeatureExtractor fx = new TorchScriptFeatureExtractor(Path.of(c.network()), c.inputMode(), rgb,
                channels, resolution);
        described.put("features", c.network() + " (" + c.inputMode().label() + " input"
                + (fx.returnsFeatures() ? ", forward(x, return_features=True)" : "") + ")");
        return fx;
    }

    private static PathDistance pathDistance(Choice c, boolean rgb, Map<String, String> described) {
        Optional<BundledMetricNetworks> bundled = bundled(c.network());
        if (bundled.isPresent()) {
            described.put("ppl", bundled.get().describe("ppl"));
            return bundled.get().pathDistance();
        }
        described.put("ppl", c.network() + " (" + c.inputMode().label() + " input)");
        return new TorchScriptPathDistance(Path.of(c.network()), c.inputMode(), rgb);
    }

    private static AttributeClassifier attributes(Choice c, boolean rgb, Map<String, String> described) {
        Optional<BundledMetricNetworks> bundled = bundled(c.network());
        if (bundled.isPresent()) {
            described.put("attributes", bundled.get().describe("attributes"));
            return bundled.get().attributes();
        }
        described.put("attributes", c.network() + " (" + c.inputMode().label() + " input)");
        return AttributeClassifier.torchScript(Path.of(c.network()), c.inputMode(), rgb);
    }

    private static boolean uses(List<String> metrics, String prefix) {
        return metrics.stream().anyMatch(m -> m.startsWith(prefix));
    }

    private static void closeAll(FeatureExtractor fx, PathDistance pd, AttributeClassifier ac) {
        if (fx != null) {
            fx.close();
        }
        if (pd != null) {
            pd.close();
        }
        if (ac != null) {
            ac.close();
        }
    }

    @Override
    public void close() {
        closeAll(extractor, pathDistance, attributes);
    }
}
