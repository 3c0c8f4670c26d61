package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.data.Images;
import org.stylegan4j.data.UnreadableImageException;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Downscale2d;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.Upscale2d;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The sample grids of a training run (the official {@code fakes*.png} / {@code reals.png}), with memory bounded at
 * any resolution: images are synthesised a few at a time at the native resolution of the level of detail, and each
 * tile is shown at {@code min(resolution, }{@value #MAX_TILE}{@code )} pixels (nearest-upscaled from a coarser
 * level as the official grids are, box-downscaled above {@value #MAX_TILE}, so a 1024x1024 run's 8x8 grid is 2048
 * pixels wide rather than 8192). Not in the official code, whose grids are always at full resolution.
 */
public final class SampleGrid {

    private static final Logger LOG = LoggerFactory.getLogger(SampleGrid.class);

    /** Largest tile side in pixels. */
    public static final int MAX_TILE = 256;
    /** Pixels (images x side^2) synthesised at once; at most 16 images. */
    private static final int CHUNK_PIXELS = 16 * 64 * 64;

    private SampleGrid() {
    }

    /**
     * @param resolution the network's resolution
     * @return the side of a grid tile
     */
    public static int tileSize(int resolution) {
        return Math.min(resolution, MAX_TILE);
    }

    /**
     * Images synthesised at once at a resolution, so that memory stays bounded: 16 up to 64x64, then fewer, 1 from
     * 256x256 up.
     *
     * @param resolution side of the images
     * @return images per forward pass
     */
    public static int imagesPerPass(int resolution) {
        return (int) Math.max(1, Math.min(16, CHUNK_PIXELS / ((long) resolution * resolution)));
    }

    /**
     * Writes the generator's grid of {@code gridSize x gridSize} images, image i with noise seed i, without truncation:
     * the per-tick {@code fakesKKKKKK.png} of a run (from its fixed latents) and its {@code samples-final.png} (from
     * seeds 0..N-1, as {@code generate --seeds 0-63 --grid}).
     *
     * @param g generator
     * @param z latents [gridSize^2, latentSize]
     * @param lod level of detail (0 = full resolution)
     * @param gridSize tiles per row and column
     * @param file PNG to write (atomically)
     */
    public static void write(Generator g, NDArray z, double lod, int gridSize, Path file) {
        long[] noiseSeeds = LongStream.range(0, (long) gridSize * gridSize).toArray();
        Images.writePng(fakes(g, z, noiseSeeds, lod, gridSize), file);
    }

    /**
     * Writes the grid of seeds 0..gridSize^2-1 (numpy's latents for those seeds) at full resolution.
     *
     * @param g generator
     * @param gridSize tiles per row and column
     * @param file PNG to write (atomically)
     */
    public static void writeSeeds(Generator g, int gridSize, Path file) {
        long[] seeds = LongStream.range(0, (long) gridSize * gridSize).toArray();
        try (NDManager m = Engines.newManager()) {
            write(g, Seeds.latents(seeds, g.config().latentSize(), m), 0, gridSize, file);
        }
    }

    /**
     * Renders the generator's images without truncation.
     *
     * @param g generator
     * @param z latents [N, latentSize]
     * @param noiseSeeds one noise seed per image
     * @param lod level of detail (0 = full resolution)
     * @param cols tiles per row
     * @return the grid
     */
    public static BufferedImage fakes(Generator g, NDArray z, long[] noiseSeeds, double lod, int cols) {
        int count = Math.toIntExact(z.getShape().get(0));
        int c = g.config().numChannels();
        int tile = tileSize(g.config().resolution());
        int nativeRes = g.config().resolution() >> (int) Math.floor(lod);
        int chunk = imagesPerPass(nativeRes);
        List<BufferedImage> tiles = new ArrayList<>();
        for (int start = 0; start < count; start += chunk) {
            int n = Math.min(chunk, count - start);
            // the scope frees every temporary, also those that the networks' ops attach to their weights' manager
            try (NDScope scope = new NDScope(); NDManager part = z.getManager().newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray zs = z.get(new NDIndex("{}:{}", start, start + n));
                zs.attach(part);
                NDArray ws = g.truncate(g.broadcast(g.map(zs)), Truncation.NONE);
                NDArray images = g.synthesis().forward(ws, Noise.seeded(Arrays.copyOfRange(noiseSeeds, start, start + n)), lod);
                float[] px = toTile(images, nativeRes, tile).toFloatArray();
                for (int i = 0; i < n; i++) {
                    tiles.add(Images.fromCHW(px, i * c * tile * tile, c, tile, tile));
                }
            }
        }
        return Images.grid(tiles, cols);
    }

    private static NDArray toTile(NDArray images, int nativeRes, int tile) {
        if (nativeRes < tile) {
            return Upscale2d.apply(images, tile / nativeRes);
        }
        return nativeRes > tile ? Downscale2d.apply(images, nativeRes / tile) : images;
    }

    /**
     * Renders real images spread evenly over a dataset (datasets are often sorted by class); unreadable ones are
     * logged and left out, as the training loop skips them.
     *
     * @param data the dataset
     * @param count number of images (fewer when the dataset is smaller)
     * @param cols tiles per row
     * @return the grid
     */
    public static BufferedImage reals(ImageDataset data, int count, int cols) {
        int c = data.channels();
        int tile = tileSize(data.resolution());
        List<BufferedImage> tiles = new ArrayList<>();
        float[] buf = new float[c * tile * tile];
        int shown = Math.min(count, data.size());
        for (int k = 0; k < shown; k++) {
            byte[] level;
            try {
                level = data.readLevel((int) ((long) k * data.size() / shown), tile);
            } catch (UnreadableImageException e) {
                LOG.warn("skipping unreadable image: {}", e.getMessage());
                continue;
            }
            ImageDataset.toFloats(level, c, tile, buf, 0, false);
            tiles.add(Images.fromCHW(buf, 0, c, tile, tile));
        }
        return Images.grid(tiles, cols);
    }
}
