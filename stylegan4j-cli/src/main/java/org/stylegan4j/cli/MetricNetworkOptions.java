package org.stylegan4j.cli;

import org.stylegan4j.metrics.MetricNetworks;
import picocli.CommandLine.Option;

/**
 * The options that choose the metrics' networks ({@code metrics}, and {@code train} for its metrics during training):
 * each a TorchScript file or {@code digits}, with its input convention. Unset options are null, so that {@code train}
 * changes only what is given.
 */
public final class MetricNetworkOptions {

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

    @Option(names = "--network-input", paramLabel = "float|float255|uint8", description = "Input of the TorchScript "
            + "networks without their own option: float ([-1, 1]), float255 ([0, 255]) or uint8 ([0, 255] rounded, as "
            + "NVIDIA's inception.pt) (default float).")
    String networkInput;

    @Option(names = "--extractor-input", description = "Input of --extractor FILE (default: --network-input).")
    String extractorInput;

    @Option(names = "--ppl-input", description = "Input of --ppl-network FILE: float or float255 (what the official "
            + "LPIPS takes); never uint8, which would round away the differences ppl measures (default: --network-input).")
    String pplInput;

    @Option(names = "--attributes-input", description = "Input of --attributes FILE (default: --network-input).")
    String attributesInput;

    @Option(names = "--network-rgb", description = "Repeat grayscale images to 3 channels for the TorchScript networks.")
    Boolean networkRgb;

    /** @return whether any of these options was given */
    boolean anyGiven() {
        return extractor != null || pplNetwork != null || attributes != null || networkInput != null
                || extractorInput != null || pplInput != null || attributesInput != null || networkRgb != null;
    }

    /**
     * @param base the choice before the options (null: none)
     * @return the feature network chosen by --extractor and its input options, else {@code base}'s
     */
    MetricNetworks.Choice features(MetricNetworks.Choice base) {
        return choice(base, extractor, extractorInput);
    }

    /**
     * @param base the choice before the options (null: none)
     * @return the distance network chosen by --ppl-network and its input options, else {@code base}'s
     */
    MetricNetworks.Choice ppl(MetricNetworks.Choice base) {
        return choice(base, pplNetwork, pplInput);
    }

    /**
     * @param base the choice before the options (null: none)
     * @return the attribute classifiers chosen by --attributes and its input options, else {@code base}'s
     */
    MetricNetworks.Choice attributes(MetricNetworks.Choice base) {
        return choice(base, attributes, attributesInput);
    }

    /**
     * @param base the value before the options
     * @return --network-rgb if given, else {@code base}
     */
    boolean rgb(boolean base) {
        return networkRgb != null ? networkRgb : base;
    }

    private MetricNetworks.Choice choice(MetricNetworks.Choice base, String network, String ownInput) {
        String net = network != null ? network : base == null ? null : base.network();
        String input = ownInput != null ? ownInput : networkInput != null ? networkInput
                : base == null ? null : base.input();
        if (net == null && input == null) {
            return base;
        }
        MetricNetworks.Choice c = new MetricNetworks.Choice(net, input);
        c.inputMode();
        return c;
    }
}
