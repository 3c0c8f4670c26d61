package org.stylegan4j.figures;

import org.stylegan4j.data.Images;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Truncation;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The truncation trick figure (section 3.3 and appendix B, figure 8): each seed at several psi,
 * w' = w_avg + psi (w - w_avg). As the official figure: every layer truncated, constant noise.
 */
public final class TruncationFigure {

    /** The official figure's psi values. */
    public static final double[] DEFAULT_PSI = {1, 0.7, 0.5, 0, -0.5, -1};

    /**
     * The rendered figure.
     *
     * @param figure one row per seed, one column per psi
     * @param images per seed (outer) and psi (inner)
     */
    public record Result(BufferedImage figure, List<List<BufferedImage>> images) {
    }

    private final Generator generator;
    private final long[] seeds;
    private final double[] psis;
    private int cutoff = Integer.MAX_VALUE;
    private Noise noise = Noise.constant();
    private int batch = 8;
    private Runnable onImage = () -> { };

    /**
     * @param generator the network
     * @param seeds image seeds, one row each
     * @param psis truncation strengths, one column each
     */
    public TruncationFigure(Generator generator, long[] seeds, double[] psis) {
        if (seeds.length == 0 || psis.length == 0) {
            throw new IllegalArgumentException("a truncation figure needs at least one seed and one psi");
        }
        this.generator = generator;
        this.seeds = seeds.clone();
        this.psis = psis.clone();
    }

    /**
     * @param cutoff number of leading layers truncated (default all, as the official figure)
     * @return this
     */
    public TruncationFigure cutoff(int cutoff) {
        if (cutoff < 0) {
            throw new IllegalArgumentException("cutoff must not be negative, got " + cutoff);
        }
        this.cutoff = cutoff;
        return this;
    }

    /**
     * @param noise noise inputs shared by all images (constant, random or none)
     * @return this
     */
    public TruncationFigure noise(Noise noise) {
        this.noise = FigurePipeline.checkShared(noise);
        return this;
    }

    /**
     * @param batch images per forward pass
     * @return this
     */
    public TruncationFigure batchSize(int batch) {
        this.batch = FigurePipeline.checkBatch(batch);
        return this;
    }

    /**
     * @param onImage called after each synthesised image (for progress)
     * @return this
     */
    public TruncationFigure onImage(Runnable onImage) {
        this.onImage = onImage;
        return this;
    }

    /** @return images the figure synthesises */
    public int imageCount() {
        return seeds.length * psis.length;
    }

    /**
     * @param seed image seed
     * @param psi truncation strength
     * @return the per-layer w of that tile
     */
    public float[] ws(long seed, double psi) {
        return FigurePipeline.perLayer(generator, FigurePipeline.seedW(generator, seed), new Truncation(psi, cutoff));
    }

    /** @return the rendered figure */
    public Result render() {
        List<float[]> ws = new ArrayList<>();
        for (long seed : seeds) {
            float[] w = FigurePipeline.seedW(generator, seed);
            for (double psi : psis) {
                ws.add(FigurePipeline.perLayer(generator, w, new Truncation(psi, cutoff)));
            }
        }
        List<BufferedImage> tiles = FigurePipeline.images(generator, ws, noise, batch, onImage);
        List<List<BufferedImage>> images = new ArrayList<>();
        for (int s = 0; s < seeds.length; s++) {
            images.add(List.copyOf(tiles.subList(s * psis.length, (s + 1) * psis.length)));
        }
        return new Result(Images.grid(tiles, psis.length), List.copyOf(images));
    }
}
