package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import org.stylegan4j.nn.Dense;
import org.stylegan4j.nn.EqualizedLr;
import org.stylegan4j.nn.LeakyReLU;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.PixelNorm;

import java.util.ArrayList;
import java.util.List;

/**
 * The mapping network f (section 2, figure 1b): pixel-normalised z through {@code mappingLayers}
 * equalised-lr dense layers with leaky ReLU (the last one too) and lr multiplier 0.01, giving w.
 */
public final class MappingNetwork {

    /** Name prefix of the mapping network's tensors. */
    public static final String PREFIX = "mapping.";

    private final List<Dense> layers = new ArrayList<>();
    private final ModelConfig config;

    /**
     * Registers {@code mapping.Dense<i>.weight/bias}.
     *
     * @param store parameter store
     * @param config model config
     */
    public MappingNetwork(ParameterStore store, ModelConfig config) {
        this.config = config;
        for (int i = 0; i < config.mappingLayers(); i++) {
            int in = i == 0 ? config.latentSize() : config.mappingFmaps();
            int out = i == config.mappingLayers() - 1 ? config.dlatentSize() : config.mappingFmaps();
            layers.add(new Dense(store, PREFIX + "Dense" + i, in, out, EqualizedLr.RELU_GAIN, config.mappingLrMul(), true));
        }
    }

    /**
     * @param z latents [N, latentSize]
     * @return w [N, dlatentSize]
     */
    public NDArray forward(NDArray z) {
        NDArray x = PixelNorm.apply(z);
        for (Dense d : layers) {
            x = LeakyReLU.apply(d.forward(x));
        }
        return x;
    }

    /**
     * @param store the store the network lives in
     * @return one row per dense layer
     */
    public List<LayerInfo> describe(ParameterStore store) {
        List<LayerInfo> rows = new ArrayList<>();
        rows.add(new LayerInfo("mapping.latents_in", 0, "[" + config.latentSize() + "]", 0));
        for (int i = 0; i < layers.size(); i++) {
            int out = i == layers.size() - 1 ? config.dlatentSize() : config.mappingFmaps();
            rows.add(new LayerInfo("mapping.Dense" + i, store.count(PREFIX + "Dense" + i + "."), "[" + out + "]",
                    layers.get(i).flops()));
        }
        return rows;
    }
}
