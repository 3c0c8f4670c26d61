package org.stylegan4j.figures;

import org.stylegan4j.data.Images;
import org.stylegan4j.data.Pixels;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Truncation;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Stochastic variation figure (section 3.2, figure 4): one w per seed, synthesised many times with
 * only the noise re-drawn; it shows the image, a few re-draws and the per-pixel standard deviation.
 *
 * <p>Sample {@code i} uses noise seeded by {@code noiseSeed + i}, so the figure is reproducible;
 * every sample shares the seed's w (no truncation by default, as the official figure).
 *
 * <p>The standard deviation image follows the official normalisation: each sample is quantised to
 * 8 bits, averaged over its channels, the population standard deviation over the samples is taken
 * per pixel in 0..255 units, multiplied by 4, and stored as {@code floor(min(255, 4 std + 0.5))}.
 * Pixels untouched by the noise are exactly 0 (black).
 */
public final class NoiseFigure {

    /**
     * One seed's row of the figure.
     *
     * @param seed image seed
     * @param image sample 0
     * @param redraws samples 1..redraws: the same w, other noise
     * @param stddev per-pixel standard deviation over all samples (gray, normalised as the class says)
     */
    public record Row(long seed, BufferedImage image, List<BufferedImage> redraws, BufferedImage stddev) {
    }

    /**
     * The rendered figure.
     *
     * @param figure one row per seed: image, re-draws, standard deviation
     * @param rows the rows
     */
    public record Result(BufferedImage figure, List<Row> rows) {
    }

    private final Generator generator;
    private final long[] seeds;
    private int samples = 100;
    private int redraws = 4;
    private long noiseSeed;
    private Truncation truncation = Truncation.NONE;
    private int batch = 8;
    private Runnable onImage = () -> { };

    /**
     * @param generator the network
     * @param seeds image seeds, one row each
     */
    public NoiseFigure(Generator generator, long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("a noise figure needs at least one seed");
        }
        this.generator = generator;
        this.seeds = seeds.clone();
    }

    /**
     * @param samples noise draws per seed for the standard deviation (official 100; at least 2)
     * @return this
     */
    public NoiseFigure samples(int samples) {
        if (samples < 2) {
            throw new IllegalArgumentException("a standard deviation needs at least 2 samples, got " + samples);
        }
        this.samples = samples;
        return this;
    }

    /**
     * @param redraws re-draws shown next to the image (default 4)
     * @return this
     */
    public NoiseFigure redraws(int redraws) {
        if (redraws < 0) {
            throw new IllegalArgumentException("redraws must not be negative, got " + redraws);
        }
        this.redraws = redraws;
        return this;
    }

    /**
     * @param noiseSeed noise seed of sample 0; sample i uses {@code noiseSeed + i}
     * @return this
     */
    public NoiseFigure noiseSeed(long noiseSeed) {
        this.noiseSeed = noiseSeed;
        return this;
    }

    /**
     * @param truncation truncation of the seeds' w (default none)
     * @return this
     */
    public NoiseFigure truncation(Truncation truncation) {
        this.truncation = truncation;
        return this;
    }

    /**
     * @param batch images per forward pass
     * @return this
     */
    public NoiseFigure batchSize(int batch) {
        this.batch = FigurePipeline.checkBatch(batch);
        return this;
    }

    /**
     * @param onImage called after each synthesised image (for progress)
     * @return this
     */
    public NoiseFigure onImage(Runnable onImage) {
        this.onImage = onImage;
        return this;
    }

    /** @return images the figure synthesises */
    public int imageCount() {
        return seeds.length * samples;
    }

    /**
     * @param seed image seed
     * @return the per-layer w every sample of the seed shares
     */
    public float[] ws(long seed) {
        return FigurePipeline.perLayer(generator, FigurePipeline.seedW(generator, seed), truncation);
    }

    /**
     * @param sample sample index
     * @return the noise seed of that sample
     */
    public long noiseSeedOf(int sample) {
        return noiseSeed + sample;
    }

    /** @return the rendered figure */
    public Result render() {
        ModelConfig c = generator.config();
        int shown = Math.min(redraws, samples - 1);
        List<Row> rows = new ArrayList<>();
        List<BufferedImage> tiles = new ArrayList<>();
        long[] noiseSeeds = new long[samples];
        Arrays.setAll(noiseSeeds, this::noiseSeedOf);
        for (long seed : seeds) {
            List<float[]> ws = Collections.nCopies(samples, ws(seed));
            StdDev std = new StdDev(c.numChannels(), c.resolution() * c.resolution());
            BufferedImage[] kept = new BufferedImage[shown + 1];
            FigurePipeline.synthesizeSeeded(generator, ws, noiseSeeds, batch, (i, px, off) -> {
                BufferedImage img = FigurePipeline.image(c, px, off);
                std.add(img);
                if (i <= shown) {
                    kept[i] = img;
                }
                onImage.run();
            });
            Row row = new Row(seed, kept[0], List.of(Arrays.copyOfRange(kept, 1, shown + 1)),
                    std.image(c.resolution(), c.resolution()));
            rows.add(row);
            tiles.add(row.image());
            tiles.addAll(row.redraws());
            tiles.add(row.stddev());
        }
        return new Result(Images.grid(tiles, shown + 2), List.copyOf(rows));
    }

    /** Exact per-pixel sums of the channel sums of 8-bit samples. */
    private static final class StdDev {
        private final int channels;
        private final long[] sum;
        private final long[] sumSq;
        private long n;

        StdDev(int channels, int pixels) {
            this.channels = channels;
            this.sum = new long[pixels];
            this.sumSq = new long[pixels];
        }

        void add(BufferedImage img) {
            byte[] chw = Pixels.toBytes(img, channels);
            int plane = sum.length;
            for (int p = 0; p < plane; p++) {
                long s = 0;
                for (int ch = 0; ch < channels; ch++) {
                    s += chw[ch * plane + p] & 0xff;
                }
                sum[p] += s;
                sumSq[p] += s * s;
            }
            n++;
        }

        BufferedImage image(int h, int w) {
            byte[] out = new byte[sum.length];
            for (int p = 0; p < out.length; p++) {
                long varTimesN2 = n * sumSq[p] - sum[p] * sum[p];
                double std = Math.sqrt((double) varTimesN2) / n / channels;
                out[p] = (byte) (int) Math.floor(Math.min(255.0, std * 4 + 0.5));
            }
            return Pixels.toImage(out, 1, h, w);
        }
    }
}
