package org.stylegan4j.digits;

import org.stylegan4j.metrics.AttributeClassifier;
import org.stylegan4j.metrics.BundledMetricNetworks;
import org.stylegan4j.metrics.FeatureExtractor;
import org.stylegan4j.metrics.PathDistance;

/**
 * The metric networks named {@code digits}: features, path distance and "is a k" attributes from the bundled digit
 * classifier, for 32x32 grayscale generators (registered for {@link java.util.ServiceLoader}).
 */
public final class DigitMetricNetworks implements BundledMetricNetworks {

    @Override
    public String name() {
        return "digits";
    }

    @Override
    public boolean fits(int channels, int resolution) {
        return channels == 1 && resolution == DigitClassifier.RESOLUTION;
    }

    @Override
    public String fitsDescription() {
        return "a 32x32 grayscale network";
    }

    @Override
    public String description() {
        return "the bundled digit networks, for 32x32 grayscale images";
    }

    @Override
    public FeatureExtractor extractor() {
        return new DigitFeatures();
    }

    @Override
    public PathDistance pathDistance() {
        return new DigitPerceptualDistance();
    }

    @Override
    public AttributeClassifier attributes() {
        return new DigitAttributes(DigitClassifier.bundled());
    }

    @Override
    public String describe(String role) {
        return switch (role) {
            case "features" -> "digits (the bundled classifier's 256 features)";
            case "ppl" -> "digits (LPIPS-style distance on the bundled classifier's features)";
            default -> "digits (ten one-vs-rest 'is a k' from the bundled classifier)";
        };
    }
}
