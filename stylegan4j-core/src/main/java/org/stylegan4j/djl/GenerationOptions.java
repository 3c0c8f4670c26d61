package org.stylegan4j.djl;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Truncation;

import java.util.Locale;
import java.util.Map;

/**
 * How a DJL model of a generator draws its images: the truncation trick in W (section 2, psi and the number of leading
 * layers it applies to) and the noise inputs (section 3.2). Read from the {@code Criteria}'s arguments
 * ({@code optArgument("psi", 0.5)}, {@code "cutoff"}, {@code "noise"}); the defaults are the {@code generate}
 * command's and NVIDIA's scripts': psi 0.7 on the first 8 layers, noise drawn from each image's seed.
 *
 * @param truncation truncation of w
 * @param noise {@code random} (from each image's seed; fresh random noise for latents given directly),
 *        {@code const} (the network's stored maps) or {@code none}
 */
public record GenerationOptions(Truncation truncation, String noise) {

    /** Argument naming truncation psi. */
    public static final String PSI = "psi";
    /** Argument naming the number of leading layers truncated. */
    public static final String CUTOFF = "cutoff";
    /** Argument naming the noise mode. */
    public static final String NOISE = "noise";
    /** psi 0.7 on the first 8 layers, noise from each image's seed. */
    public static final GenerationOptions DEFAULT = new GenerationOptions(Truncation.OFFICIAL, "random");

    /**
     * @throws StyleGanInputException for an unknown noise mode
     */
    public GenerationOptions {
        if (!noise.equals("random") && !noise.equals("const") && !noise.equals("none")) {
            throw new StyleGanInputException("noise must be random, const or none, got '" + noise + "'");
        }
    }

    /**
     * @param arguments a model's properties or a criteria's arguments (values as text)
     * @return the options they name, defaults for the others
     * @throws StyleGanInputException for a value that is not a number or not a known mode
     */
    public static GenerationOptions from(Map<String, String> arguments) {
        double psi = number(arguments, PSI, DEFAULT.truncation.psi());
        int cutoff = (int) number(arguments, CUTOFF, DEFAULT.truncation.cutoff());
        String noise = arguments.getOrDefault(NOISE, DEFAULT.noise).trim().toLowerCase(Locale.ROOT);
        return new GenerationOptions(new Truncation(psi, cutoff), noise);
    }

    private static double number(Map<String, String> arguments, String name, double fallback) {
        String text = arguments.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (!Double.isFinite(v) || (name.equals(CUTOFF) && (v < 0 || v != Math.rint(v)))) {
                throw new NumberFormatException(text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new StyleGanInputException("argument '" + name + "' must be a " + (name.equals(CUTOFF)
                    ? "whole number >= 0" : "finite number") + ", got '" + text + "'");
        }
    }
}
