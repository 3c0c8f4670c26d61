package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs the paper's metrics (section 4) on a generator by name: {@code fid}, {@code kid}, {@code ppl_zfull},
 * {@code ppl_wfull}, {@code ppl_zend}, {@code ppl_wend} and {@code ls} (reported as {@code ls_z} and {@code ls_w}).
 */
public final class MetricsRunner {

    /** Metric names, in the order they are computed. */
    public static final List<String> KNOWN = List.of("fid", "kid", "ppl_zfull", "ppl_wfull", "ppl_zend", "ppl_wend", "ls");

    /** Names of the results {@link #run} reports ({@code ls} gives {@code ls_z} and {@code ls_w}). */
    public static final List<String> RESULTS = List.of("fid", "kid", "ppl_zfull", "ppl_wfull", "ppl_zend", "ppl_wend",
            "ls_z", "ls_w");

    private static final Logger LOG = LoggerFactory.getLogger(MetricsRunner.class);

    /** Format of the real-statistics cache: F64 mean and covariance; files of another format are recomputed. */
    static final String CACHE_FORMAT = "stylegan4j-feature-statistics/2";

    /** Progress of a long measurement. */
    public interface Progress {
        /**
         * @param task what runs now
         * @param total its number of steps
         */
        void start(String task, long total);

        /** @param done steps done of the current task */
        void step(long done);

        /** Reports nothing (measurements during training). */
        Progress NONE = new Progress() {
            @Override
            public void start(String task, long total) {
            }

            @Override
            public void step(long done) {
            }
        };
    }

    /**
     * What a run needs. Networks may be null when no requested metric uses them.
     *
     * @param num samples per metric (FID/KID: generated images; PPL: pairs; LS: samples)
     * @param batch images per generator call
     * @param seed seed of every random draw
     * @param data real images for FID and KID
     * @param cacheDir where real-image statistics are cached (null: no cache)
     * @param faceCrop whether PPL crops the official FFHQ face region
     * @param mirrorReals whether FID and KID flip each real image horizontally with probability 0.5, as the official
     *                    metrics do for a network trained with mirrored reals
     * @param extractor features for FID and KID
     * @param pathDistance distance for PPL
     * @param attributes attribute classifier for LS
     * @param reals real images for FID and KID, at most the data set's size ({@link #ALL_REALS}: all of them)
     */
    public record Settings(int num, int batch, long seed, Path data, Path cacheDir, boolean faceCrop,
                           boolean mirrorReals, FeatureExtractor extractor, PathDistance pathDistance,
                           AttributeClassifier attributes, int reals) {

        /** Settings with as many reals as generated images ({@code num}, or the data set's size if smaller). */
        public Settings(int num, int batch, long seed, Path data, Path cacheDir, boolean faceCrop, boolean mirrorReals,
                        FeatureExtractor extractor, PathDistance pathDistance, AttributeClassifier attributes) {
            this(num, batch, seed, data, cacheDir, faceCrop, mirrorReals, extractor, pathDistance, attributes, num);
        }
    }

    /** {@link Settings#reals()} that takes every real image of the data set, as the official FID protocol. */
    public static final int ALL_REALS = Integer.MAX_VALUE;

    private MetricsRunner() {
    }

    /**
     * @param csv comma-separated names
     * @return the names in computation order
     * @throws StyleGanInputException on an unknown or empty name
     */
    public static List<String> parse(String csv) {
        List<String> asked = new ArrayList<>();
        for (String raw : csv.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(name)) {
                throw new StyleGanInputException("unknown metric '" + raw.trim() + "' (known: " + String.join(", ", KNOWN) + ")");
            }
            if (!asked.contains(name)) {
                asked.add(name);
            }
        }
        List<String> ordered = new ArrayList<>(KNOWN);
        ordered.retainAll(asked);
        return ordered;
    }

    /**
     * @param g generator
     * @param metrics names from {@link #parse}
     * @param s settings
     * @param progress progress sink
     * @return results by name ({@code ls} gives {@code ls_z} and {@code ls_w})
     */
    public static Map<String, Double> run(Generator g, List<String> metrics, Settings s, Progress progress) {
        return run(g, metrics, s, progress, new HashMap<>());
    }

    /**
     * Runs the metrics, reusing the real-image statistics of earlier calls on the same data (measurements during
     * training compute them once).
     *
     * @param g generator
     * @param metrics names from {@link #parse}
     * @param s settings
     * @param progress progress sink
     * @param realStatistics FID's real-image statistics by feature network, count, seed and mirroring; read and filled
     *                       (every call must use the same real images)
     * @return results by name ({@code ls} gives {@code ls_z} and {@code ls_w})
     */
    public static Map<String, Double> run(Generator g, List<String> metrics, Settings s, Progress progress,
                                          Map<String, FeatureStatistics> realStatistics) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (metrics.contains("fid") || metrics.contains("kid")) {
            frechetAndKernel(g, metrics, s, progress, out, realStatistics);
        }
        for (String name : metrics) {
            if (name.startsWith("ppl_")) {
                PerceptualPathLength.Space space = name.charAt(4) == 'z'
                        ? PerceptualPathLength.Space.Z : PerceptualPathLength.Space.W;
                PerceptualPathLength.Sampling sampling = name.endsWith("full")
                        ? PerceptualPathLength.Sampling.FULL : PerceptualPathLength.Sampling.END;
                progress.start(name, s.num());
                out.put(name, PerceptualPathLength.measure(g, require(s.pathDistance(), name),
                        new PerceptualPathLength.Options(space, sampling, s.num(), s.batch(), s.faceCrop(), s.seed()),
                        progress::step));
            } else if (name.equals("ls")) {
                progress.start("ls", s.num());
                LinearSeparability.Result r = LinearSeparability.measure(g, require(s.attributes(), name), s.num(),
                        s.batch(), s.seed(), progress::step);
                out.put("ls_z", r.z());
                out.put("ls_w", r.w());
            }
        }
        return out;
    }

    private static <T> T require(T network, String metric) {
        if (network == null) {
            throw new IllegalArgumentException("no network for " + metric);
        }
        return network;
    }

    private static void frechetAndKernel(Generator g, List<String> metrics, Settings s, Progress progress,
                                         Map<String, Double> out, Map<String, FeatureStatistics> memo) {
        FeatureExtractor fx = require(s.extractor(), "fid/kid");
        if (s.data() == null) {
            throw new StyleGanInputException("fid and kid need real images: pass --data");
        }
        boolean kid = metrics.contains("kid");
        try (ImageDataset data = ImageDataset.open(s.data())) {
            int c = g.config().numChannels();
            int res = g.config().resolution();
            if (data.channels() != c || data.resolution() != res) {
                throw new StyleGanInputException(s.data() + " holds " + data.resolution() + "x" + data.resolution()
                        + " images with " + data.channels() + " channel(s), the network makes " + res + "x" + res
                        + " with " + c);
            }
            int reals = Math.min(s.reals(), data.size());
            if (metrics.contains("fid") && Math.min(s.num(), reals) <= fx.dimension()) {
                throw new StyleGanInputException("FID needs more samples than features: --num " + s.num() + " and "
                        + reals + " real images for " + fx.dimension() + " features (the covariance would be singular)");
            }
            FeatureStatistics fakeStats = new FeatureStatistics(fx.dimension());
            List<float[]> fakeFeatures = new ArrayList<>();
            progress.start("fakes", s.num());
            generateFeatures(g, fx, s, fakeStats, kid ? fakeFeatures : null, progress);
            Reals r = reals(data, fx, reals, s, kid, memo, progress);
            if (metrics.contains("fid")) {
                out.put("fid", FrechetInceptionDistance.between(fakeStats, r.stats()));
            }
            if (kid) {
                out.put("kid", KernelInceptionDistance.between(fakeFeatures.toArray(new float[0][]),
                        r.features().toArray(new float[0][]), KernelInceptionDistance.SUBSETS,
                        KernelInceptionDistance.SUBSET_SIZE, s.seed()));
            }
        }
    }

    /** The real images' statistics, and their features when KID needs them. */
    private record Reals(FeatureStatistics stats, List<float[]> features) {
    }

    /**
     * The real side of FID and KID: FID's statistics from the memo of earlier calls or the cache when there are (KID
     * needs every feature, so it always computes them), else computed and stored in both.
     */
    private static Reals reals(ImageDataset data, FeatureExtractor fx, int reals, Settings s, boolean kid,
                               Map<String, FeatureStatistics> memo, Progress progress) {
        Path cache = s.cacheDir() == null || kid ? null : cacheFile(s, fx, reals);
        String memoKey = fx.id() + "|" + reals + "|" + s.seed() + (s.mirrorReals() ? "|mirrored" : "");
        FeatureStatistics stats = kid ? null : memo.get(memoKey);
        if (stats == null && cache != null) {
            stats = readCache(cache, fx.dimension());
            if (stats != null) {
                LOG.info("real-image statistics from the cache {}", cache);
            }
        }
        List<float[]> features = new ArrayList<>();
        if (stats == null) {
            stats = new FeatureStatistics(fx.dimension());
            progress.start("reals", reals);
            realFeatures(data, fx, reals, s, stats, kid ? features : null, progress);
            if (cache != null) {
                writeCache(cache, stats, s, fx);
            }
        }
        if (!kid) {
            memo.put(memoKey, stats);
        }
        return new Reals(stats, features);
    }

    private static void generateFeatures(Generator g, FeatureExtractor fx, Settings s, FeatureStatistics stats,
                                         List<float[]> keep, Progress progress) {
        long[] all = distinctSeeds(s.seed(), s.num());
        try (NDManager manager = Engines.newManager()) {
            for (int start = 0; start < s.num(); start += s.batch()) {
                int n = Math.min(s.batch(), s.num() - start);
                long[] seeds = Arrays.copyOfRange(all, start, start + n);
                try (NDManager m = manager.newSubManager()) {
                    NDArray z = Seeds.latents(seeds, g.config().latentSize(), m);
                    float[] images = g.generate(z, Truncation.NONE, Noise.seeded(seeds)).toFloatArray();
                    addFeatures(fx.features(images, n, g.config().numChannels(), g.config().resolution()), fx, stats, keep);
                }
                progress.step(start + n);
            }
        }
    }

    /**
     * The image seeds of a metric run: 31-bit integers from {@code new Random(seed)}, a value drawn again skipped, so
     * that no latent repeats (independent 31-bit draws would repeat about 0.6 times in 50k).
     *
     * @param seed the run's seed
     * @param count images
     * @return {@code count} distinct seeds
     */
    static long[] distinctSeeds(long seed, int count) {
        Random rng = new Random(seed);
        Set<Long> seen = new HashSet<>();
        long[] out = new long[count];
        for (int i = 0; i < count; ) {
            long v = rng.nextInt() & Integer.MAX_VALUE;
            if (seen.add(v)) {
                out[i++] = v;
            }
        }
        return out;
    }

    private static void realFeatures(ImageDataset data, FeatureExtractor fx, int count, Settings s,
                                     FeatureStatistics stats, List<float[]> keep, Progress progress) {
        int[] order = permutation(data.size(), s.seed());
        Random flips = new Random(s.seed() ^ 0x2545F4914F6CDD1DL);
        int per = data.channels() * data.resolution() * data.resolution();
        for (int start = 0; start < count; start += s.batch()) {
            int n = Math.min(s.batch(), count - start);
            float[] images = new float[n * per];
            for (int i = 0; i < n; i++) {
                data.readInto(order[start + i], images, i * per, s.mirrorReals() && flips.nextBoolean());
            }
            addFeatures(fx.features(images, n, data.channels(), data.resolution()), fx, stats, keep);
            progress.step(start + n);
        }
    }

    private static void addFeatures(float[][] f, FeatureExtractor fx, FeatureStatistics stats, List<float[]> keep) {
        for (float[] row : f) {
            if (row.length != fx.dimension()) {
                throw new StyleGanInputException("feature network " + fx.id() + " returned " + row.length
                        + " features per image, expected " + fx.dimension());
            }
        }
        stats.add(f);
        if (keep != null) {
            keep.addAll(List.of(f));
        }
    }

    private static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed ^ 0x5DEECE66DL);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** @return the cache file of the real statistics: data path, size and time, extractor, count and seed */
    static Path cacheFile(Settings s, FeatureExtractor fx, int reals) {
        try {
            Path data = s.data().toAbsolutePath().normalize();
            String key = data + "|" + Files.size(data) + "|" + Files.getLastModifiedTime(data).toMillis() + "|"
                    + fx.id() + "|" + reals + "|" + s.seed() + (s.mirrorReals() ? "|mirrored" : "");
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String hex = HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
            return s.cacheDir().resolve("reals-" + hex.substring(0, 32) + ".safetensors");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param file a cache file
     * @param dimension the feature size
     * @return its statistics, or null (recompute) when it is missing, unusable or of an older format
     */
    static FeatureStatistics readCache(Path file, int dimension) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            if (!CACHE_FORMAT.equals(SafeTensors.readMetadata(file).get("format"))) {
                LOG.info("recomputing the stale cache file {} (not {})", file, CACHE_FORMAT);
                return null;
            }
            SafeTensors.DoubleContents c = SafeTensors.readDoubles(file);
            SafeTensors.DoubleTensor mu = c.tensors().get("mu");
            SafeTensors.DoubleTensor sigma = c.tensors().get("sigma");
            long count = Long.parseLong(c.metadata().get("count"));
            if (mu == null || sigma == null || mu.data().length != dimension) {
                LOG.warn("ignoring the unusable cache file {}", file);
                return null;
            }
            return FeatureStatistics.of(mu.data(), sigma.data(), count);
        } catch (RuntimeException e) {
            LOG.warn("ignoring the unreadable cache file {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** Writes mean and covariance as F64 (the cache holds exactly what was computed). */
    static void writeCache(Path file, FeatureStatistics stats, Settings s, FeatureExtractor fx) {
        try {
            Files.createDirectories(file.getParent());
            int d = stats.dimension();
            Map<String, SafeTensors.DoubleTensor> t = new LinkedHashMap<>();
            t.put("mu", new SafeTensors.DoubleTensor(new long[] {d}, stats.mean()));
            t.put("sigma", new SafeTensors.DoubleTensor(new long[] {d, d}, stats.covariance()));
            SafeTensors.writeF64(file, t, Map.of("count", Long.toString(stats.count()), "data", s.data().toString(),
                    "extractor", fx.id(), "format", CACHE_FORMAT));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not cache the real-image statistics in {}: {}", file, e.getMessage());
        }
    }
}
