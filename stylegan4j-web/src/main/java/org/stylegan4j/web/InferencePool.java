package org.stylegan4j.web;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fixed number of inference threads in front of a bounded queue: a task that finds the queue full
 * is refused at once (the server answers 503 with Retry-After) instead of waiting or piling up.
 */
public final class InferencePool implements AutoCloseable {

    private final ThreadPoolExecutor executor;

    /**
     * @param workers inference threads
     * @param queue tasks that may wait for a thread
     */
    public InferencePool(int workers, int queue) {
        if (workers < 1 || queue < 0) {
            throw new IllegalArgumentException("need at least one worker and a queue of 0 or more, got " + workers + ", " + queue);
        }
        AtomicInteger ids = new AtomicInteger();
        executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "explorer-inference-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * @param task the work
     * @param <T> result type
     * @return the result, completed on an inference thread
     * @throws RejectedExecutionException when every thread is busy and the queue is full
     */
    public <T> CompletableFuture<T> submit(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, executor);
    }

    /** Stops the threads; running tasks finish, waiting ones are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
