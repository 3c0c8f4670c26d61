package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.Blur;
import org.stylegan4j.nn.Conv2d;
import org.stylegan4j.nn.ConstantInput;
import org.stylegan4j.nn.Dense;
import org.stylegan4j.nn.EqualizedLr;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Scoped;
import org.stylegan4j.nn.ToRGB;
import org.stylegan4j.nn.Upscale2d;
import org.stylegan4j.nn.Upscale2dConv2d;
import org.stylegan4j.nn.Tensors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The synthesis network g (section 2, figure 1b): a learned constant 4x4 input, then per resolution
 * an upsampling convolution, blur and a second convolution, each followed by noise and AdaIN driven
 * by that layer's w; ToRGB at every resolution for progressive growing.
 */
public final class SynthesisNetwork {

    /** Name prefix of the synthesis network's tensors. */
    public static final String PREFIX = "synthesis.";

    private final ModelConfig config;
    private final NDArray[] noiseMaps;
    private final ConstantInput constant;
    private final Dense denseInput;
    private final List<Upscale2dConv2d> upConvs = new ArrayList<>();
    private final List<Blur> blurs = new ArrayList<>();
    private final List<Conv2d> convs = new ArrayList<>();
    private final List<LayerEpilogue> epilogues = new ArrayList<>();
    private final List<ToRGB> toRgb = new ArrayList<>();

    /**
     * Registers every synthesis tensor in the official creation order.
     *
     * @param store parameter store
     * @param config model config
     */
    public SynthesisNetwork(ParameterStore store, ModelConfig config) {
        this.config = config;
        int r = config.resolutionLog2();
        int layers = config.numLayers();
        noiseMaps = new NDArray[layers];
        if (config.useNoise()) {
            for (int l = 0; l < layers; l++) {
                int s = layerSize(l);
                noiseMaps[l] = store.create(PREFIX + "noise" + l, new Shape(1, 1, s, s), false,
                        ParameterStore.Init.normal(1.0));
            }
        }
        int nf1 = config.nf(1);
        if (config.constInput()) {
            constant = new ConstantInput(store, PREFIX + "4x4.Const", nf1);
            denseInput = null;
            epilogues.add(new LayerEpilogue(store, PREFIX + "4x4.Const", nf1, 0, config));
        } else {
            constant = null;
            denseInput = new Dense(store, PREFIX + "4x4.Dense", config.dlatentSize(), nf1 * 16,
                    EqualizedLr.RELU_GAIN / 4, 1.0, false);
            epilogues.add(new LayerEpilogue(store, PREFIX + "4x4.Dense", nf1, 0, config));
        }
        convs.add(new Conv2d(store, PREFIX + "4x4.Conv", nf1, nf1, 3, EqualizedLr.RELU_GAIN, false));
        epilogues.add(new LayerEpilogue(store, PREFIX + "4x4.Conv", nf1, 1, config));
        toRgb.add(new ToRGB(store, PREFIX + "ToRGB_lod" + (r - 2), nf1, config.numChannels()));
        for (int res = 3; res <= r; res++) {
            int size = 1 << res;
            String scope = PREFIX + size + "x" + size;
            int in = config.nf(res - 2);
            int out = config.nf(res - 1);
            upConvs.add(new Upscale2dConv2d(store, scope + ".Conv0_up", in, out, size >= 128));
            blurs.add(new Blur(store.manager(), out));
            epilogues.add(new LayerEpilogue(store, scope + ".Conv0_up", out, 2 * res - 4, config));
            convs.add(new Conv2d(store, scope + ".Conv1", out, out, 3, EqualizedLr.RELU_GAIN, false));
            epilogues.add(new LayerEpilogue(store, scope + ".Conv1", out, 2 * res - 3, config));
            toRgb.add(new ToRGB(store, PREFIX + "ToRGB_lod" + (r - res), out, config.numChannels()));
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
        long n = ws.getShape().get(0);
        NDManager manager = ws.getManager();
        NDArray x;
        if (constant != null) {
            x = constant.forward(n);
        } else {
            x = Scoped.step(ws, w -> denseInput.forward(w.get(":, 0")).reshape(n, config.nf(1), 4, 4));
        }
        x = layer(x, 0, ws, noise, manager, y -> y);
        x = layer(x, 1, ws, noise, manager, convs.get(0)::forward);
        NDArray previous = null;
        for (int res = 3; res <= top; res++) {
            if (res == top && alpha > 0) {
                previous = Scoped.step(x, toRgb.get(res - 3)::forward);
            }
            int i = res - 3;
            int l0 = 2 * res - 4;
            x = layer(x, l0, ws, noise, manager, y -> blurs.get(i).forward(upConvs.get(i).forward(y)));
            x = layer(x, l0 + 1, ws, noise, manager, convs.get(i + 1)::forward);
        }
        NDArray img = toRgb.get(top - 2).forward(x);
        if (previous != null) {
            NDArray up = Upscale2d.apply(previous, 2);
            img = img.add(Tensors.scale(up.sub(img), alpha));
        }
        return img;
    }

    /** One synthesis layer: its convolution (if any) and epilogue, its temporaries freed when it ends. */
    private NDArray layer(NDArray x, int layer, NDArray ws, Noise noise, NDManager manager, UnaryOperator<NDArray> conv) {
        return Scoped.step(x, y -> epilogues.get(layer).forward(conv.apply(y), ws, noiseFor(noise, layer, y.getShape()
                .get(0), manager)));
    }

    private NDArray noiseFor(Noise noise, int layer, long n, NDManager manager) {
        if (!epilogues.get(layer).hasNoise()) {
            return null;
        }
        return noise.sample(layer, n, layerSize(layer), noiseMaps[layer], manager);
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
        int r = config.resolutionLog2();
        int nf1 = config.nf(1);
        String in0 = config.constInput() ? "4x4.Const" : "4x4.Dense";
        long inFlops = (denseInput == null ? 0 : denseInput.flops()) + epilogues.get(0).flops();
        rows.add(row(store, in0, nf1, 4, inFlops));
        rows.add(row(store, "4x4.Conv", nf1, 4, convs.get(0).flops(4, 4) + epilogues.get(1).flops()));
        for (int res = 3; res <= r; res++) {
            int size = 1 << res;
            int i = res - 3;
            int out = config.nf(res - 1);
            String scope = size + "x" + size;
            long upFlops = upConvs.get(i).flops(size / 2, size / 2) + blurs.get(i).flops(size, size)
                    + epilogues.get(2 * res - 4).flops();
            rows.add(row(store, scope + ".Conv0_up", out, size, upFlops));
            rows.add(row(store, scope + ".Conv1", out, size,
                    convs.get(i + 1).flops(size, size) + epilogues.get(2 * res - 3).flops()));
        }
        for (int res = 2; res <= r; res++) {
            int size = 1 << res;
            String name = PREFIX + "ToRGB_lod" + (r - res);
            long flops = res == r ? toRgb.get(r - 2).flops(size, size) : 0;
            rows.add(new LayerInfo(name, store.count(name + "."),
                    "[" + config.numChannels() + ", " + size + ", " + size + "]", flops));
        }
        return rows;
    }

    private static LayerInfo row(ParameterStore store, String scope, int channels, int size, long flops) {
        return new LayerInfo(PREFIX + scope, store.count(PREFIX + scope + "."),
                "[" + channels + ", " + size + ", " + size + "]", flops);
    }
}
