package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Scoped;
import org.stylegan4j.nn.Upscale2d;

import java.util.ArrayList;
import java.util.List;

/**
 * The style-based generator (section 2): mapping network f, synthesis network g, the tracked
 * average w used by the truncation trick, style mixing and noise control. Every method returning
 * an array computes inside a scope, frees its temporaries and attaches the result to the manager of
 * its first array argument; inference methods build no autograd graph.
 *
 * <p><b>Threads:</b> a generator may be used by several threads at once for inference ({@link #map},
 * {@link #synthesize}, {@link #generate}, ...): the parameters are only read, a frozen generator builds its kept
 * kernels once under a lock, and each call's temporaries live in the calling thread's scope. Each thread passes its
 * own arrays (an {@code NDManager} is not meant to be shared while arrays are added to it). Images depend only on
 * the inputs (with {@link Noise#seeded}, {@link Noise#constant} or {@link Noise#none}), not on which thread or how
 * many ran them ({@code GeneratorThreadsTest}). Training, {@link #close} and the parameter store's writes must be
 * confined to one thread.
 */
public final class Generator implements AutoCloseable {

    /** Name of the tracked average of w. */
    public static final String W_AVG = "dlatent_avg";
    /**
     * Largest layer activation of a part of an unrecorded batch, in bytes: one 256x256 image's 64-channel layer,
     * about what stays in a server CPU's last-level cache (chosen, not tuned; see {@link #inParts}).
     */
    static final long PART_BYTES = 16L << 20;

    private final ModelConfig config;
    private final NDManager manager;
    private final ParameterStore store;
    private final NDArray wAvg;
    private final SynthesisNetwork synthesis;
    private final MappingNetwork mapping;

    /**
     * Builds a freshly initialised generator (official initialisation, seeded).
     *
     * @param config architecture
     * @param seed seed of the initial weights and stored noise maps
     */
    public Generator(ModelConfig config, long seed) {
        this.config = config;
        this.manager = Engines.newManager();
        this.store = new ParameterStore(manager, seed);
        this.wAvg = store.create(W_AVG, new Shape(config.dlatentSize()), false, ParameterStore.Init.zeros());
        this.synthesis = new SynthesisNetwork(store, config);
        this.mapping = new MappingNetwork(store, config);
    }

    /**
     * Declares the parameters final, for a generator loaded to generate images: what is derived from them once per
     * pass while training (the polyphase kernels of the upsampling convolutions) is then computed once and kept.
     * The parameters must not change afterwards ({@link ParameterStore#freeze}).
     *
     * @return this generator
     */
    public Generator freeze() {
        store.freeze();
        return this;
    }

    /** @return the architecture */
    public ModelConfig config() {
        return config;
    }

    /** @return every tensor, in the official creation order (w_avg, synthesis, mapping) */
    public ParameterStore parameters() {
        return store;
    }

    /** @return the mapping network f */
    public MappingNetwork mapping() {
        return mapping;
    }

    /** @return the synthesis network g */
    public SynthesisNetwork synthesis() {
        return synthesis;
    }

    /** @return the tracked average of w [D], updated in place during training */
    public NDArray wAvg() {
        return wAvg;
    }

    /**
     * Maps latents to the intermediate latent space: w = f(z).
     *
     * @param z latents [N, latentSize]
     * @return w [N, dlatentSize]
     */
    public NDArray map(NDArray z) {
        return Scoped.compute(z.getManager(), () -> mapping.forward(z));
    }

    /**
     * Copies w to every synthesis layer.
     *
     * @param w [N, D]
     * @return per-layer w [N, L, D]
     */
    public NDArray broadcast(NDArray w) {
        long n = w.getShape().get(0);
        return Scoped.compute(w.getManager(),
                () -> w.reshape(n, 1, config.dlatentSize()).repeat(1, config.numLayers()));
    }

    /**
     * @param ws per-layer w [N, L, D]
     * @param truncation truncation to apply
     * @return truncated per-layer w
     */
    public NDArray truncate(NDArray ws, Truncation truncation) {
        return Scoped.compute(ws.getManager(), () -> truncation.apply(ws, wAvg));
    }

    /**
     * Synthesises full-resolution images from per-layer w.
     *
     * @param ws per-layer w [N, L, D]
     * @param noise noise inputs
     * @return images [N, channels, resolution, resolution], nominally in [-1, 1]
     */
    public NDArray synthesize(NDArray ws, Noise noise) {
        return synthesize(ws, noise, 0);
    }

    /**
     * Synthesises images at a level of detail, upscaled (nearest) to full resolution as the official
     * network outputs them.
     *
     * @param ws per-layer w [N, L, D]
     * @param noise noise inputs
     * @param lod level of detail (0 = full resolution)
     * @return images [N, channels, resolution, resolution]
     */
    public NDArray synthesize(NDArray ws, Noise noise, double lod) {
        return Scoped.compute(ws.getManager(),
                () -> Upscale2d.apply(inParts(ws, noise, lod), 1 << (int) Math.floor(lod)));
    }

    /**
     * The synthesis network on a batch, in parts of at most {@link #partSize} images when no gradient is recorded:
     * every image is synthesised independently, and a layer's tensors past the caches (say 16 images of 64 channels
     * at 256x256, 256 MB) made a large batch slower per image than one image at a time. Recorded passes (training)
     * run whole.
     */
    private NDArray inParts(NDArray ws, Noise noise, double lod) {
        return inParts(ws, noise, lod, partSize(config, config.resolution() >> (int) Math.floor(lod)));
    }

    NDArray inParts(NDArray ws, Noise noise, double lod, int part) {
        int n = Math.toIntExact(ws.getShape().get(0));
        if (n <= part || Autograd.isRecording()) {
            return synthesis.forward(ws, noise, lod);
        }
        NDList parts = new NDList();
        for (int from = 0; from < n; from += part) {
            int to = Math.min(n, from + part);
            int start = from;
            parts.add(Scoped.step(ws, all -> synthesis.forward(all.get(start + ":" + to), noise.part(start, to), lod)));
        }
        return NDArrays.concat(parts);
    }

    /**
     * @param config architecture
     * @param res resolution synthesised
     * @return images per part: as many as keep the largest layer's activations within {@link #PART_BYTES} (at
     *         least one)
     */
    static int partSize(ModelConfig config, int res) {
        long largest = 0;
        for (int r = 4; r <= res; r *= 2) {
            largest = Math.max(largest, (long) Float.BYTES * config.nf(Integer.numberOfTrailingZeros(r) - 1) * r * r);
        }
        return (int) Math.max(1, PART_BYTES / largest);
    }

    /**
     * z to image: map, broadcast, truncate, synthesise.
     *
     * @param z latents [N, latentSize]
     * @param truncation truncation (use {@link Truncation#NONE} for none)
     * @param noise noise inputs
     * @return images [N, channels, resolution, resolution]
     */
    public NDArray generate(NDArray z, Truncation truncation, Noise noise) {
        return Scoped.compute(z.getManager(), () -> {
            NDArray w = mapping.forward(z);
            long n = w.getShape().get(0);
            NDArray ws = w.reshape(n, 1, config.dlatentSize()).repeat(1, config.numLayers());
            return inParts(truncation.apply(ws, wAvg), noise, 0);
        });
    }

    /** @return trainable parameters of the mapping network */
    public long mappingParameterCount() {
        return store.count(MappingNetwork.PREFIX);
    }

    /** @return trainable parameters of the synthesis network */
    public long synthesisParameterCount() {
        return store.count(SynthesisNetwork.PREFIX);
    }

    /** @return trainable parameters of the whole generator */
    public long parameterCount() {
        return store.count("");
    }

    /** @return architecture rows: mapping layers then synthesis layers */
    public List<LayerInfo> describe() {
        List<LayerInfo> rows = new ArrayList<>(mapping.describe(store));
        rows.addAll(synthesis.describe(store));
        return rows;
    }

    /** @return multiply-adds times two to generate one image at full resolution */
    public long flopsPerImage() {
        return describe().stream().mapToLong(LayerInfo::flops).sum();
    }

    @Override
    public void close() {
        manager.close();
    }
}
