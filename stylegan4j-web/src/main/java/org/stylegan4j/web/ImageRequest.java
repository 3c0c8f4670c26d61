package org.stylegan4j.web;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.figures.StyleBands;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.projection.ProjectedLatents;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One image the explorer is asked for, validated against the network: what to draw (a source, a style
 * mix of two sources, or a point between two sources), the truncation and the noise. A source is a seed
 * or a finished projection of an uploaded image ({@code p<id>}).
 *
 * @param kind which endpoint
 * @param a the (first) source
 * @param b the second source (mix and interpolate; else equal to a)
 * @param psi truncation psi in [-2, 2]
 * @param cutoff layers truncated, [0, cutoff)
 * @param noise noise mode
 * @param strengths noise strength per synthesis layer
 * @param styles layers taken from b (mix; else null)
 * @param t position between a and b in [0, 1] (interpolate)
 * @param space interpolation space (interpolate)
 */
public record ImageRequest(Kind kind, Source a, Source b, double psi, int cutoff, Noise.Mode noise, float[] strengths,
                           StyleBands.Range styles, double t, Space space) {

    /** The image endpoints. */
    public enum Kind {
        /** {@code /api/generate}: one seed. */
        GENERATE,
        /** {@code /api/mix}: seed a with some layers' styles from seed b (section 3.1). */
        MIX,
        /** {@code /api/interpolate}: a point on the path from seed a to seed b. */
        INTERPOLATE
    }

    /** What an image is drawn from. */
    public sealed interface Source permits Seed, Projected {
        /** @return the seed of this source's {@code seeded} noise */
        long noiseSeed();
    }

    /**
     * A seed: z drawn from it, w = f(z) on every layer.
     *
     * @param seed the seed in [0, {@link Seeds#MAX}]
     */
    public record Seed(long seed) implements Source {
        @Override
        public long noiseSeed() {
            return seed;
        }

        @Override
        public String toString() {
            return Long.toString(seed);
        }
    }

    /**
     * A finished projection: its (per-layer) w and, for constant noise, its noise maps. Equal when the ids are.
     *
     * @param id the projection's id (16 hex digits)
     * @param latents its latents, one image
     */
    public record Projected(String id, ProjectedLatents latents) implements Source {
        @Override
        public long noiseSeed() {
            return Long.parseUnsignedLong(id, 16);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Projected p && id.equals(p.id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            return PROJECTION_PREFIX + id;
        }
    }

    /** Interpolation space. */
    public enum Space {
        /** Spherical interpolation of z, then mapping. */
        Z,
        /** Linear interpolation of w = f(z). */
        W
    }

    /** What a projection's id is prefixed with where a seed may stand: {@code p<id>}. */
    public static final String PROJECTION_PREFIX = "p";

    /** Default truncation psi (the paper's 0.7). */
    public static final double DEFAULT_PSI = 0.7;
    /** Default truncation cutoff (the paper's 8 layers, fewer in a shallower network). */
    public static final int DEFAULT_CUTOFF = 8;
    /** Largest |psi| accepted. */
    public static final double MAX_ABS_PSI = 2.0;
    /** Largest noise strength accepted. */
    public static final double MAX_NOISE_STRENGTH = 10.0;

    private static final Set<String> COMMON = Set.of("psi", "cutoff", "noise", "noiseStrength");
    private static final Pattern SEED = Pattern.compile("\\d{1,10}");
    private static final Pattern PROJECTION = Pattern.compile(PROJECTION_PREFIX + "([0-9a-f]{16})");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d{1,12}(\\.\\d{0,12})?|\\.\\d{1,12})");
    private static final Pattern INTEGER = Pattern.compile("\\d{1,9}");

    /**
     * @param kind endpoint
     * @return the query parameters the endpoint takes
     */
    public static Set<String> parameters(Kind kind) {
        Set<String> own = switch (kind) {
            case GENERATE -> Set.of("seed");
            case MIX -> Set.of("a", "b", "styles");
            case INTERPOLATE -> Set.of("a", "b", "t", "space");
        };
        HashSet<String> all = new HashSet<>(COMMON);
        all.addAll(own);
        return Set.copyOf(all);
    }

    /**
     * Validates a request.
     *
     * @param kind endpoint
     * @param q its query parameters
     * @param numLayers synthesis layers of the network
     * @param projections the latents of a finished projection by id (throwing {@link HttpError} 404 for an unknown
     *        one, 409 for one not done)
     * @return the request
     * @throws HttpError 400 for any missing, malformed or out-of-range value
     */
    public static ImageRequest parse(Kind kind, QueryParameters q, int numLayers,
                                     Function<String, ProjectedLatents> projections) {
        Source a = source(kind == Kind.GENERATE ? "seed" : "a", q, projections);
        Source b = kind == Kind.GENERATE ? a : source("b", q, projections);
        double psi = decimal("psi", q.get("psi"), DEFAULT_PSI, -MAX_ABS_PSI, MAX_ABS_PSI);
        int cutoff = q.get("cutoff") == null ? Math.min(DEFAULT_CUTOFF, numLayers) : integer("cutoff", q.get("cutoff"), 0, numLayers);
        Noise.Mode noise = noiseMode(q.get("noise"));
        float[] strengths = strengths(q.get("noiseStrength"), numLayers);
        StyleBands.Range styles = null;
        if (kind == Kind.MIX) {
            try {
                styles = StyleBands.parse(q.required("styles"), numLayers);
            } catch (StyleGanInputException e) {
                throw HttpError.badRequest(QueryParameters.printable(e.getMessage()));
            }
        }
        double t = 0;
        Space space = Space.Z;
        if (kind == Kind.INTERPOLATE) {
            t = decimal("t", q.required("t"), 0, 0, 1);
            boolean projected = a instanceof Projected || b instanceof Projected;
            space = space(q.get("space"), projected ? Space.W : Space.Z);
            if (projected && space == Space.Z) {
                throw HttpError.badRequest("a projection has no z: interpolate it with space=w");
            }
        }
        return new ImageRequest(kind, a, b, psi, cutoff, noise, strengths, styles, t, space);
    }

    /**
     * @return the noise this request asks for, scaled per layer ({@code const}: the network's maps; the renderer puts
     *         a projection's own maps in their place)
     */
    public Noise noiseInput() {
        Noise base = switch (noise) {
            case RANDOM -> Noise.random();
            case SEEDED -> Noise.seeded(a.noiseSeed());
            case CONST -> Noise.constant();
            case NONE -> Noise.none();
            case GIVEN -> throw new IllegalStateException("a request never names given noise maps");
        };
        return base.scaled(strengths);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageRequest r && kind == r.kind && a.equals(r.a) && b.equals(r.b) && psi == r.psi && cutoff == r.cutoff
                && noise == r.noise && Arrays.equals(strengths, r.strengths) && Objects.equals(styles, r.styles)
                && t == r.t && space == r.space;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, a, b, psi, cutoff, noise, Arrays.hashCode(strengths), styles, t, space);
    }

    @Override
    public String toString() {
        return kind + "[a=" + a + ", b=" + b + ", psi=" + psi + ", cutoff=" + cutoff + ", noise=" + noise
                + ", strengths=" + Arrays.toString(strengths) + ", styles=" + styles + ", t=" + t + ", space=" + space + "]";
    }

    private static Source source(String name, QueryParameters q, Function<String, ProjectedLatents> projections) {
        String v = q.required(name).trim();
        Matcher projection = PROJECTION.matcher(v);
        if (projection.matches()) {
            return new Projected(projection.group(1), projections.apply(projection.group(1)));
        }
        if (!SEED.matcher(v).matches() || Long.parseLong(v) > Seeds.MAX) {
            throw HttpError.badRequest("parameter '" + name + "' must be a seed between 0 and " + Seeds.MAX
                    + " or a projection p<id>");
        }
        return new Seed(Long.parseLong(v));
    }

    private static double decimal(String name, String text, double dflt, double min, double max) {
        if (text == null) {
            return dflt;
        }
        String v = text.trim();
        if (!DECIMAL.matcher(v).matches()) {
            throw HttpError.badRequest("parameter '" + name + "' must be a decimal number between " + min + " and " + max);
        }
        double d = Double.parseDouble(v);
        if (d < min || d > max) {
            throw HttpError.badRequest("parameter '" + name + "' must be between " + min + " and " + max + ", got " + v);
        }
        return d;
    }

    private static int integer(String name, String text, int min, int max) {
        String v = text.trim();
        if (!INTEGER.matcher(v).matches() || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
            throw HttpError.badRequest("parameter '" + name + "' must be an integer between " + min + " and " + max);
        }
        return Integer.parseInt(v);
    }

    private static Noise.Mode noiseMode(String text) {
        if (text == null) {
            return Noise.Mode.CONST;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "const" -> Noise.Mode.CONST;
            case "seeded" -> Noise.Mode.SEEDED;
            case "random" -> Noise.Mode.RANDOM;
            case "none" -> Noise.Mode.NONE;
            default -> throw HttpError.badRequest("parameter 'noise' must be const, seeded, random or none");
        };
    }

    private static Space space(String text, Space dflt) {
        if (text == null) {
            return dflt;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "z" -> Space.Z;
            case "w" -> Space.W;
            default -> throw HttpError.badRequest("parameter 'space' must be z or w");
        };
    }

    /**
     * Noise strengths: one number for every layer, one number per layer ({@code 1,1,0.5,...}), or
     * {@code band:strength} pairs where a band is coarse, middle, fine or a layer range
     * ({@code coarse:1,fine:0}, {@code 0-3:0.5}); unnamed layers keep 1.
     */
    private static float[] strengths(String text, int numLayers) {
        float[] s = new float[numLayers];
        Arrays.fill(s, 1f);
        if (text == null || text.isBlank()) {
            return s;
        }
        String[] parts = text.split(",", -1);
        if (!text.contains(":")) {
            if (parts.length != 1 && parts.length != numLayers) {
                throw HttpError.badRequest("parameter 'noiseStrength' needs 1 or " + numLayers + " values, got " + parts.length);
            }
            for (int i = 0; i < parts.length; i++) {
                float v = (float) decimal("noiseStrength", parts[i], 1, 0, MAX_NOISE_STRENGTH);
                if (parts.length == 1) {
                    Arrays.fill(s, v);
                } else {
                    s[i] = v;
                }
            }
            return s;
        }
        if (parts.length > numLayers + 3) {
            throw HttpError.badRequest("parameter 'noiseStrength' has more bands than the network has layers");
        }
        for (String part : parts) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                throw HttpError.badRequest("parameter 'noiseStrength' mixes plain values and band:value pairs");
            }
            StyleBands.Range range;
            try {
                range = StyleBands.parse(part.substring(0, colon), numLayers);
            } catch (StyleGanInputException e) {
                throw HttpError.badRequest(QueryParameters.printable(e.getMessage()));
            }
            float v = (float) decimal("noiseStrength", part.substring(colon + 1), 1, 0, MAX_NOISE_STRENGTH);
            Arrays.fill(s, range.from(), range.to(), v);
        }
        return s;
    }
}
