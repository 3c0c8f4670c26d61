package org.stylegan4j.cli;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.digits.DigitPerceptualDistance;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.metrics.PixelDistance;
import org.stylegan4j.metrics.TorchScriptFeatureExtractor;
import org.stylegan4j.metrics.TorchScriptPathDistance;
import org.stylegan4j.model.ModelConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The options that choose the distance a projection minimises ({@code project}, {@code serve}): a TorchScript LPIPS
 * network (the ADA projector's choice), the bundled digit classifier's LPIPS-style distance, or the pixel MSE.
 */
public final class DistanceOptions {

    /** What is said when the distance is the pixel MSE. */
    static final String MSE_WARNING = "--mse gives blurrier projections than a perceptual distance (--lpips FILE)";

    /** The distances. */
    enum Kind {
        /** {@code --lpips FILE}. */
        LPIPS,
        /** {@code --digits-distance}. */
        DIGITS,
        /** {@code --mse}. */
        MSE;

        /** @return the name shown in the explorer's {@code /api/info} */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

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
     * @param mseByDefault whether no distance option means {@code --mse} (else one is required)
     * @return the distance the options choose
     * @throws StyleGanInputException when more than one is given, or none and {@code mseByDefault} is false
     */
    Kind kind(boolean mseByDefault) {
        int chosen = (lpips != null ? 1 : 0) + (digitsDistance ? 1 : 0) + (mse ? 1 : 0);
        if (chosen > 1 || (chosen == 0 && !mseByDefault)) {
            throw new StyleGanInputException("choose one distance: --lpips FILE (a TorchScript LPIPS network), "
                    + "--digits-distance (1-channel 32x32 networks) or --mse");
        }
        return lpips != null ? Kind.LPIPS : digitsDistance ? Kind.DIGITS : Kind.MSE;
    }

    /**
     * @param kind the distance {@link #kind} chose
     * @param c the network the projections are made for
     * @return a new distance (the caller closes it)
     * @throws StyleGanInputException when it does not suit the network, or the LPIPS network cannot be loaded
     */
    ImageDistance open(Kind kind, ModelConfig c) {
        return switch (kind) {
            case LPIPS -> new TorchScriptPathDistance(lpips, TorchScriptFeatureExtractor.Input.parse(lpipsInput), false,
                    "--lpips-input");
            case DIGITS -> {
                if (c.numChannels() != 1 || c.resolution() != 32) {
                    throw new StyleGanInputException("--digits-distance needs a 1-channel 32x32 network, this one is "
                            + c.resolution() + "x" + c.resolution() + " with " + c.numChannels() + " channels; use "
                            + "--lpips FILE or --mse");
                }
                yield new DigitPerceptualDistance();
            }
            case MSE -> new PixelDistance();
        };
    }
}
