package org.stylegan4j.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;

import java.util.BitSet;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Streams minibatches of an {@link ImageDataset} forever, decoded by a background prefetch thread. The stream is a
 * deterministic function of the seed: epoch {@code e} visits every image once in a permutation drawn from
 * {@code seed} and {@code e} (with a per-sample mirror flip when mirror augmentation is on). Positions in this stream
 * are counted by {@link #consumed()}; a loader built with {@code startAt = consumed()} continues the same stream.
 * Unreadable images are logged once and skipped. Not thread-safe: one consumer calls {@link #next()}.
 */
public final class BatchLoader implements Iterator<BatchLoader.Batch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);
    private static final int QUEUE_BATCHES = 4;
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
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);

    private int batchSize;
    private long consumed;
    private Thread worker;
    private Throwable failure;
    private boolean closed;

    /** A loader starting at the beginning of the stream. */
    public BatchLoader(ImageDataset dataset, int batchSize, long seed, boolean mirrorAugment) {
        this(dataset, batchSize, seed, mirrorAugment, 0);
    }

    /** A loader that skips the first {@code startAt} stream positions (a previous loader's {@link #consumed()}). */
    public BatchLoader(ImageDataset dataset, int batchSize, long seed, boolean mirrorAugment, long startAt) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (startAt < 0) {
            throw new IllegalArgumentException("startAt must be non-negative, got " + startAt);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.seed = seed;
        this.mirrorAugment = mirrorAugment;
        this.consumed = startAt;
        startWorker();
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
        if (newBatchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + newBatchSize);
        }
        if (newBatchSize == batchSize || closed) {
            batchSize = newBatchSize;
            return;
        }
        stopWorker();
        batchSize = newBatchSize;
        if (failure == null) {
            startWorker();
        }
    }

    /** The current minibatch size. */
    public int batchSize() {
        return batchSize;
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
        queue.clear();
        Thread t = new Thread(new Producer(consumed, batchSize), "stylegan4j-prefetch");
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

    /** The prefetch thread: walks the stream from a position and fills the queue with batches of a fixed size. */
    private final class Producer implements Runnable {
        private final int size;
        private long position;
        private long epoch = -1;
        private int[] order;
        private boolean[] flips;

        Producer(long position, int size) {
            this.position = position;
            this.size = size;
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
            int stride = dataset.imageSize();
            float[] data = new float[size * stride];
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
                    dataset.readInto(index, data, filled * stride, flips[k]);
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
            return new Item(new Batch(data, size, dataset.channels(), dataset.resolution(), indices), position, null);
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
