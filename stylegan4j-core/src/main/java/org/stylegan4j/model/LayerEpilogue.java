package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.AdaIN;
import org.stylegan4j.nn.LeakyReLU;
import org.stylegan4j.nn.NoiseInjection;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.PixelNorm;
import org.stylegan4j.nn.Scoped;

import java.util.function.UnaryOperator;

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

    /**
     * @param x the convolution's output
     * @param ws per-layer w [N, L, D]
     * @param noiseMap the layer's noise [N, 1, H, W], or null without noise
     * @param consume whether {@code x} is this layer's own activation, to be freed once used (see
     *                {@link Scoped#stepConsuming}); false when it belongs to someone else (the learned constant)
     * @return the layer's output
     */
    NDArray forward(NDArray x, NDArray ws, NDArray noiseMap, boolean consume) {
        UnaryOperator<NDArray> first = y -> LeakyReLU.apply(noiseAndBias(y, noiseMap));
        x = consume ? Scoped.stepConsuming(x, first) : Scoped.step(x, first);
        if (pixelNorm) {
            x = Scoped.stepConsuming(x, PixelNorm::apply);
        }
        if (adain != null) {
            x = Scoped.stepConsuming(x, y -> adain.forward(y, ws.get(":, " + layer)));
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
