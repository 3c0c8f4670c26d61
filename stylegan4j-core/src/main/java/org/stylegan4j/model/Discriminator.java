package org.stylegan4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.stylegan4j.nn.Conv2d;
import org.stylegan4j.nn.Dense;
import org.stylegan4j.nn.Downscale2d;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.EqualizedLr;
import org.stylegan4j.nn.LeakyReLU;
import org.stylegan4j.nn.MinibatchStddev;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Scoped;
import org.stylegan4j.nn.Tensors;

import java.util.ArrayList;
import java.util.List;

/**
 * The discriminator (appendix C: the ProGAN discriminator with blur before each downsampling):
 * fromRGB, one {@link DiscriminatorBlock} per resolution above 4x4, minibatch standard deviation and two dense
 * layers at 4x4, equalised learning rate throughout; progressive growing by level of detail.
 */
public final class Discriminator implements AutoCloseable {

    private final ModelConfig config;
    private final int stddevGroupSize;
    private final int stddevFeatures;
    private final int pack;
    private final NDManager manager;
    private final ParameterStore store;
    private final List<Conv2d> fromRgb = new ArrayList<>();
    private final List<DiscriminatorBlock> blocks = new ArrayList<>();
    private final Conv2d conv4x4;
    private final Dense dense0;
    private final Dense dense1;

    /**
     * Builds a freshly initialised discriminator with the official tensors in the official order, and the
     * minibatch-stddev and packing options of {@link ModelConfig#discriminator()}.
     *
     * @param config architecture (resolution, channels, feature maps, discriminator options)
     * @param seed seed of the initial weights
     */
    public Discriminator(ModelConfig config, long seed) {
        DiscriminatorConfig options = config.discriminator();
        this.stddevGroupSize = options.stddevGroupSize();
        this.stddevFeatures = options.stddevFeatures();
        this.pack = options.pack();
        this.config = config;
        this.manager = Engines.newManager();
        this.store = new ParameterStore(manager, seed);
        int r = config.resolutionLog2();
        int inputChannels = config.numChannels() * pack;
        fromRgb.add(new Conv2d(store, "FromRGB_lod0", inputChannels, config.nf(r - 1), 1, EqualizedLr.RELU_GAIN, true));
        for (int res = r; res >= 3; res--) {
            blocks.add(new DiscriminatorBlock(store, config, res));
            fromRgb.add(new Conv2d(store, "FromRGB_lod" + (r - res + 1), inputChannels, config.nf(res - 2), 1,
                    EqualizedLr.RELU_GAIN, true));
        }
        int nf1 = config.nf(1);
        conv4x4 = new Conv2d(store, "4x4.Conv", nf1 + stddevFeatures, nf1, 3, EqualizedLr.RELU_GAIN, true);
        dense0 = new Dense(store, "4x4.Dense0", nf1 * 16, config.nf(0), EqualizedLr.RELU_GAIN, 1.0, true);
        dense1 = new Dense(store, "4x4.Dense1", config.nf(0), 1, 1.0, 1.0, true);
    }

    /** @return images per score (1 unless packing) */
    public int pack() {
        return pack;
    }

    /** @return the architecture */
    public ModelConfig config() {
        return config;
    }

    /** @return every tensor, in the official creation order */
    public ParameterStore parameters() {
        return store;
    }

    /** @return trainable parameters */
    public long parameterCount() {
        return store.count("");
    }

    /**
     * Scores images at a level of detail. Images come at their native resolution
     * 2^(R - floor(lod)); this equals the official network applied to their nearest-neighbour
     * upscale, which it box-averages back down.
     *
     * @param images [N, channels, 2^(R - floor(lod)), same]; with packing, images i * pack to i * pack + pack - 1
     *               form the i-th input
     * @param lod level of detail in [0, R - 2]
     * @return scores [N / pack, 1]
     */
    public NDArray forward(NDArray images, double lod) {
        int r = config.resolutionLog2();
        if (lod < 0 || lod > r - 2) {
            throw new IllegalArgumentException("lod must be in [0, " + (r - 2) + "], got " + lod);
        }
        int k = (int) Math.floor(lod);
        double alpha = lod - k;
        int top = r - k;
        long expected = 1L << top;
        if (images.getShape().get(2) != expected || images.getShape().get(3) != expected) {
            throw new IllegalArgumentException("images must be " + expected + "x" + expected + " at lod " + lod
                    + ", got " + images.getShape());
        }
        long count = images.getShape().get(0);
        if (count % pack != 0) {
            throw new IllegalArgumentException("minibatch " + count + " is not a multiple of the pack size " + pack);
        }
        images = images.reshape(count / pack, images.getShape().get(1) * pack, expected, expected);
        NDArray x = Scoped.step(images, im -> LeakyReLU.apply(fromRgb.get(k).forward(im)));
        for (int res = top; res >= 3; res--) {
            x = Scoped.step(x, blocks.get(r - res)::forward);
            if (res == top && alpha > 0) {
                NDArray input = images;
                x = Scoped.step(x, y -> y.add(Tensors.scale(LeakyReLU.apply(fromRgb.get(k + 1).forward(
                        Downscale2d.apply(input, 2))).sub(y), alpha)));
            }
        }
        long n = x.getShape().get(0);
        x = MinibatchStddev.apply(x, stddevGroupSize, stddevFeatures);
        x = LeakyReLU.apply(conv4x4.forward(x));
        x = LeakyReLU.apply(dense0.forward(x.reshape(n, -1)));
        return dense1.forward(x);
    }

    /**
     * The layers a full-resolution image passes through, from the input: FromRGB_lod0, each block's Conv0 and
     * Conv1_down from the full resolution down to 8x8, then 4x4.Conv, 4x4.Dense0 and 4x4.Dense1.
     *
     * @param config the architecture
     * @return the layers' scopes, in that order
     */
    public static List<String> layerScopes(ModelConfig config) {
        List<String> out = new ArrayList<>();
        out.add("FromRGB_lod0");
        for (int res = config.resolutionLog2(); res >= 3; res--) {
            String scope = (1 << res) + "x" + (1 << res);
            out.add(scope + ".Conv0");
            out.add(scope + ".Conv1_down");
        }
        out.addAll(List.of("4x4.Conv", "4x4.Dense0", "4x4.Dense1"));
        return out;
    }

    /** @return trainable parameters per scope (FromRGB_lod0, 1024x1024.Conv0, ..., 4x4.Dense1), in creation order */
    public java.util.Map<String, Long> scopeParameterCounts() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (ParameterStore.Parameter p : store.trainable()) {
            String scope = p.name().substring(0, p.name().lastIndexOf('.'));
            out.merge(scope, p.size(), Long::sum);
        }
        return out;
    }

    /** @return multiply-adds times two to score one full-resolution image (with packing, a share of its pack) */
    public long flopsPerImage() {
        int r = config.resolutionLog2();
        long total = 2L * config.numChannels() * pack * config.nf(r - 1) * (1L << (2 * r));
        for (DiscriminatorBlock block : blocks) {
            total += block.flops();
        }
        int nf1 = config.nf(1);
        total += 2L * 9 * (nf1 + stddevFeatures) * nf1 * 16 + dense0.flops() + dense1.flops();
        return total / pack;
    }

    @Override
    public void close() {
        manager.close();
    }
}
