package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.Blur;
import org.stylegan4j.nn.Conv2d;
import org.stylegan4j.nn.Conv2dDownscale2d;
import org.stylegan4j.nn.EqualizedLr;
import org.stylegan4j.nn.LeakyReLU;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Scoped;

/**
 * One resolution of the discriminator above 4x4 (appendix C: ProGAN's discriminator with the blur of section 2
 * before each downsampling): a 3x3 convolution, then blur and a downsampling convolution to the next resolution's
 * channels, each followed by a leaky ReLU. Registers {@code 32x32.Conv0.*}, {@code 32x32.Conv1_down.*} in the
 * official order.
 */
final class DiscriminatorBlock {

    private final int size;
    private final Conv2d conv0;
    private final Blur blur;
    private final Conv2dDownscale2d conv1Down;
    private final NDArray conv1Bias;

    /**
     * @param store parameter store
     * @param config model config
     * @param res log2 of the block's input resolution, 3 to R
     */
    DiscriminatorBlock(ParameterStore store, ModelConfig config, int res) {
        this.size = 1 << res;
        String scope = size + "x" + size;
        int c = config.nf(res - 1);
        int out = config.nf(res - 2);
        conv0 = new Conv2d(store, scope + ".Conv0", c, c, 3, EqualizedLr.RELU_GAIN, true);
        blur = new Blur(store.manager(), c);
        conv1Down = new Conv2dDownscale2d(store, scope + ".Conv1_down", c, out, size >= 128);
        conv1Bias = store.create(scope + ".Conv1_down.bias", new Shape(out), true, ParameterStore.Init.zeros());
    }

    /**
     * @param x features [N, C, size, size]
     * @return features [N, C', size / 2, size / 2]
     */
    NDArray forward(NDArray x) {
        x = Scoped.step(x, y -> LeakyReLU.apply(conv0.forward(y)));
        x = Scoped.step(x, y -> conv1Down.forward(blur.forward(y)));
        return LeakyReLU.apply(x.add(conv1Bias.reshape(1, conv1Bias.getShape().get(0), 1, 1)));
    }

    /** @return multiply-adds times two for one input at the block's resolution */
    long flops() {
        return conv0.flops(size, size) + blur.flops(size, size) + conv1Down.flops(size, size);
    }
}
