package org.stylegan4j.web;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.projection.ProjectionDistance;
import org.stylegan4j.projection.Projector;

/**
 * How the explorer projects uploaded images ({@code POST /api/project}).
 *
 * @param projector the projector's settings (space, steps, seed, ...)
 * @param distance the distance minimised, opened for every projection
 * @param maxStored projections kept (finished ones beyond this are forgotten, least recently used first)
 */
public record ProjectionSettings(Projector.Options projector, ProjectionDistance distance, int maxStored) {

    /** Default of {@link #maxStored}. */
    public static final int DEFAULT_MAX_STORED = 16;

    /** Validates the settings. */
    public ProjectionSettings {
        if (maxStored < 1 || maxStored > 1024) {
            throw new StyleGanInputException("projections kept must be between 1 and 1024, got " + maxStored);
        }
    }

    /** @return the published projector settings (1000 steps in W), pixel MSE, the last 16 projections kept */
    public static ProjectionSettings defaults() {
        return new ProjectionSettings(Projector.Options.PUBLISHED,
                ProjectionDistance.choose(null, "float", false, true, false), DEFAULT_MAX_STORED);
    }
}
