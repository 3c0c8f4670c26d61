package org.stylegan4j.cli;

import org.stylegan4j.projection.ProjectionDistance;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options that choose a projection's distance ({@code project}, {@code serve}). */
public final class DistanceOptions {

    @Option(names = "--lpips", paramLabel = "FILE", description = "Distance: a TorchScript LPIPS network, forward(x, y) "
            + "-> one distance per pair (the ADA projector's choice; nothing is downloaded).")
    Path lpips;

    @Option(names = "--lpips-input", defaultValue = "float", description = "Input of --lpips: float in [-1, 1] or "
            + "float255 in [0, 255] (default ${DEFAULT-VALUE}).")
    String lpipsInput;

    @Option(names = "--digits-distance", description = "Distance: the bundled digit classifier's LPIPS-style distance "
            + "(1-channel 32x32 networks).")
    boolean digitsDistance;

    @Option(names = "--mse", description = "Distance: mean squared pixel difference (blurrier projections).")
    boolean mse;

    /**
     * @param mseByDefault whether no distance option means {@code --mse}
     * @return the distance the options choose
     */
    ProjectionDistance choice(boolean mseByDefault) {
        return ProjectionDistance.choose(lpips, lpipsInput, digitsDistance, mse, mseByDefault);
    }
}
