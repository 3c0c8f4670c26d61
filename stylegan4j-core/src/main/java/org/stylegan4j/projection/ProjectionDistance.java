package org.stylegan4j.projection;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.digits.DigitPerceptualDistance;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.metrics.PixelDistance;
import org.stylegan4j.metrics.TorchScriptFeatureExtractor;
import org.stylegan4j.metrics.TorchScriptPathDistance;
import org.stylegan4j.model.ModelConfig;

import java.nio.file.Path;

/**
 * Which distance a projection minimises, as the {@code project} and {@code serve} commands choose it with
 * {@code --lpips FILE} (a TorchScript LPIPS network, the ADA projector's choice), {@code --digits-distance} (the
 * bundled digit classifier's LPIPS-style distance) or {@code --mse} (mean squared pixel difference). A choice is
 * checked once and opened for every projection ({@link #open}).
 *
 * @param kind which distance
 * @param lpips the TorchScript LPIPS network ({@link Kind#LPIPS} only, else null)
 * @param lpipsInput its input convention ({@link Kind#LPIPS} only, else null)
 */
public record ProjectionDistance(Kind kind, Path lpips, TorchScriptFeatureExtractor.Input lpipsInput) {

    /** The distances. */
    public enum Kind {
        /** A TorchScript LPIPS network. */
        LPIPS,
        /** The digit classifier's LPIPS-style distance (1-channel 32x32 networks). */
        DIGITS,
        /** Mean squared pixel difference. */
        MSE
    }

    /** What is said when the choice is {@link Kind#MSE}. */
    public static final String MSE_WARNING = "--mse gives blurrier projections than a perceptual distance "
            + "(--lpips FILE)";

    /**
     * The choice the command-line flags make.
     *
     * @param lpips {@code --lpips FILE} (null when not given)
     * @param lpipsInput {@code --lpips-input}: float or float255
     * @param digits {@code --digits-distance}
     * @param mse {@code --mse}
     * @param mseByDefault whether no flag means {@code --mse} (else one flag is required)
     * @return the choice
     * @throws StyleGanInputException when more than one flag is given, or none and {@code mseByDefault} is false
     */
    public static ProjectionDistance choose(Path lpips, String lpipsInput, boolean digits, boolean mse,
                                            boolean mseByDefault) {
        int chosen = (lpips != null ? 1 : 0) + (digits ? 1 : 0) + (mse ? 1 : 0);
        if (chosen > 1 || (chosen == 0 && !mseByDefault)) {
            throw new StyleGanInputException("choose one distance: --lpips FILE (a TorchScript LPIPS network), "
                    + "--digits-distance (1-channel 32x32 networks) or --mse");
        }
        if (lpips != null) {
            return new ProjectionDistance(Kind.LPIPS, lpips, TorchScriptFeatureExtractor.Input.parse(lpipsInput));
        }
        return new ProjectionDistance(digits ? Kind.DIGITS : Kind.MSE, null, null);
    }

    /**
     * @param config the network the projections are made for
     * @throws StyleGanInputException when the distance does not suit it (the digits distance on another network)
     */
    public void check(ModelConfig config) {
        if (kind == Kind.DIGITS && (config.numChannels() != 1 || config.resolution() != 32)) {
            throw new StyleGanInputException("--digits-distance needs a 1-channel 32x32 network, this one is "
                    + config.resolution() + "x" + config.resolution() + " with " + config.numChannels()
                    + " channels; use --lpips FILE or --mse");
        }
    }

    /**
     * @param config the network the projection is made for
     * @return a new distance (the caller closes it)
     * @throws StyleGanInputException when it does not suit the network, or the LPIPS network cannot be loaded
     */
    public ImageDistance open(ModelConfig config) {
        check(config);
        return switch (kind) {
            case LPIPS -> new TorchScriptPathDistance(lpips, lpipsInput, false, "--lpips-input");
            case DIGITS -> new DigitPerceptualDistance();
            case MSE -> new PixelDistance();
        };
    }
}
