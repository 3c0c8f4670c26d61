package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Random;
import org.stylegan4j.nn.Tensors;

/**
 * Which noise the per-pixel noise inputs B receive (section 3.2, figures 4 and 5): fresh random
 * noise, noise fixed per image seed, the network's stored constant maps, or none; optionally scaled
 * per layer (a strength of 0 switches a layer's noise off).
 */
public final class Noise {

    /** Where the noise maps come from. */
    public enum Mode {
        /** Fresh N(0, 1) from the engine's generator on every call. */
        RANDOM,
        /** N(0, 1) drawn by a Java generator seeded by each image's seed and the layer: the same image every run. */
        SEEDED,
        /** The network's stored non-trainable maps {@code noise<l>}, the same for every image. */
        CONST,
        /** No noise. */
        NONE,
        /** Maps given per layer, one per image (a projection's optimised noise, {@code Projector}). */
        GIVEN
    }

    private final Mode mode;
    private final long[] seeds;
    private final float[] strengths;
    private final NDArray[] maps;

    private Noise(Mode mode, long[] seeds, float[] strengths) {
        this(mode, seeds, strengths, null);
    }

    private Noise(Mode mode, long[] seeds, float[] strengths, NDArray[] maps) {
        this.mode = mode;
        this.seeds = seeds;
        this.strengths = strengths;
        this.maps = maps;
    }

    /**
     * @param perLayer one map per synthesis layer, {@code [N, 1, size, size]} for a batch of N (differentiable when
     *        they require a gradient); the caller keeps them alive while the noise is used
     * @return noise that uses exactly these maps
     */
    public static Noise given(NDArray... perLayer) {
        return new Noise(Mode.GIVEN, null, null, perLayer.clone());
    }

    /** @return fresh random noise */
    public static Noise random() {
        return new Noise(Mode.RANDOM, null, null);
    }

    /**
     * The noise of images {@code from} to {@code to - 1} of a batch (for a batch synthesised in parts).
     *
     * @param from first image
     * @param to end of the part, exclusive
     * @return this noise for that part: the same per-image seeds, so a part draws what the whole batch would
     */
    public Noise part(int from, int to) {
        if (maps != null) {
            NDArray[] part = new NDArray[maps.length];
            for (int l = 0; l < maps.length; l++) {
                part[l] = maps[l] == null ? null : maps[l].get(from + ":" + to);
            }
            return new Noise(mode, null, strengths, part);
        }
        return seeds == null ? this : new Noise(mode, Arrays.copyOfRange(seeds, from, to), strengths);
    }

    /**
     * @param seeds one seed per image of the batch
     * @return noise fixed by each image's seed
     */
    public static Noise seeded(long... seeds) {
        return new Noise(Mode.SEEDED, seeds.clone(), null);
    }

    /** @return the network's stored constant noise maps */
    public static Noise constant() {
        return new Noise(Mode.CONST, null, null);
    }

    /** @return no noise */
    public static Noise none() {
        return new Noise(Mode.NONE, null, null);
    }

    /** @return the mode */
    public Mode mode() {
        return mode;
    }

    /**
     * @param perLayer strength per synthesis layer (missing layers keep 1)
     * @return a copy with the noise of each layer multiplied by its strength
     */
    public Noise scaled(float... perLayer) {
        return new Noise(mode, seeds, perLayer.clone(), maps);
    }

    /**
     * @param numLayers number of synthesis layers
     * @param from first layer with noise
     * @param to one past the last layer with noise
     * @return a copy with noise only in layers [from, to)
     */
    public Noise onlyLayers(int numLayers, int from, int to) {
        float[] s = new float[numLayers];
        Arrays.fill(s, Math.max(0, from), Math.min(numLayers, to), 1f);
        return scaled(s);
    }

    /**
     * The noise map of one layer.
     *
     * @param layer synthesis layer index
     * @param n batch size
     * @param size spatial size of the layer
     * @param constantMap the network's stored map for this layer, [1, 1, size, size]
     * @param manager manager for new arrays
     * @return [n or 1, 1, size, size], or null for no noise
     */
    public NDArray sample(int layer, long n, int size, NDArray constantMap, NDManager manager) {
        float strength = strengths == null || layer >= strengths.length ? 1f : strengths[layer];
        if (mode == Mode.NONE || strength == 0f) {
            return null;
        }
        NDArray map;
        switch (mode) {
            case RANDOM:
                map = manager.randomNormal(new Shape(n, 1, size, size));
                break;
            case GIVEN:
                if (layer >= maps.length || maps[layer] == null || maps[layer].getShape().get(0) != n
                        || maps[layer].getShape().get(2) != size) {
                    throw new IllegalArgumentException("given noise has no [" + n + ", 1, " + size + ", " + size
                            + "] map for layer " + layer);
                }
                map = maps[layer];
                break;
            case SEEDED:
                if (seeds.length != n) {
                    throw new IllegalArgumentException("seeded noise has " + seeds.length + " seeds for a batch of " + n);
                }
                float[] values = new float[Math.toIntExact(n * size * size)];
                for (int i = 0; i < n; i++) {
                    Random rng = new Random(seeds[i] * 0x9E3779B97F4A7C15L + layer);
                    for (int j = 0; j < size * size; j++) {
                        values[i * size * size + j] = (float) rng.nextGaussian();
                    }
                }
                map = Tensors.owned(manager, values, new Shape(n, 1, size, size));
                break;
            default:
                map = constantMap;
                break;
        }
        return strength == 1f ? map : Tensors.scale(map, strength);
    }
}
