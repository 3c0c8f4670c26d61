package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.random.NumpyRandomState;

import java.util.ArrayList;
import java.util.List;

/**
 * Image seeds: parsing of seed lists such as {@code 0-7,42}, and the latent z of a seed, drawn
 * exactly as NVIDIA's scripts draw it ({@code numpy.random.RandomState(seed).randn(latentSize)}).
 */
public final class Seeds {

    /** Largest seed numpy's RandomState accepts. */
    public static final long MAX = NumpyRandomState.MAX_SEED;

    private static final int MAX_COUNT = 1_000_000;

    private Seeds() {
    }

    /**
     * Parses a comma-separated list of seeds and inclusive ranges.
     *
     * @param text e.g. {@code 0-7,42}
     * @return the seeds in the given order
     */
    public static long[] parse(String text) {
        if (text == null || text.isBlank()) {
            throw new StyleGanInputException("empty seed list (expected e.g. 0-7,42)");
        }
        List<Long> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-', 1);
            long a;
            long b;
            try {
                if (dash > 0) {
                    a = Long.parseLong(p.substring(0, dash).trim());
                    b = Long.parseLong(p.substring(dash + 1).trim());
                } else {
                    a = Long.parseLong(p);
                    b = a;
                }
            } catch (NumberFormatException e) {
                throw new StyleGanInputException("malformed seed list '" + text + "': '" + p
                        + "' is not a seed or a range like 0-7");
            }
            if (a < 0 || b < 0 || a > MAX || b > MAX) {
                throw new StyleGanInputException("seed out of range in '" + text + "': seeds are between 0 and " + MAX);
            }
            if (b < a) {
                throw new StyleGanInputException("malformed seed list '" + text + "': range " + p + " runs backwards");
            }
            if (out.size() + (b - a + 1) > MAX_COUNT) {
                throw new StyleGanInputException("seed list '" + text + "' has more than " + MAX_COUNT + " seeds");
            }
            for (long s = a; s <= b; s++) {
                out.add(s);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * @param seed image seed
     * @param size latent size
     * @return z as numpy's {@code RandomState(seed).randn(size)}, in float32
     */
    public static float[] latent(long seed, int size) {
        return new NumpyRandomState(seed).randnFloat(size);
    }

    /**
     * @param seeds image seeds
     * @param size latent size
     * @param manager manager of the result
     * @return z for every seed, [N, size]
     */
    public static NDArray latents(long[] seeds, int size, NDManager manager) {
        float[] z = new float[seeds.length * size];
        for (int i = 0; i < seeds.length; i++) {
            System.arraycopy(latent(seeds[i], size), 0, z, i * size, size);
        }
        return manager.create(z, new Shape(seeds.length, size));
    }
}
