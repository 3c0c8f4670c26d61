package org.stylegan4j.web;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.metrics.PixelDistance;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.projection.Projector;

import java.util.Objects;
import java.util.function.Function;

/**
 * How the explorer projects uploaded images ({@code POST /api/project}).
 *
 * @param projector the projector's settings (space, steps, seed, ...)
 * @param distanceName the distance's name, as {@code /api/info} shows it (e.g. {@code mse}, {@code lpips})
 * @param distance opens the distance minimised for a network (once at start, to check it, then for every
 *        projection, which closes it); may throw {@link StyleGanInputException} when it does not suit the network
 * @param maxStored projections kept (finished ones beyond this are forgotten, least recently used first)
 */
public record ProjectionSettings(Projector.Options projector, String distanceName,
                                 Function<ModelConfig, ImageDistance> distance, int maxStored) {

    /** Default of {@link #maxStored}. */
    public static final int DEFAULT_MAX_STORED = 16;

    /** Validates the settings. */
    public ProjectionSettings {
        Objects.requireNonNull(projector, "projector");
        Objects.requireNonNull(distanceName, "distanceName");
        Objects.requireNonNull(distance, "distance");
        if (maxStored < 1 || maxStored > 1024) {
            throw new StyleGanInputException("projections kept must be between 1 and 1024, got " + maxStored);
        }
    }

    /**
     * @param projector the projector's settings
     * @param maxStored projections kept
     * @return settings that minimise the mean squared pixel difference (blurrier than a perceptual distance)
     */
    public static ProjectionSettings pixelDistance(Projector.Options projector, int maxStored) {
        return new ProjectionSettings(projector, "mse", c -> new PixelDistance(), maxStored);
    }

    /** @return the published projector settings (1000 steps in W), the pixel distance, the last 16 projections kept */
    public static ProjectionSettings defaults() {
        return pixelDistance(Projector.Options.PUBLISHED, DEFAULT_MAX_STORED);
    }
}
