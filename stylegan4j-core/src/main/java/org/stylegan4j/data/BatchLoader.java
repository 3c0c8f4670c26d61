package org.stylegan4j.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Streams minibatches of an {@link ImageDataset} forever, decoded by a background prefetch thread. The stream is a
 * deterministic function of the seed: epoch {@code e} visits every image once in a permutation drawn from
 * {@code seed} and {@code e} (with a per-sample mirror flip when mirror augmentation is on). Positions in this stream
 * are counted by {@link #consumed()}; a loader built with {@code startAt = consumed()} continues the same stream.
 * Unreadable images are logged once and skipped. Not thread-safe: one consumer calls {@link #next()}.
 *
 * <p>Images are handed out at a level of detail ({@link #configure}): the training loop asks for the resolution
 * it trains at, so a batch takes {@code minibatch x channels x level^2} floats whatever the data's resolution, and
 * {@link ImageDataset#readLevel} box-filters each image as the official dataset tool does. Memory is bounded in
 * bytes: the prefetch queue holds at most {@link #QUEUE_BYTES} of batches (at least one, at most four), and the
 * decoded levels of the current resolution are kept in a cache of at most {@code cacheBytes} (filled in stream
 * order until full, never evicted, cleared when the level changes), so that small datasets and the low-resolution
 * phases of large ones decode each image once per phase instead of once per epoch.
 */
public final class BatchLoader implements Iterator<BatchLoader.Batch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);
    private static final int QUEUE_BATCHES = 4;
    /** Bytes of prefetched batches the queue may hold (at least one batch is always queued). */
    public static final long QUEUE_BYTES = 256L << 20;
    /** Default bound of the decoded-level cache: 1 GiB (FFHQ's 70,000 images fit whole up to 64x64, 860 MB). */
    public static final long DEFAULT_CACHE_BYTES = 1L << 30;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /**
     * A minibatch: {@code n} images as NCHW floats in [-1, 1], with the dataset indices they came from.
     */
    public record Batch(float[] data, int n, int channels, int resolution, int[] indices) {
    }

    /** What the prefetch thread hands over: a batch and the stream position after it, or the error that stopped it. */
    private record Item(Batch batch, long endPosition, Throwable error) {
    }

    private final ImageDataset dataset;
    private final long seed;
    private final boolean mirrorAugment;
    private final BitSet unreadable = new BitSet();
    private final LevelCache cache;
    private BlockingQueue<Item> queue = new ArrayBlockingQueue<>(1);

    private int batchSize;
    private int resolution;
    private long consumed;
    private Thread worker;
    private Throwable failure;
    private boolean closed;

    /** A loader of full-resolution images starting at the beginning of the stream. */
    public BatchLoader(ImageDataset dataset, int batchSize, long seed, boolean mirrorAugment) {
        this(dataset, batchSize, seed, mirrorAugment, 0);
    }

    /** A loader of full-resolution images that skips the first {@code startAt} stream positions (a previous loader's {@link #consumed()}). */
    public BatchLoader(ImageDataset dataset, int batchSize, long seed, boolean mirrorAugment, long startAt) {
        this(dataset, batchSize, dataset.resolution(), seed, mirrorAugment, startAt, DEFAULT_CACHE_BYTES);
    }

    /**
     * A loader of images at a level of detail.
     *
     * @param dataset the images
     * @param batchSize images per batch
     * @param resolution side of the images handed out, the data's resolution divided by a power of two
     * @param seed seed of the stream's order and flips
     * @param mirrorAugment whether to flip images left-right at random
     * @param startAt stream positions to skip (a previous loader's {@link #consumed()})
     * @param cacheBytes bound of the decoded-level cache (0: no cache)
     */
    public BatchLoader(ImageDataset dataset, int batchSize, int resolution, long seed, boolean mirrorAugment,
                       long startAt, long cacheBytes) {
        if (startAt < 0) {
            throw new IllegalArgumentException("startAt must be non-negative, got " + startAt);
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be non-negative, got " + cacheBytes);
        }
        checkConfiguration(dataset, batchSize, resolution);
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.resolution = resolution;
        this.seed = seed;
        this.mirrorAugment = mirrorAugment;
        this.consumed = startAt;
        this.cache = new LevelCache(cacheBytes);
        startWorker();
    }

    private static void checkConfiguration(ImageDataset dataset, int batchSize, int resolution) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (resolution < 1 || resolution > dataset.resolution() || Integer.bitCount(resolution) != 1) {
            throw new IllegalArgumentException("resolution must be a power of two up to " + dataset.resolution()
                    + ", got " + resolution);
        }
    }

    /**
     * Bytes of one batch's pixels as floats.
     *
     * @param batchSize images per batch
     * @param channels channels per image
     * @param resolution side of the images
     * @return {@code batchSize x channels x resolution^2 x 4}
     */
    public static long batchBytes(int batchSize, int channels, int resolution) {
        return (long) batchSize * channels * resolution * resolution * Float.BYTES;
    }

    /**
     * Batches the prefetch queue holds: as many as fit in {@link #QUEUE_BYTES}, at least one and at most four.
     *
     * @param batchBytes bytes of one batch
     * @return queue capacity in batches
     */
    public static int queueCapacity(long batchBytes) {
        return (int) Math.max(1, Math.min(QUEUE_BATCHES, QUEUE_BYTES / Math.max(1, batchBytes)));
    }

    /**
     * The most heap a loader's batches can take: the queue full, one batch being built and one being used.
     *
     * @param batchBytes bytes of one batch
     * @return bytes
     */
    public static long peakBatchBytes(long batchBytes) {
        return (queueCapacity(batchBytes) + 2L) * batchBytes;
    }

    /** Always true until closed: the stream is endless. */
    @Override
    public boolean hasNext() {
        return !closed;
    }

    /** The next minibatch; rethrows the error (e.g. no usable image, size mismatch) that stopped the prefetch thread. */
    @Override
    public Batch next() {
        if (closed) {
            throw new IllegalStateException("batch loader is closed");
        }
        if (failure != null) {
            throw rethrow(failure);
        }
        Item item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
        if (item.error() != null) {
            failure = item.error();
            throw rethrow(failure);
        }
        consumed = item.endPosition();
        return item.batch();
    }

    /** Changes the minibatch size from the next call to {@link #next()} on; prefetched batches are discarded, not lost. */
    public void setBatchSize(int newBatchSize) {
        configure(newBatchSize, resolution);
    }

    /**
     * Changes the minibatch size and the level of detail from the next call to {@link #next()} on; prefetched
     * batches are discarded, not lost (the stream goes on from {@link #consumed()}).
     *
     * @param newBatchSize images per batch
     * @param newResolution side of the images, the data's resolution divided by a power of two
     */
    public void configure(int newBatchSize, int newResolution) {
        checkConfiguration(dataset, newBatchSize, newResolution);
        if ((newBatchSize == batchSize && newResolution == resolution) || closed) {
            batchSize = newBatchSize;
            resolution = newResolution;
            return;
        }
        stopWorker();
        batchSize = newBatchSize;
        resolution = newResolution;
        if (failure == null) {
            startWorker();
        }
    }

    /** The current minibatch size. */
    public int batchSize() {
        return batchSize;
    }

    /** The side of the images handed out. */
    public int resolution() {
        return resolution;
    }

    /** Bytes the decoded-level cache holds now. */
    public long cachedBytes() {
        return cache.bytes;
    }

    /** Stream positions (images used or skipped) consumed by the batches returned so far; pass as {@code startAt} to resume. */
    public long consumed() {
        return consumed;
    }

    /** Number of distinct images found unreadable so far (each is logged once and skipped). */
    public long skipped() {
        synchronized (unreadable) {
            return unreadable.cardinality();
        }
    }

    /** Stops the prefetch thread. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stopWorker();
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return (RuntimeException) t;
    }

    private void startWorker() {
        queue = new ArrayBlockingQueue<>(queueCapacity(batchBytes(batchSize, dataset.channels(), resolution)));
        cache.use(resolution);
        Thread t = new Thread(new Producer(consumed, batchSize, resolution, queue), "stylegan4j-prefetch");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    private void stopWorker() {
        Thread t = worker;
        worker = null;
        if (t == null) {
            return;
        }
        t.interrupt();
        queue.clear();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        queue.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isUnreadable(int index) {
        synchronized (unreadable) {
            return unreadable.get(index);
        }
    }

    /** Marks an image unreadable; returns whether every image is now known to be unreadable. */
    private boolean markUnreadable(int index) {
        synchronized (unreadable) {
            unreadable.set(index);
            return unreadable.cardinality() == dataset.size();
        }
    }

    /**
     * Decoded levels of one resolution, filled until the byte bound is reached and never evicted. Used by one
     * prefetch thread at a time (a thread is joined before the next one starts).
     */
    private final class LevelCache {
        private final long budget;
        private final Map<Integer, byte[]> levels = new HashMap<>();
        private int level = -1;
        private volatile long bytes;

        LevelCache(long budget) {
            this.budget = budget;
        }

        /** Switches to a resolution, dropping another one's levels. */
        void use(int res) {
            if (res != level) {
                levels.clear();
                bytes = 0;
                level = res;
            }
        }

        byte[] read(int index) {
            byte[] cached = levels.get(index);
            if (cached != null) {
                return cached;
            }
            byte[] decoded = dataset.readLevel(index, level);
            if (bytes + decoded.length <= budget) {
                levels.put(index, decoded);
                bytes += decoded.length;
            }
            return decoded;
        }
    }

    /** The prefetch thread: walks the stream from a position and fills the queue with batches of a fixed size. */
    private final class Producer implements Runnable {
        private final int size;
        private final int res;
        private final BlockingQueue<Item> queue;
        private long position;
        private long epoch = -1;
        private int[] order;
        private boolean[] flips;

        Producer(long position, int size, int res, BlockingQueue<Item> queue) {
            this.position = position;
            this.size = size;
            this.res = res;
            this.queue = queue;
        }

        @Override
        public void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Item item = nextBatch();
                    if (item == null) {
                        return;
                    }
                    queue.put(item);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                queue.clear();
                queue.offer(new Item(null, position, e));
            }
        }

        /** Builds the next batch, or returns null when interrupted mid-way. */
        private Item nextBatch() {
            int c = dataset.channels();
            int stride = c * res * res;
            float[] data = new float[Math.multiplyExact(size, stride)];
            int[] indices = new int[size];
            int filled = 0;
            while (filled < size) {
                int n = dataset.size();
                long e = position / n;
                int k = (int) (position % n);
                if (e != epoch) {
                    startEpoch(e);
                }
                position++;
                int index = order[k];
                if (isUnreadable(index)) {
                    continue;
                }
                try {
                    ImageDataset.toFloats(cache.read(index), c, res, data, filled * stride, flips[k]);
                } catch (UnreadableImageException ex) {
                    if (Thread.currentThread().isInterrupted()) {
                        return null;
                    }
                    LOG.warn("skipping unreadable image: {}", ex.getMessage());
                    if (markUnreadable(index)) {
                        throw new StyleGanInputException("no usable image in " + dataset.source().path());
                    }
                    continue;
                }
                indices[filled++] = index;
            }
            return new Item(new Batch(data, size, c, res, indices), position, null);
        }

        private void startEpoch(long e) {
            int n = dataset.size();
            SplittableRandom rng = new SplittableRandom(seed ^ (e + 1) * GOLDEN_GAMMA);
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            flips = new boolean[n];
            if (mirrorAugment) {
                for (int i = 0; i < n; i++) {
                    flips[i] = rng.nextBoolean();
                }
            }
            epoch = e;
        }
    }
}
