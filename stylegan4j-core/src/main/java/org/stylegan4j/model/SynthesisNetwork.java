package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Scoped;
import org.stylegan4j.nn.Tensors;
import org.stylegan4j.nn.Upscale2d;

import java.util.ArrayList;
import java.util.List;

/**
 * The synthesis network g (section 2, figure 1b): one {@link SynthesisBlock} per resolution, from the learned
 * constant 4x4 input up; each block's two layers are driven by their own w, and each block has its ToRGB for
 * progressive growing.
 */
public final class SynthesisNetwork {

    /** Name prefix of the synthesis network's tensors. */
    public static final String PREFIX = "synthesis.";

    private final ModelConfig config;
    private final List<SynthesisBlock> blocks = new ArrayList<>();

    /**
     * Registers every synthesis tensor in the official creation order: the noise maps, then block by block.
     *
     * @param store parameter store
     * @param config model config
     */
    public SynthesisNetwork(ParameterStore store, ModelConfig config) {
        this.config = config;
        int layers = config.numLayers();
        NDArray[] noiseMaps = new NDArray[layers];
        if (config.useNoise()) {
            for (int l = 0; l < layers; l++) {
                int s = layerSize(l);
                noiseMaps[l] = store.create(PREFIX + "noise" + l, new Shape(1, 1, s, s), false,
                        ParameterStore.Init.normal(1.0));
            }
        }
        for (int res = 2; res <= config.resolutionLog2(); res++) {
            blocks.add(new SynthesisBlock(store, config, res, noiseMaps));
        }
    }

    /**
     * @param layer synthesis layer index
     * @return spatial size of that layer, 2^(layer/2 + 2)
     */
    public static int layerSize(int layer) {
        return 1 << (layer / 2 + 2);
    }

    /**
     * Synthesises images at the level of detail {@code lod} (0 = full resolution). Like the official
     * 'recursive' structure, blocks above the current level are not evaluated; unlike it, the image is
     * returned at its native resolution 2^(R - floor(lod)) rather than nearest-upscaled to full size
     * (see {@link Upscale2d} to upscale). During a fade (fractional lod) the new level is blended with
     * the upscaled previous one.
     *
     * @param ws per-layer w [N, L, D] (layers beyond the current level are ignored)
     * @param noise noise inputs
     * @param lod level of detail in [0, R - 2]
     * @return images [N, channels, 2^(R - floor(lod)), same]
     */
    public NDArray forward(NDArray ws, Noise noise, double lod) {
        int r = config.resolutionLog2();
        if (lod < 0 || lod > r - 2) {
            throw new IllegalArgumentException("lod must be in [0, " + (r - 2) + "], got " + lod);
        }
        int k = (int) Math.floor(lod);
        double alpha = lod - k;
        int top = r - k;
        NDArray x = blocks.get(0).forward(null, ws, noise);
        NDArray previous = null;
        for (int res = 3; res <= top; res++) {
            if (res == top && alpha > 0) {
                SynthesisBlock below = blocks.get(res - 3);
                previous = Scoped.step(x, below::toRgb);
            }
            x = blocks.get(res - 2).forward(x, ws, noise);
        }
        NDArray img = Scoped.stepConsuming(x, blocks.get(top - 2)::toRgb);
        if (previous != null) {
            NDArray up = Upscale2d.apply(previous, 2);
            img = img.add(Tensors.scale(up.sub(img), alpha));
        }
        return img;
    }

    /** @return the model config */
    public ModelConfig config() {
        return config;
    }

    /**
     * @param store the store the network lives in
     * @return one row per layer: const/dense input, convolutions, ToRGB
     */
    public List<LayerInfo> describe(ParameterStore store) {
        List<LayerInfo> rows = new ArrayList<>();
        for (SynthesisBlock block : blocks) {
            block.describe(store, rows);
        }
        for (SynthesisBlock block : blocks) {
            rows.add(block.describeToRgb(store, config.numChannels(), block == blocks.get(blocks.size() - 1)));
        }
        return rows;
    }
}
