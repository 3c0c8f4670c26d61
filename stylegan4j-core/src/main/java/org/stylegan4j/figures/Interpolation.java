package org.stylegan4j.figures;

import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Interpolation between seeds (section 4.1, perceptual path length): linear in W, on w before it
 * is broadcast to the layers, or spherical in Z. Frames are spread evenly over a path through
 * several seeds; the first and last frames are exactly the end seeds' latents.
 *
 * <p>Slerp follows the formula of the path length metric (directions a^ and b^, d = a^.b^,
 * p = t acos d, c = normalize(b^ - d a^), direction = a^ cos p + c sin p), but where that metric
 * keeps the result on the unit sphere, frames here are scaled to {@code (1 - t)|a| + t|b|}, so the
 * norm moves from one latent's to the other's and t = 0 and t = 1 give a and b exactly.
 */
public final class Interpolation {

    /** Latent space of the path. */
    public enum Space {
        /** Spherical interpolation of z, then mapping. */
        Z,
        /** Linear interpolation of w = f(z). */
        W
    }

    private final Generator generator;
    private final long[] seeds;
    private final Space space;
    private final int frames;
    private final List<float[]> keyframes;
    private Truncation truncation = Truncation.NONE;
    private Noise noise = Noise.constant();
    private int batch = 8;
    private Runnable onImage = () -> { };

    /**
     * @param generator the network
     * @param seeds seeds the path passes through, in order (at least 2)
     * @param space where to interpolate
     * @param frames frames over the whole path (at least 2)
     */
    public Interpolation(Generator generator, long[] seeds, Space space, int frames) {
        this(generator, seeds, space, frames, null);
    }

    /**
     * A path in W through given per-layer w (keyframes, e.g. a projection's), each layer's w interpolated linearly.
     *
     * @param generator the network
     * @param keyframes per-layer w {@code [numLayers * dlatentSize]} the path passes through, in order (at least 2)
     * @param frames frames over the whole path (at least 2)
     * @return the interpolation (truncation is not applied to given w)
     */
    public static Interpolation throughWs(Generator generator, List<float[]> keyframes, int frames) {
        if (keyframes.size() < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 keyframes, got " + keyframes.size());
        }
        return new Interpolation(generator, new long[2], Space.W, frames, List.copyOf(keyframes));
    }

    private Interpolation(Generator generator, long[] seeds, Space space, int frames, List<float[]> keyframes) {
        this.keyframes = keyframes;
        if (seeds.length < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 seeds, got " + seeds.length);
        }
        if (frames < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 frames, got " + frames);
        }
        this.generator = generator;
        this.seeds = seeds.clone();
        this.space = space;
        this.frames = frames;
    }

    /**
     * @param truncation truncation of each frame's per-layer w (default none)
     * @return this
     */
    public Interpolation truncation(Truncation truncation) {
        this.truncation = truncation;
        return this;
    }

    /**
     * @param noise noise shared by all frames (default the constant maps, so frames do not flicker)
     * @return this
     */
    public Interpolation noise(Noise noise) {
        this.noise = FigurePipeline.checkShared(noise);
        return this;
    }

    /**
     * @param batch images per forward pass
     * @return this
     */
    public Interpolation batchSize(int batch) {
        this.batch = FigurePipeline.checkBatch(batch);
        return this;
    }

    /**
     * @param onImage called after each synthesised frame (for progress)
     * @return this
     */
    public Interpolation onImage(Runnable onImage) {
        this.onImage = onImage;
        return this;
    }

    /**
     * Linear interpolation; t = 0 returns a copy of a and t = 1 a copy of b exactly.
     *
     * @param a start
     * @param b end
     * @param t position in [0, 1]
     * @return a + t (b - a)
     */
    public static float[] lerp(float[] a, float[] b, double t) {
        checkSameLength(a, b);
        if (t == 0) {
            return a.clone();
        }
        if (t == 1) {
            return b.clone();
        }
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] + t * ((double) b[i] - a[i]));
        }
        return out;
    }

    /**
     * Spherical interpolation of the direction with the norm interpolated linearly (see the class
     * comment); t = 0 returns a copy of a and t = 1 a copy of b exactly. Parallel or zero inputs
     * fall back to {@link #lerp}.
     *
     * @param a start
     * @param b end
     * @param t position in [0, 1]
     * @return the interpolated latent
     */
    public static float[] slerp(float[] a, float[] b, double t) {
        checkSameLength(a, b);
        if (t == 0) {
            return a.clone();
        }
        if (t == 1) {
            return b.clone();
        }
        double na = norm(a);
        double nb = norm(b);
        if (na == 0 || nb == 0) {
            return lerp(a, b, t);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] / na) * (b[i] / nb);
        }
        d = Math.max(-1, Math.min(1, d));
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = b[i] / nb - d * a[i] / na;
        }
        double nc = norm(c);
        if (nc < 1e-7) {
            return lerp(a, b, t);
        }
        double p = t * Math.acos(d);
        double scale = (1 - t) * na + t * nb;
        double[] dir = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            dir[i] = a[i] / na * Math.cos(p) + c[i] / nc * Math.sin(p);
        }
        double nd = norm(dir);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (dir[i] / nd * scale);
        }
        return out;
    }

    /**
     * The latent of every frame: z (space Z), w (space W) or, through keyframes, per-layer w. Frame k sits at
     * k (S - 1) / (frames - 1)
     * along the S seeds; the first and last frames are the end seeds' latents exactly, and so is any
     * frame landing on a seed.
     *
     * @return one latent per frame
     */
    public List<float[]> path() {
        List<float[]> knots = new ArrayList<>();
        if (keyframes != null) {
            knots.addAll(keyframes);
        } else {
            for (long seed : seeds) {
                float[] z = Seeds.latent(seed, generator.config().latentSize());
                knots.add(space == Space.Z ? z : FigurePipeline.map(generator, z));
            }
        }
        int segments = knots.size() - 1;
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < frames; k++) {
            long num = (long) k * segments;
            int seg = (int) (num / (frames - 1));
            double t = (double) (num % (frames - 1)) / (frames - 1);
            if (seg == segments) {
                seg = segments - 1;
                t = 1;
            }
            float[] a = knots.get(seg);
            float[] b = knots.get(seg + 1);
            out.add(space == Space.Z ? slerp(a, b, t) : lerp(a, b, t));
        }
        return out;
    }

    /** @return the frames, in order */
    public List<BufferedImage> render() {
        List<float[]> ws = new ArrayList<>();
        for (float[] latent : path()) {
            if (keyframes != null) {
                ws.add(latent);
                continue;
            }
            float[] w = space == Space.Z ? FigurePipeline.map(generator, latent) : latent;
            ws.add(FigurePipeline.perLayer(generator, w, truncation));
        }
        return FigurePipeline.images(generator, ws, noise, batch, onImage);
    }

    private static void checkSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("latents differ in size: " + a.length + " vs " + b.length);
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
