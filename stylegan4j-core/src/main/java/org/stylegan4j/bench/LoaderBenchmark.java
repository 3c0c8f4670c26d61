package org.stylegan4j.bench;

import org.stylegan4j.data.BatchLoader;
import org.stylegan4j.data.ImageDataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Data loading throughput at every level of detail: images/s that {@link BatchLoader} hands the training loop when
 * every image is decoded and box-filtered (the first epoch of a phase, or a data set larger than the level cache),
 * and when the level cache holds them. Compare with the training step's images/s at the same resolution
 * ({@code bench train}, or {@code imagesPerSecond} in a run's {@code log.jsonl}).
 */
public final class LoaderBenchmark {

    /**
     * One level.
     *
     * @param resolution side of the images handed out
     * @param decodedImagesPerSecond images/s with every image decoded from the file
     * @param cachedImagesPerSecond images/s from the level cache
     */
    public record Level(int resolution, double decodedImagesPerSecond, double cachedImagesPerSecond) {
    }

    /**
     * The result.
     *
     * @param data resolution of the data set's images
     * @param channels channels of the images
     * @param images images read per measurement
     * @param batch images per batch
     * @param levels one entry per level, coarsest first
     */
    public record Result(int data, int channels, int images, int batch, List<Level> levels) {
    }

    private LoaderBenchmark() {
    }

    /**
     * @param dataset the images
     * @param images images per measurement (whole batches; at most the data set's size for the cached pass)
     * @param batch images per batch
     * @param fromResolution coarsest level measured (e.g. 8, the first phase of the official schedule)
     * @return the measurements
     */
    public static Result run(ImageDataset dataset, int images, int batch, int fromResolution) {
        int batches = Math.max(1, images / batch);
        List<Level> levels = new ArrayList<>();
        for (int res = Math.min(fromResolution, dataset.resolution()); res <= dataset.resolution(); res *= 2) {
            double decoded = imagesPerSecond(dataset, res, batch, batches, 0, 0);
            // one epoch fills the cache; then enough batches that the prefetched queue is a small part of them
            int epoch = Math.max(1, dataset.size() / batch);
            double cached = imagesPerSecond(dataset, res, batch, Math.max(8 * epoch, 64), epoch,
                    BatchLoader.DEFAULT_CACHE_BYTES);
            levels.add(new Level(res, decoded, cached));
        }
        return new Result(dataset.resolution(), dataset.channels(), batches * batch, batch, levels);
    }

    /** Images/s over {@code batches} batches after {@code warmBatches} untimed ones (which fill the cache). */
    private static double imagesPerSecond(ImageDataset dataset, int res, int batch, int batches, int warmBatches,
                                          long cacheBytes) {
        try (BatchLoader loader = new BatchLoader(dataset, batch, res, 0, false, 0, cacheBytes)) {
            for (int i = 0; i < warmBatches; i++) {
                loader.next();
            }
            long start = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                loader.next();
            }
            return batches * (double) batch / ((System.nanoTime() - start) / 1e9);
        }
    }
}
