package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Data parallelism on CPU cores (not in the paper, whose runs spread a minibatch over GPUs the same
 * way): each worker thread takes an equal share of the minibatch and runs it through its own replica
 * of G and D with {@code cores / workers} intra-op threads; the replicas' gradients are then summed
 * into the trained networks in worker order, so a run is reproducible for a given number of workers.
 * Worker 0 runs on the trained networks themselves; replicas are overwritten from them before use.
 * As on the paper's GPUs, the minibatch-stddev groups and packs of D stay within a worker's share.
 */
final class DataParallel implements AutoCloseable {

    /** Work of one worker on its share, run while recording for differentiation. */
    interface Task<T> {
        /**
         * @param worker index of the worker (which share of the minibatch it takes)
         * @param g the worker's generator
         * @param d the worker's discriminator
         * @param manager the worker's manager, closed when the task returns
         * @param rng the worker's generator of random draws
         * @return the worker's result, which must not hold arrays (the worker's scope frees them)
         */
        T run(int worker, Generator g, Discriminator d, NDManager manager, Random rng);
    }

    private final Generator[] generators;
    private final Discriminator[] discriminators;
    private final ExecutorService pool;

    /**
     * @param g the trained generator (worker 0)
     * @param d the trained discriminator (worker 0)
     * @param workers number of workers; 1 runs everything on the calling thread with no replica
     */
    DataParallel(Generator g, Discriminator d, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        generators = new Generator[workers];
        discriminators = new Discriminator[workers];
        generators[0] = g;
        discriminators[0] = d;
        for (int k = 1; k < workers; k++) {
            generators[k] = new Generator(g.config(), 0);
            discriminators[k] = new Discriminator(d.config(), 0);
        }
        if (workers == 1) {
            pool = null;
        } else {
            int intraOpThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
            AtomicInteger index = new AtomicInteger();
            pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(() -> {
                    JniUtils.setNumThreads(intraOpThreads);
                    JniUtils.setGradMode(false);
                    r.run();
                }, "stylegan4j-worker-" + index.getAndIncrement());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** @return number of workers */
    int workers() {
        return generators.length;
    }

    /** Overwrites the replicas of G with the trained generator's tensors. */
    void syncGenerators() {
        for (int k = 1; k < generators.length; k++) {
            generators[k].parameters().copyFrom(generators[0].parameters());
        }
    }

    /** Overwrites the replicas of D with the trained discriminator's tensors. */
    void syncDiscriminators() {
        for (int k = 1; k < discriminators.length; k++) {
            discriminators[k].parameters().copyFrom(discriminators[0].parameters());
        }
    }

    /**
     * Runs a task once per worker and returns the results in worker order. Each run has its own array
     * scope, a sub-manager of {@code manager} and autograd recording (all three are per thread). With
     * one worker it runs on the calling thread with {@code rng} itself; otherwise each worker draws from
     * its own generator, seeded from {@code rng} in worker order.
     *
     * @param manager manager of the step
     * @param rng the step's generator
     * @param task the work of one worker
     * @param <T> result type
     * @return one result per worker
     */
    <T> List<T> run(NDManager manager, Random rng, Task<T> task) {
        if (pool == null) {
            return List.of(recorded(0, manager, rng, task));
        }
        List<Future<T>> futures = new ArrayList<>();
        for (int k = 0; k < generators.length; k++) {
            int worker = k;
            Random workerRng = new Random(rng.nextLong());
            futures.add(pool.submit(() -> recorded(worker, manager, workerRng, task)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(await(f));
        }
        return results;
    }

    private <T> T recorded(int worker, NDManager manager, Random rng, Task<T> task) {
        try (NDScope scope = new NDScope(); NDManager workerManager = manager.newSubManager();
             Autograd.Recording r = Autograd.record()) {
            scope.suppressNotUsedWarning();
            return task.run(worker, generators[worker], discriminators[worker], workerManager, rng);
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a training worker", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("a training worker failed", e.getCause());
        }
    }

    /**
     * Marks the trainable tensors of G (or D) of every worker as requiring a gradient, or not.
     *
     * @param generator G (true) or D (false)
     * @param requires whether gradients are needed
     */
    void requireGradients(boolean generator, boolean requires) {
        for (int k = 0; k < generators.length; k++) {
            Autograd.requireGradients(store(generator, k), requires);
        }
    }

    /**
     * Adds the replicas' gradients of G (or D) to the trained network's, in worker order.
     *
     * @param generator G (true) or D (false)
     */
    void sumGradients(boolean generator) {
        List<ParameterStore.Parameter> target = store(generator, 0).trainable();
        for (int k = 1; k < generators.length; k++) {
            List<ParameterStore.Parameter> source = store(generator, k).trainable();
            for (int i = 0; i < target.size(); i++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray sum = target.get(i).array().getGradient();
                    sum.addi(source.get(i).array().getGradient());
                }
            }
        }
    }

    /**
     * Zeroes the gradients of G (or D) of every worker.
     *
     * @param generator G (true) or D (false)
     */
    void clearGradients(boolean generator) {
        for (int k = 0; k < generators.length; k++) {
            Autograd.clearGradients(store(generator, k));
        }
    }

    private ParameterStore store(boolean generator, int worker) {
        return generator ? generators[worker].parameters() : discriminators[worker].parameters();
    }

    /** Stops the worker threads and frees the replicas (not the trained networks). */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        for (int k = 1; k < generators.length; k++) {
            generators[k].close();
            discriminators[k].close();
        }
    }
}
