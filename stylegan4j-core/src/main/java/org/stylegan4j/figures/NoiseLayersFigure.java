package org.stylegan4j.figures;

import org.stylegan4j.data.Images;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Truncation;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Effect of noise inputs at different layers (section 3.2, figure 5): the same w with the network's
 * constant noise in (a) all layers, (b) no layer, (c) the fine layers only, (d) the coarse layers only.
 *
 * <p>Fine layers are those from 64x64 up (layers 8-17 at 1024x1024, as the official figure); a
 * network that stops below 64x64 uses the upper half of its layers. Coarse layers are the rest.
 * Each variant is shown whole (the paper pastes halves of two variants into one tile).
 */
public final class NoiseLayersFigure {

    /**
     * One column of the figure.
     *
     * @param label short name
     * @param layers layers that receive noise
     */
    public record Variant(String label, StyleBands.Range layers) {
    }

    /**
     * The rendered figure.
     *
     * @param figure one row per seed, one column per variant
     * @param variants the columns
     * @param images per seed (outer) and variant (inner)
     */
    public record Result(BufferedImage figure, List<Variant> variants, List<List<BufferedImage>> images) {
    }

    private final Generator generator;
    private final long[] seeds;
    private Truncation truncation = Truncation.NONE;
    private int batch = 8;
    private Runnable onImage = () -> { };

    /**
     * @param generator the network
     * @param seeds image seeds, one row each
     */
    public NoiseLayersFigure(Generator generator, long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("a noise layers figure needs at least one seed");
        }
        this.generator = generator;
        this.seeds = seeds.clone();
    }

    /**
     * @param numLayers synthesis layers of the network
     * @return all, none, fine, coarse
     */
    public static List<Variant> variants(int numLayers) {
        StyleBands.Range fine = StyleBands.fineOrUpperHalf(numLayers);
        return List.of(new Variant("all", new StyleBands.Range(0, numLayers)),
                new Variant("none", new StyleBands.Range(0, 0)),
                new Variant("fine", fine),
                new Variant("coarse", new StyleBands.Range(0, fine.from())));
    }

    /**
     * @param variant a variant
     * @return the noise that variant uses: constant maps in its layers, none elsewhere
     */
    public Noise noiseOf(Variant variant) {
        return Noise.constant().onlyLayers(generator.config().numLayers(), variant.layers().from(), variant.layers().to());
    }

    /**
     * @param truncation truncation of the seeds' w (default none, as the official figure)
     * @return this
     */
    public NoiseLayersFigure truncation(Truncation truncation) {
        this.truncation = truncation;
        return this;
    }

    /**
     * @param batch images per forward pass
     * @return this
     */
    public NoiseLayersFigure batchSize(int batch) {
        this.batch = FigurePipeline.checkBatch(batch);
        return this;
    }

    /**
     * @param onImage called after each synthesised image (for progress)
     * @return this
     */
    public NoiseLayersFigure onImage(Runnable onImage) {
        this.onImage = onImage;
        return this;
    }

    /** @return images the figure synthesises */
    public int imageCount() {
        return seeds.length * 4;
    }

    /** @return the rendered figure */
    public Result render() {
        ModelConfig c = generator.config();
        List<Variant> variants = variants(c.numLayers());
        List<float[]> ws = new ArrayList<>();
        Arrays.stream(seeds).forEach(s -> ws.add(FigurePipeline.perLayer(generator, FigurePipeline.seedW(generator, s), truncation)));
        BufferedImage[][] grid = new BufferedImage[seeds.length][variants.size()];
        for (int v = 0; v < variants.size(); v++) {
            List<BufferedImage> column = FigurePipeline.images(generator, ws, noiseOf(variants.get(v)), batch, onImage);
            for (int s = 0; s < seeds.length; s++) {
                grid[s][v] = column.get(s);
            }
        }
        List<List<BufferedImage>> images = new ArrayList<>();
        List<BufferedImage> tiles = new ArrayList<>();
        for (BufferedImage[] row : grid) {
            images.add(List.of(row));
            tiles.addAll(List.of(row));
        }
        return new Result(Images.grid(tiles, variants.size()), variants, List.copyOf(images));
    }
}
