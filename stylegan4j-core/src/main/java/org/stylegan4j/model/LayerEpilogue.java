package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.AdaIN;
import org.stylegan4j.nn.LeakyReLU;
import org.stylegan4j.nn.NoiseInjection;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.PixelNorm;
import org.stylegan4j.nn.Scoped;

/**
 * What follows every convolution of the synthesis network (section 2, figure 1b), in the official
 * order: noise (B), bias, leaky ReLU, pixel norm (traditional generator only), AdaIN with the style (A).
 */
final class LayerEpilogue {

    private final NoiseInjection noise;
    private final NDArray bias;
    private final AdaIN adain;
    private final boolean pixelNorm;
    private final int layer;
    private final int channels;

    LayerEpilogue(ParameterStore store, String scope, int channels, int layer, ModelConfig config) {
        this.layer = layer;
        this.channels = channels;
        this.noise = config.useNoise() ? new NoiseInjection(store, scope, channels) : null;
        this.bias = store.create(scope + ".bias", new Shape(channels), true, ParameterStore.Init.zeros());
        this.pixelNorm = config.usePixelNorm();
        this.adain = config.useStyles() ? new AdaIN(store, scope, config.dlatentSize(), channels) : null;
    }

    NDArray forward(NDArray x, NDArray ws, NDArray noiseMap) {
        x = Scoped.step(x, y -> LeakyReLU.apply(noiseAndBias(y, noiseMap)));
        if (pixelNorm) {
            x = Scoped.step(x, PixelNorm::apply);
        }
        if (adain != null) {
            x = Scoped.step(x, y -> adain.forward(y, ws.get(":, " + layer)));
        }
        return x;
    }

    /**
     * x + noise * B + bias in two passes over the activations: the bias goes into the new tensor in place (neither
     * sum's gradient needs its values).
     */
    private NDArray noiseAndBias(NDArray x, NDArray noiseMap) {
        NDArray b = bias.reshape(1, channels, 1, 1);
        NDArray y = noise == null ? x : noise.forward(x, noiseMap);
        return y == x ? x.add(b) : y.addi(b);
    }

    boolean hasNoise() {
        return noise != null;
    }

    long flops() {
        return adain == null ? 0 : adain.flops();
    }
}
