package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.stylegan4j.nn.Blur;
import org.stylegan4j.nn.ConstantInput;
import org.stylegan4j.nn.Conv2d;
import org.stylegan4j.nn.Dense;
import org.stylegan4j.nn.EqualizedLr;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Scoped;
import org.stylegan4j.nn.ToRGB;
import org.stylegan4j.nn.Upscale2dConv2d;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One resolution of the synthesis network g as figure 1b draws it: at 4x4 the learned constant (or, in the
 * traditional generator of Table 1 row B, a dense layer fed by w) and a 3x3 convolution; above, an upsampling
 * convolution followed by the blur of section 2, then a 3x3 convolution; each of the two layers followed by its
 * epilogue (noise B, bias, leaky ReLU, AdaIN with the style A of that layer's w), and the block's ToRGB for
 * progressive growing. Its tensors are registered in the official order, under the official names
 * ({@code synthesis.8x8.Conv0_up.weight}, ..., {@code synthesis.ToRGB_lod3.weight}).
 */
final class SynthesisBlock {

    private final int size;
    private final int channels;
    private final int firstLayer;
    private final NDArray[] noiseMaps;
    private final ConstantInput constant;
    private final Dense dense;
    private final Upscale2dConv2d upConv;
    private final Blur blur;
    private final Conv2d conv;
    private final LayerEpilogue first;
    private final LayerEpilogue second;
    private final ToRGB toRgb;
    private final String toRgbName;

    /**
     * Creates the block of resolution 2^res and registers its tensors.
     *
     * @param store parameter store
     * @param config model config
     * @param res log2 of the block's resolution, 2 (4x4) to R
     * @param noiseMaps the network's per-layer noise maps (null entries without noise)
     */
    SynthesisBlock(ParameterStore store, ModelConfig config, int res, NDArray[] noiseMaps) {
        this.size = 1 << res;
        this.channels = config.nf(res - 1);
        this.firstLayer = 2 * res - 4;
        this.noiseMaps = noiseMaps;
        String scope = SynthesisNetwork.PREFIX + size + "x" + size;
        String firstScope;
        if (res == 2) {
            upConv = null;
            blur = null;
            if (config.constInput()) {
                firstScope = scope + ".Const";
                constant = new ConstantInput(store, firstScope, channels);
                dense = null;
            } else {
                firstScope = scope + ".Dense";
                constant = null;
                dense = new Dense(store, firstScope, config.dlatentSize(), channels * 16, EqualizedLr.RELU_GAIN / 4,
                        1.0, false);
            }
        } else {
            firstScope = scope + ".Conv0_up";
            constant = null;
            dense = null;
            upConv = new Upscale2dConv2d(store, firstScope, config.nf(res - 2), channels, size >= 128);
            blur = new Blur(store.manager(), channels);
        }
        first = new LayerEpilogue(store, firstScope, channels, firstLayer, config);
        conv = new Conv2d(store, scope + (res == 2 ? ".Conv" : ".Conv1"), channels, channels, 3, EqualizedLr.RELU_GAIN,
                false);
        second = new LayerEpilogue(store, scope + (res == 2 ? ".Conv" : ".Conv1"), channels, firstLayer + 1, config);
        toRgbName = SynthesisNetwork.PREFIX + "ToRGB_lod" + (config.resolutionLog2() - res);
        toRgb = new ToRGB(store, toRgbName, channels, config.numChannels());
    }

    /**
     * @param x the previous block's features [N, C, size/2, size/2], or null for the 4x4 block, which starts from
     *          the constant (or from the first layer's w); closed once used, as the pass holds no other reference
     * @param ws per-layer w [N, L, D]
     * @param noise noise inputs
     * @return features [N, channels, size, size]
     */
    NDArray forward(NDArray x, NDArray ws, Noise noise) {
        NDManager manager = ws.getManager();
        long n = ws.getShape().get(0);
        NDArray y;
        if (upConv != null) {
            y = layer(x, firstLayer, ws, noise, manager,
                    in -> Scoped.stepConsuming(upConv.forward(in), blur::forward), first);
        } else if (constant != null) {
            y = layer(constant.forward(n), firstLayer, ws, noise, manager, in -> in, first);
        } else {
            NDArray start = Scoped.step(ws, w -> dense.forward(w.get(":, 0")).reshape(n, channels, 4, 4));
            y = layer(start, firstLayer, ws, noise, manager, in -> in, first);
        }
        return layer(y, firstLayer + 1, ws, noise, manager, conv::forward, second);
    }

    /**
     * @param x the block's features
     * @return the image this block's ToRGB makes of them [N, channels of the image, size, size]
     */
    NDArray toRgb(NDArray x) {
        return toRgb.forward(x);
    }

    /**
     * One layer: its convolution and epilogue, its temporaries freed when it ends. A convolution's input and output
     * are freed as soon as they are used ({@link Scoped#stepConsuming}); an input the layer passes on as it is (the
     * learned constant, the dense start) is left alone.
     */
    private NDArray layer(NDArray x, int layer, NDArray ws, Noise noise, NDManager manager,
                          UnaryOperator<NDArray> convolution, LayerEpilogue epilogue) {
        return Scoped.step(x, y -> {
            long n = y.getShape().get(0);
            NDArray c = convolution.apply(y);
            boolean fresh = c != y;
            if (fresh) {
                y.close();
            }
            return epilogue.forward(c, ws, epilogue.hasNoise()
                    ? noise.sample(layer, n, size, noiseMaps[layer], manager) : null, fresh);
        });
    }

    /**
     * @param store the store the network lives in
     * @param rows where the block's two layer rows go (its ToRGB row is listed with the others by the network)
     */
    void describe(ParameterStore store, List<LayerInfo> rows) {
        String scope = size + "x" + size;
        long firstFlops;
        String firstName;
        if (upConv != null) {
            firstName = scope + ".Conv0_up";
            firstFlops = upConv.flops(size / 2, size / 2) + blur.flops(size, size);
        } else {
            firstName = scope + (constant != null ? ".Const" : ".Dense");
            firstFlops = dense == null ? 0 : dense.flops();
        }
        rows.add(row(store, firstName, firstFlops + first.flops()));
        rows.add(row(store, scope + (upConv != null ? ".Conv1" : ".Conv"), conv.flops(size, size) + second.flops()));
    }

    /**
     * @param store the store the network lives in
     * @param outputChannels image channels
     * @param counted whether its FLOPs count (only the last block's ToRGB runs at full resolution)
     * @return the ToRGB row
     */
    LayerInfo describeToRgb(ParameterStore store, int outputChannels, boolean counted) {
        return new LayerInfo(toRgbName, store.count(toRgbName + "."),
                "[" + outputChannels + ", " + size + ", " + size + "]", counted ? toRgb.flops(size, size) : 0);
    }

    private LayerInfo row(ParameterStore store, String scope, long flops) {
        String name = SynthesisNetwork.PREFIX + scope;
        return new LayerInfo(name, store.count(name + "."), "[" + channels + ", " + size + ", " + size + "]", flops);
    }
}
