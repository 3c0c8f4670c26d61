package org.stylegan4j.metrics;

/**
 * A set of metric networks shipped with stylegan4j under a name (as {@code digits}), found with
 * {@link java.util.ServiceLoader} so that the general metric code does not depend on any of them.
 */
public interface BundledMetricNetworks {

    /** @return the name that chooses these networks ({@code --extractor NAME}, ...) */
    String name();

    /**
     * @param channels a generator's channels
     * @param resolution its resolution
     * @return whether these networks take its images
     */
    boolean fits(int channels, int resolution);

    /** @return the generators these networks take, for messages (e.g. {@code a 32x32 grayscale network}) */
    String fitsDescription();

    /** @return what these networks are, for the option's help (e.g. {@code the bundled digit networks}) */
    String description();

    /** @return the feature network of FID and KID (close it) */
    FeatureExtractor extractor();

    /** @return the distance network of perceptual path length (close it) */
    PathDistance pathDistance();

    /** @return the attribute classifiers of linear separability (close them) */
    AttributeClassifier attributes();

    /**
     * @param role {@code features}, {@code ppl} or {@code attributes}
     * @return what the network of that role is, for the metrics' output
     */
    String describe(String role);
}
