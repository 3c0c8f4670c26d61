package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.nn.Engines;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Perceptual path length (paper section 4.1, equations 2 and 3): the perceptual distance between images generated
 * at interpolation points t and t + epsilon, divided by epsilon^2, in Z (spherical interpolation of latents) or in W
 * (linear interpolation of dlatents), with t uniform in [0, 1] ({@code full}) or t = 0 ({@code end}). Values outside
 * the 1st ('lower') and 99th ('higher') percentiles are dropped; the result is the mean of the rest.
 */
public final class PerceptualPathLength {

    /** The paper's epsilon. */
    public static final double EPSILON = 1e-4;

    /** Where the interpolation happens. */
    public enum Space {
        /** Latent space, spherical interpolation (equation 2). */
        Z,
        /** Intermediate latent space, linear interpolation (equation 3). */
        W
    }

    /** Where on the path t is drawn. */
    public enum Sampling {
        /** t ~ U(0, 1). */
        FULL,
        /** t = 0, the path end points. */
        END
    }

    /**
     * Options of a measurement.
     *
     * @param space Z or W
     * @param sampling full or end
     * @param samples number of pairs
     * @param batch pairs per generator call
     * @param faceCrop whether to crop the official FFHQ face region (rows 3/8..7/8, columns 2/8..6/8) first
     * @param seed seed of latents, t and noise
     */
    public record Options(Space space, Sampling sampling, int samples, int batch, boolean faceCrop, long seed) {
    }

    private PerceptualPathLength() {
    }

    /**
     * @param g the generator
     * @param distance the perceptual distance
     * @param o options
     * @param progress called with pairs done
     * @return the filtered mean of d / epsilon^2
     */
    public static double measure(Generator g, PathDistance distance, Options o, IntConsumer progress) {
        return measure(Network.of(g), distance, o, progress);
    }

    /** What the measurement needs of a generator; a seam for tests with generators of known path length. */
    interface Network {
        /** @return latent size */
        int latentSize();

        /** @return image channels */
        int channels();

        /** @return image side */
        int resolution();

        /** @return the dlatents [N, dlatent] of latents [N, latent] */
        NDArray map(NDArray z);

        /** @return images [N, C, H, W] in [-1, 1] of dlatents [N, dlatent], with the noise of the seeds */
        float[] synthesize(NDArray w, long[] noiseSeeds);

        /** @return the network of a generator: its mapping, and its synthesis of broadcast dlatents */
        static Network of(Generator g) {
            return new Network() {
                @Override
                public int latentSize() {
                    return g.config().latentSize();
                }

                @Override
                public int channels() {
                    return g.config().numChannels();
                }

                @Override
                public int resolution() {
                    return g.config().resolution();
                }

                @Override
                public NDArray map(NDArray z) {
                    return g.map(z);
                }

                @Override
                public float[] synthesize(NDArray w, long[] noiseSeeds) {
                    return g.synthesize(g.broadcast(w), Noise.seeded(noiseSeeds)).toFloatArray();
                }
            };
        }
    }

    /** As {@link #measure(Generator, PathDistance, Options, IntConsumer)}, on any {@link Network}. */
    static double measure(Network g, PathDistance distance, Options o, IntConsumer progress) {
        int latent = g.latentSize();
        int channels = g.channels();
        Random rng = new Random(o.seed());
        double[] values = new double[o.samples()];
        int outRes = outputResolution(g.resolution(), o.faceCrop());
        try (NDManager manager = Engines.newManager()) {
            for (int start = 0; start < o.samples(); start += o.batch()) {
                int n = Math.min(o.batch(), o.samples() - start);
                double[][] z0 = gaussians(rng, n, latent);
                double[][] z1 = gaussians(rng, n, latent);
                double[] t = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = o.sampling() == Sampling.FULL ? rng.nextDouble() : 0.0;
                }
                long[] noiseSeeds = new long[2 * n];
                for (int i = 0; i < n; i++) {
                    noiseSeeds[i] = rng.nextLong();
                    noiseSeeds[n + i] = noiseSeeds[i];
                }
                float[] images;
                try (NDManager m = manager.newSubManager()) {
                    NDArray ws = o.space() == Space.Z ? zPath(g, m, z0, z1, t) : wPath(g, m, z0, z1, t);
                    images = g.synthesize(ws, noiseSeeds);
                }
                float[] prepared = prepare(images, 2 * n, channels, g.resolution(), o.faceCrop());
                int per = channels * outRes * outRes;
                double[] d = distance.distances(Arrays.copyOfRange(prepared, 0, n * per),
                        Arrays.copyOfRange(prepared, n * per, 2 * n * per), n, channels, outRes);
                for (int i = 0; i < n; i++) {
                    values[start + i] = d[i] / (EPSILON * EPSILON);
                }
                progress.accept(start + n);
            }
        }
        return filteredMean(values);
    }

    private static NDArray zPath(Network g, NDManager m, double[][] z0, double[][] z1, double[] t) {
        int n = t.length;
        int latent = z0[0].length;
        float[] z = new float[2 * n * latent];
        for (int i = 0; i < n; i++) {
            put(z, i, slerp(z0[i], z1[i], t[i]));
            put(z, n + i, slerp(z0[i], z1[i], t[i] + EPSILON));
        }
        return g.map(m.create(z, new Shape(2L * n, latent)));
    }

    private static NDArray wPath(Network g, NDManager m, double[][] z0, double[][] z1, double[] t) {
        int n = t.length;
        int latent = z0[0].length;
        float[] z = new float[2 * n * latent];
        for (int i = 0; i < n; i++) {
            put(z, i, z0[i]);
            put(z, n + i, z1[i]);
        }
        float[] w = g.map(m.create(z, new Shape(2L * n, latent))).toFloatArray();
        int d = w.length / (2 * n);
        float[] out = new float[2 * n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                double a = w[i * d + k];
                double b = w[(n + i) * d + k];
                out[i * d + k] = (float) lerp(a, b, t[i]);
                out[(n + i) * d + k] = (float) lerp(a, b, t[i] + EPSILON);
            }
        }
        return m.create(out, new Shape(2L * n, d));
    }

    private static void put(float[] dst, int row, double[] v) {
        for (int k = 0; k < v.length; k++) {
            dst[row * v.length + k] = (float) v[k];
        }
    }

    private static double[][] gaussians(Random rng, int n, int size) {
        double[][] out = new double[n][size];
        for (double[] row : out) {
            for (int k = 0; k < size; k++) {
                row[k] = rng.nextGaussian();
            }
        }
        return out;
    }

    /** @return a + (b - a) t */
    static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    /**
     * Spherical interpolation as the official metric computes it: both ends normalised, the result normalised.
     *
     * @param a start
     * @param b end
     * @param t position
     * @return a unit vector
     */
    static double[] slerp(double[] a, double[] b, double t) {
        double[] an = normalize(a);
        double[] bn = normalize(b);
        double d = 0;
        for (int k = 0; k < an.length; k++) {
            d += an[k] * bn[k];
        }
        double p = t * Math.acos(Math.max(-1, Math.min(1, d)));
        double[] c = new double[an.length];
        for (int k = 0; k < an.length; k++) {
            c[k] = bn[k] - d * an[k];
        }
        c = normalize(c);
        double[] out = new double[an.length];
        for (int k = 0; k < an.length; k++) {
            out[k] = an[k] * Math.cos(p) + c[k] * Math.sin(p);
        }
        return normalize(out);
    }

    private static double[] normalize(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        double norm = Math.sqrt(s);
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = norm == 0 ? 0 : v[k] / norm;
        }
        return out;
    }

    /**
     * The official filter: keep values between the 1st percentile (numpy 'lower') and the 99th ('higher'), inclusive.
     *
     * @param values raw path lengths
     * @return the mean of the kept values
     */
    static double filteredMean(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int last = sorted.length - 1;
        double lo = sorted[(int) Math.floor(0.01 * last)];
        double hi = sorted[(int) Math.ceil(0.99 * last)];
        double sum = 0;
        int kept = 0;
        for (double v : values) {
            if (v >= lo && v <= hi) {
                sum += v;
                kept++;
            }
        }
        return sum / kept;
    }

    /** @return side of the images handed to the distance */
    static int outputResolution(int resolution, boolean faceCrop) {
        int side = faceCrop ? resolution / 2 : resolution;
        while (side > 256) {
            side /= 2;
        }
        return side;
    }

    /** Optional face crop, then 2x2 box averages down to at most 256x256. */
    static float[] prepare(float[] images, int n, int channels, int resolution, boolean faceCrop) {
        float[] x = images;
        int side = resolution;
        if (faceCrop) {
            int c = resolution / 8;
            int h = 4 * c;
            float[] out = new float[n * channels * h * h];
            for (int i = 0; i < n * channels; i++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(x, i * side * side + (3 * c + y) * side + 2 * c, out, i * h * h + y * h, h);
                }
            }
            x = out;
            side = h;
        }
        while (side > 256) {
            int half = side / 2;
            float[] out = new float[n * channels * half * half];
            for (int i = 0; i < n * channels; i++) {
                for (int y = 0; y < half; y++) {
                    for (int xx = 0; xx < half; xx++) {
                        int base = i * side * side + 2 * y * side + 2 * xx;
                        out[i * half * half + y * half + xx] =
                                (x[base] + x[base + 1] + x[base + side] + x[base + side + 1]) / 4;
                    }
                }
            }
            x = out;
            side = half;
        }
        return x;
    }
}
