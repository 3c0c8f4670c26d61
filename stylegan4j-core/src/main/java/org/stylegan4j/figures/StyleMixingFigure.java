package org.stylegan4j.figures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.Images;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.StyleMixing;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Style mixing figure (section 3.1, figure 3): the first row shows the column sources, the first
 * column the row sources, the top-left tile is white, and cell (r, c) is row source r with the
 * chosen layers' styles taken from column source c.
 *
 * <p>As the official recipe: w = f(z) without truncation and the network's constant noise maps,
 * unless {@link #truncation(double)} or {@link #noise(Noise)} say otherwise.
 */
public final class StyleMixingFigure {

    /**
     * The rendered figure.
     *
     * @param figure the whole grid, (rows + 1) x (cols + 1) tiles
     * @param rowSources images of the row sources
     * @param columnSources images of the column sources
     * @param cells mixed images, row-major: cell (r, c) at {@code r * cols + c}
     */
    public record Result(BufferedImage figure, List<BufferedImage> rowSources, List<BufferedImage> columnSources,
                         List<BufferedImage> cells) {

        /**
         * @param row row index
         * @param col column index
         * @return the mixed image of a cell
         */
        public BufferedImage cell(int row, int col) {
            return cells.get(row * columnSources.size() + col);
        }
    }

    private final Generator generator;
    private final long[] rowSeeds;
    private final long[] colSeeds;
    private List<float[]> givenRows;
    private List<float[]> givenCols;
    private final StyleBands.Range styles;
    private Truncation truncation = Truncation.NONE;
    private Noise noise = Noise.constant();
    private int batch = 8;
    private Runnable onImage = () -> { };

    /**
     * @param generator the network
     * @param rowSeeds seeds of the row sources (they keep the layers outside {@code styles}); may be empty when
     *        {@link #rowWs} gives the rows
     * @param colSeeds seeds of the column sources (they give the layers in {@code styles}); may be empty when
     *        {@link #colWs} gives the columns
     * @param styles the layers copied from the column sources
     */
    public StyleMixingFigure(Generator generator, long[] rowSeeds, long[] colSeeds, StyleBands.Range styles) {
        if (styles.to() > generator.config().numLayers()) {
            throw new IllegalArgumentException("layers " + styles + " are past the network's "
                    + generator.config().numLayers() + " layers");
        }
        this.generator = generator;
        this.rowSeeds = rowSeeds.clone();
        this.colSeeds = colSeeds.clone();
        this.styles = styles;
    }

    /**
     * @param psi truncation of every layer of every source before mixing (1 = none, the official figure)
     * @return this
     */
    public StyleMixingFigure truncation(double psi) {
        this.truncation = Truncation.allLayers(psi);
        return this;
    }

    /**
     * @param noise noise inputs shared by all images (constant, random or none)
     * @return this
     */
    public StyleMixingFigure noise(Noise noise) {
        this.noise = FigurePipeline.checkShared(noise);
        return this;
    }

    /**
     * @param perLayerWs the row sources as per-layer w {@code [numLayers * dlatentSize]} each (a projection's),
     *        used as they are (no truncation), instead of the row seeds
     * @return this
     */
    public StyleMixingFigure rowWs(List<float[]> perLayerWs) {
        this.givenRows = checked(perLayerWs);
        return this;
    }

    /**
     * @param perLayerWs the column sources as per-layer w, instead of the column seeds
     * @return this
     */
    public StyleMixingFigure colWs(List<float[]> perLayerWs) {
        this.givenCols = checked(perLayerWs);
        return this;
    }

    private List<float[]> checked(List<float[]> ws) {
        int size = generator.config().numLayers() * generator.config().dlatentSize();
        for (float[] w : ws) {
            if (w.length != size) {
                throw new IllegalArgumentException("a per-layer w of this network has " + size + " values, got "
                        + w.length);
            }
        }
        return List.copyOf(ws);
    }

    private List<float[]> rows() {
        return givenRows != null ? givenRows : Arrays.stream(rowSeeds).mapToObj(this::sourceWs).toList();
    }

    private List<float[]> cols() {
        return givenCols != null ? givenCols : Arrays.stream(colSeeds).mapToObj(this::sourceWs).toList();
    }

    /**
     * @param batch images per forward pass
     * @return this
     */
    public StyleMixingFigure batchSize(int batch) {
        this.batch = FigurePipeline.checkBatch(batch);
        return this;
    }

    /**
     * @param onImage called after each synthesised image (for progress)
     * @return this
     */
    public StyleMixingFigure onImage(Runnable onImage) {
        this.onImage = onImage;
        return this;
    }

    /** @return images the figure synthesises: sources and cells */
    public int imageCount() {
        int r = givenRows != null ? givenRows.size() : rowSeeds.length;
        int c = givenCols != null ? givenCols.size() : colSeeds.length;
        return r + c + r * c;
    }

    /**
     * @param seed a source seed
     * @return its per-layer w [numLayers * dlatentSize]: f(z) broadcast and truncated
     */
    public float[] sourceWs(long seed) {
        return FigurePipeline.perLayer(generator, FigurePipeline.seedW(generator, seed), truncation);
    }

    /**
     * @param row row index
     * @param col column index
     * @return the cell's per-layer w: the row source's w with the chosen layers from the column source's w
     */
    public float[] cellWs(int row, int col) {
        return mix(rows().get(row), cols().get(col));
    }

    private float[] mix(float[] target, float[] source) {
        ModelConfig c = generator.config();
        Shape shape = new Shape(1, c.numLayers(), c.dlatentSize());
        try (NDManager m = Engines.newManager()) {
            NDArray mixed = StyleMixing.mix(m.create(target, shape), m.create(source, shape), styles.from(), styles.to());
            return mixed.toFloatArray();
        }
    }

    /** @return the rendered figure */
    public Result render() {
        List<float[]> rows = rows();
        List<float[]> cols = cols();
        if (rows.isEmpty() || cols.isEmpty()) {
            throw new IllegalArgumentException("a style mixing figure needs at least one row and one column source");
        }
        List<float[]> all = new ArrayList<>(cols);
        all.addAll(rows);
        for (float[] r : rows) {
            for (float[] c : cols) {
                all.add(mix(r, c));
            }
        }
        List<BufferedImage> images = FigurePipeline.images(generator, all, noise, batch, onImage);
        int nc = cols.size();
        int nr = rows.size();
        List<BufferedImage> colImages = images.subList(0, nc);
        List<BufferedImage> rowImages = images.subList(nc, nc + nr);
        List<BufferedImage> cells = images.subList(nc + nr, images.size());
        List<BufferedImage> tiles = new ArrayList<>();
        tiles.add(null);
        tiles.addAll(colImages);
        for (int r = 0; r < nr; r++) {
            tiles.add(rowImages.get(r));
            tiles.addAll(cells.subList(r * nc, (r + 1) * nc));
        }
        return new Result(Images.grid(tiles, nc + 1), List.copyOf(rowImages), List.copyOf(colImages), List.copyOf(cells));
    }
}
