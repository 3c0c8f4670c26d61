package org.stylegan4j.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load test of a running explorer: N clients each ask {@code /api/generate} for random
 * seeds back to back for a while; a refused (503) client waits the Retry-After (at most 1 s) as the
 * page does. Reports the latency of the answered requests and the single-request time measured
 * alone beforehand.
 */
public final class LoadTest {

    /**
     * @param clients concurrent clients
     * @param seconds measured duration
     * @param requests requests sent
     * @param ok answered 200
     * @param rejected answered 503
     * @param failed any other answer or a transport failure
     * @param p50Ms median latency of the 200s
     * @param p95Ms 95th percentile latency of the 200s
     * @param maxMs largest latency of the 200s
     * @param imagesPerSecond 200s per second
     * @param singleRequestMs median latency of one request on an idle server
     */
    public record Result(int clients, double seconds, long requests, long ok, long rejected, long failed,
                         double p50Ms, double p95Ms, double maxMs, double imagesPerSecond, double singleRequestMs) {
    }

    private LoadTest() {
    }

    /**
     * @param base the server's address, e.g. {@code http://127.0.0.1:8080/}
     * @param clients concurrent clients (1..1024)
     * @param duration how long the clients run
     * @return the figures
     * @throws InterruptedException when interrupted
     */
    public static Result run(URI base, int clients, Duration duration) throws InterruptedException {
        if (clients < 1 || clients > 1024) {
            throw new IllegalArgumentException("clients must be between 1 and 1024, got " + clients);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        double single = singleRequestMs(http, base);
        AtomicLong requests = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        List<Future<List<Double>>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            results.add(threads.submit(() -> {
                List<Double> latencies = new ArrayList<>();
                while (System.nanoTime() < end) {
                    requests.incrementAndGet();
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r;
                    try {
                        r = http.send(request(base, ThreadLocalRandom.current().nextLong(1L << 32)), HttpResponse.BodyHandlers.ofByteArray());
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        continue;
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r.statusCode() == 200) {
                        latencies.add(ms);
                    } else if (r.statusCode() == 503) {
                        rejected.incrementAndGet();
                        long wait = r.headers().firstValueAsLong("Retry-After").orElse(1);
                        Thread.sleep(Math.min(1000, wait * 1000));
                    } else {
                        failed.incrementAndGet();
                    }
                }
                return latencies;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : results) {
            try {
                all.addAll(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("load client failed", e.getCause());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(clients, seconds, requests.get(), sorted.length, rejected.get(), failed.get(),
                percentile(sorted, 0.50), percentile(sorted, 0.95), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1],
                sorted.length / seconds, single);
    }

    private static double singleRequestMs(HttpClient http, URI base) throws InterruptedException {
        double[] ms = new double[7];
        for (int i = -2; i < ms.length; i++) {
            long t0 = System.nanoTime();
            try {
                HttpResponse<byte[]> r = http.send(request(base, 1000 + i), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("the server answered " + r.statusCode() + " to a lone request");
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage(), e);
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static HttpRequest request(URI base, long seed) {
        return HttpRequest.newBuilder(base.resolve("/api/generate?seed=" + seed + "&psi=0.7"))
                .timeout(Duration.ofSeconds(120)).GET().build();
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
