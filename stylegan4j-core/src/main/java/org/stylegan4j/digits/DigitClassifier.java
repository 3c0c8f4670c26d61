package org.stylegan4j.digits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import org.stylegan4j.io.CheckpointFormatException;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.nn.Conv2d;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation classifier for 32x32 grayscale digits: a small CNN (three 3x3 conv + ReLU + 2x2 max-pool stages
 * with 16, 32 and 64 channels, a 256-unit ReLU dense layer, a 10-way dense output). It judges samples of GANs
 * trained on digits and gives features for metrics: {@link #features} is the 256-d penultimate layer and
 * {@link #probabilities} the ten softmax outputs. Inputs are CHW floats in [-1, 1], shape [N, 1, 32, 32], the range
 * a generator outputs and {@link org.stylegan4j.data.ImageDataset#readInto} gives.
 */
public final class DigitClassifier implements AutoCloseable {

    /** Image side in pixels. */
    public static final int RESOLUTION = 32;
    /** Floats per image (one channel). */
    public static final int IMAGE_SIZE = RESOLUTION * RESOLUTION;
    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Width of {@link #features}. */
    public static final int FEATURES = 256;
    /** Classpath location of the shipped weights. */
    public static final String BUNDLED_RESOURCE = "/org/stylegan4j/digits/digit-classifier.safetensors";
    /** Value of the {@code format} metadata entry of classifier weight files. */
    public static final String FORMAT = "stylegan4j-digit-classifier/1";
    /** Training acceptance: a sample counts as confidently labelled at this top probability. */
    public static final double ACCEPTANCE_CONFIDENCE = 0.9;
    /** Training acceptance: at least this fraction of the samples must be confidently labelled. */
    public static final double ACCEPTANCE_CONFIDENT_FRACTION = 0.8;
    /** Training acceptance: every digit must be at least this share of the confidently labelled samples. */
    public static final double ACCEPTANCE_DIGIT_SHARE = 0.04;

    private static final int BATCH = 256;
    private static final int[] CHANNELS = {1, 16, 32, 64};
    private static final int FLAT = CHANNELS[3] * (RESOLUTION / 8) * (RESOLUTION / 8);

    private final NDManager manager;
    private final ParameterStore store;
    private final NDArray[] convWeight = new NDArray[3];
    private final NDArray[] convBias = new NDArray[3];
    private final NDArray fc1Weight;
    private final NDArray fc1Bias;
    private final NDArray fc2Weight;
    private final NDArray fc2Bias;
    private final Map<String, String> metadata;

    private DigitClassifier(long seed, Map<String, String> metadata) {
        this.manager = Engines.newManager();
        this.store = new ParameterStore(manager, seed);
        for (int i = 0; i < 3; i++) {
            int in = CHANNELS[i];
            int out = CHANNELS[i + 1];
            convWeight[i] = store.create("conv" + (i + 1) + ".weight", new Shape(out, in, 3, 3), true,
                    ParameterStore.Init.normal(Math.sqrt(2.0 / (in * 9))));
            convBias[i] = store.create("conv" + (i + 1) + ".bias", new Shape(out), true, ParameterStore.Init.zeros());
        }
        fc1Weight = store.create("fc1.weight", new Shape(FEATURES, FLAT), true,
                ParameterStore.Init.normal(Math.sqrt(2.0 / FLAT)));
        fc1Bias = store.create("fc1.bias", new Shape(FEATURES), true, ParameterStore.Init.zeros());
        fc2Weight = store.create("fc2.weight", new Shape(CLASSES, FEATURES), true,
                ParameterStore.Init.normal(Math.sqrt(1.0 / FEATURES)));
        fc2Bias = store.create("fc2.bias", new Shape(CLASSES), true, ParameterStore.Init.zeros());
        this.metadata = Map.copyOf(metadata);
    }

    /**
     * A freshly initialised, untrained classifier (He-normal weights, zero biases), for training.
     *
     * @param seed seed of the initial weights
     * @return the classifier; close it when done
     */
    public static DigitClassifier initialised(long seed) {
        return new DigitClassifier(seed, Map.of());
    }

    /**
     * Loads weights written by {@link #save}.
     *
     * @param file a safetensors file
     * @return the classifier; close it when done
     * @throws CheckpointFormatException (one line) if the file is missing, malformed or not a digit classifier
     */
    public static DigitClassifier load(Path file) {
        return load(file, file.toString());
    }

    /**
     * Loads the weights shipped in the jar at {@value #BUNDLED_RESOURCE}.
     *
     * @return the classifier; close it when done
     */
    public static DigitClassifier bundled() {
        Path tmp = null;
        try (InputStream in = DigitClassifier.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + BUNDLED_RESOURCE + " is missing");
            }
            tmp = Files.createTempFile("digit-classifier", ".safetensors");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return load(tmp, "classpath:" + BUNDLED_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLED_RESOURCE, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    tmp.toFile().deleteOnExit();
                }
            }
        }
    }

    private static DigitClassifier load(Path file, String name) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        if (!FORMAT.equals(contents.metadata().get("format"))) {
            throw new CheckpointFormatException(name + ": not a digit classifier (metadata format is "
                    + contents.metadata().get("format") + ", expected " + FORMAT + ")");
        }
        DigitClassifier c = new DigitClassifier(0, contents.metadata());
        try {
            for (ParameterStore.Parameter p : c.store.all()) {
                SafeTensors.Tensor t = contents.tensors().get(p.name());
                long[] expected = p.array().getShape().getShape();
                if (t == null) {
                    throw new CheckpointFormatException(name + ": not a digit classifier (no tensor '" + p.name() + "')");
                }
                if (!Arrays.equals(t.shape(), expected)) {
                    throw new CheckpointFormatException(name + ": tensor '" + p.name() + "' has shape "
                            + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expected));
                }
                Tensors.copyInto(p.array(), t.data());
            }
            if (contents.tensors().size() != c.store.all().size()) {
                throw new CheckpointFormatException(name + ": not a digit classifier (" + contents.tensors().size()
                        + " tensors, expected " + c.store.all().size() + ")");
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Writes the weights as safetensors, in creation order, with {@code format} = {@value #FORMAT} added to the
     * metadata. The same weights and metadata always give the same bytes.
     *
     * @param file file to create or replace (atomically)
     * @param meta free-form metadata, e.g. the training command and held-back accuracy
     * @throws IOException if writing fails
     */
    public void save(Path file, Map<String, String> meta) throws IOException {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (ParameterStore.Parameter p : store.all()) {
            tensors.put(p.name(), new SafeTensors.Tensor(p.array().getShape().getShape(), p.array().toFloatArray()));
        }
        Map<String, String> all = new LinkedHashMap<>(meta);
        all.put("format", FORMAT);
        all.put("architecture", describe());
        SafeTensors.write(file, tensors, all);
    }

    /** @return SHA-256 (hex) of the weights, identifying this classifier in metric caches */
    public String fingerprint() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (ParameterStore.Parameter p : store.all()) {
                md.update(p.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(Math.toIntExact(p.size()) * Float.BYTES);
                b.asFloatBuffer().put(p.array().toFloatArray());
                md.update(b);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Activations of the three convolution stages (after ReLU, before pooling): the layers of the digits
     * perceptual distance used for path length.
     *
     * @param images {@code n} 32x32 grayscale images in [-1, 1]
     * @param n number of images
     * @return per stage, {@code n} rows of C*H*W activations (channel-major)
     */
    float[][][] stageActivations(float[] images, int n) {
        float[][][] out = new float[3][n][];
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            try (NDManager sub = manager.newSubManager()) {
                NDArray h = sub.create(Arrays.copyOfRange(images, from * IMAGE_SIZE, (from + b) * IMAGE_SIZE),
                        new Shape(b, 1, RESOLUTION, RESOLUTION));
                for (int i = 0; i < 3; i++) {
                    h = Activation.relu(conv(h, i));
                    float[] flat = h.toFloatArray();
                    int width = flat.length / b;
                    for (int k = 0; k < b; k++) {
                        out[i][from + k] = Arrays.copyOfRange(flat, k * width, (k + 1) * width);
                    }
                    h = Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
                }
            }
        }
        return out;
    }

    /**
     * The activations of the three convolution stages as arrays (after ReLU, before pooling), differentiable with
     * respect to the images when the caller records.
     *
     * @param x images [N, 1, 32, 32] in [-1, 1]
     * @return per stage [N, C, H, W]
     */
    NDArray[] stages(NDArray x) {
        NDArray[] out = new NDArray[3];
        NDArray h = x;
        for (int i = 0; i < 3; i++) {
            out[i] = Activation.relu(conv(h, i));
            h = Pool.maxPool2d(out[i], new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }
        return out;
    }

    /**
     * Convolution stage {@code i}: through {@link Conv2d#correlate} (channels padded to the engine's safe counts,
     * the 1 input channel of the first stage included), the bias added after it, as everywhere in stylegan4j.
     */
    private NDArray conv(NDArray h, int i) {
        return Conv2d.correlate(h, convWeight[i], 1, 1).add(convBias[i].reshape(1, CHANNELS[i + 1], 1, 1));
    }

    /** @return channels of convolution stage {@code i} (0..2) */
    static int stageChannels(int i) {
        return CHANNELS[i + 1];
    }

    /** @return the metadata of the file it was loaded from (empty for a fresh classifier) */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the parameters, in creation order (conv1..conv3, fc1, fc2; weight then bias) */
    public ParameterStore parameters() {
        return store;
    }

    /** @return a one-line description of the architecture */
    public String describe() {
        return "conv3x3 1->16, relu, maxpool2; conv3x3 16->32, relu, maxpool2; conv3x3 32->64, relu, maxpool2; "
                + "dense 1024->256, relu (features); dense 256->10 (logits)";
    }

    /** The two outputs of one forward pass. */
    record Outputs(NDArray features, NDArray logits) {
    }

    /**
     * The forward pass; results are attached to the manager of {@code x}.
     *
     * @param x images [N, 1, 32, 32] in [-1, 1]
     * @return the 256-d features and the 10 logits
     */
    Outputs forward(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < 3; i++) {
            h = Pool.maxPool2d(Activation.relu(conv(h, i)), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }
        h = h.reshape(h.getShape().get(0), FLAT);
        NDArray features = Activation.relu(Linear.linear(h, fc1Weight, fc1Bias).singletonOrThrow());
        NDArray logits = Linear.linear(features, fc2Weight, fc2Bias).singletonOrThrow();
        return new Outputs(features, logits);
    }

    /**
     * Softmax class probabilities.
     *
     * @param images {@code n} images, CHW floats in [-1, 1], 1024 per image
     * @param n number of images
     * @return {@code [n][10]} probabilities, each row summing to 1
     */
    public float[][] probabilities(float[] images, int n) {
        return run(images, n, CLASSES, o -> o.logits().softmax(1));
    }

    /**
     * The penultimate layer (256 ReLU units): the features of Fréchet distances.
     *
     * @param images {@code n} images, CHW floats in [-1, 1], 1024 per image
     * @param n number of images
     * @return {@code [n][256]} features
     */
    public float[][] features(float[] images, int n) {
        return run(images, n, FEATURES, Outputs::features);
    }

    /**
     * The most probable digit of each image.
     *
     * @param images {@code n} images, CHW floats in [-1, 1], 1024 per image
     * @param n number of images
     * @return {@code n} labels in 0..9
     */
    public int[] predict(float[] images, int n) {
        return argmax(probabilities(images, n));
    }

    /**
     * Fraction of images whose predicted digit equals the label.
     *
     * @param images {@code labels.length} images, CHW floats in [-1, 1]
     * @param labels true digits
     * @return accuracy in [0, 1]
     */
    public double accuracy(float[] images, int[] labels) {
        int[] predicted = predict(images, labels.length);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return labels.length == 0 ? 0 : (double) correct / labels.length;
    }

    private float[][] run(float[] images, int n, int width, java.util.function.Function<Outputs, NDArray> head) {
        if (n < 0 || (long) n * IMAGE_SIZE > images.length) {
            throw new IllegalArgumentException(n + " images need " + (long) n * IMAGE_SIZE + " floats, got "
                    + images.length);
        }
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.create(Arrays.copyOfRange(images, from * IMAGE_SIZE, (from + b) * IMAGE_SIZE),
                        new Shape(b, 1, RESOLUTION, RESOLUTION));
                float[] flat = head.apply(forward(x)).toFloatArray();
                for (int i = 0; i < b; i++) {
                    out[from + i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
                }
            }
        }
        return out;
    }

    /**
     * @param rows one score vector per sample
     * @return the index of each row's largest value (the first on ties)
     */
    public static int[] argmax(float[][] rows) {
        int[] result = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int best = 0;
            for (int k = 1; k < rows[i].length; k++) {
                if (rows[i][k] > rows[i][best]) {
                    best = k;
                }
            }
            result[i] = best;
        }
        return result;
    }

    /**
     * How confidently and how evenly a set of samples is labelled.
     *
     * @param samples number of samples judged
     * @param confidence the threshold on the top probability
     * @param confident samples whose top probability is at least {@code confidence}
     * @param confidentPerDigit confident samples per predicted digit, 10 entries
     * @param predictedPerDigit all samples per predicted digit, 10 entries
     */
    public record Judgement(int samples, double confidence, int confident, int[] confidentPerDigit,
                            int[] predictedPerDigit) {

        /** @return confident samples / samples (0 when there are none) */
        public double confidentFraction() {
            return samples == 0 ? 0 : (double) confident / samples;
        }

        /**
         * @param digit 0..9
         * @return the digit's share of the confident samples (0 when none is confident)
         */
        public double digitShare(int digit) {
            return confident == 0 ? 0 : (double) confidentPerDigit[digit] / confident;
        }

        /** @return the smallest {@link #digitShare} over the ten digits */
        public double minDigitShare() {
            double min = 1;
            for (int d = 0; d < CLASSES; d++) {
                min = Math.min(min, digitShare(d));
            }
            return min;
        }

        /** @return the digit with the smallest share of the confident samples (the lowest digit on ties) */
        public int rarestDigit() {
            int rarest = 0;
            for (int d = 1; d < CLASSES; d++) {
                if (confidentPerDigit[d] < confidentPerDigit[rarest]) {
                    rarest = d;
                }
            }
            return rarest;
        }

        /**
         * @param minConfidentFraction least {@link #confidentFraction}
         * @param minDigitShare least share of every digit among the confident samples
         * @return whether both hold
         */
        public boolean accepts(double minConfidentFraction, double minDigitShare) {
            return samples > 0 && confidentFraction() >= minConfidentFraction && minDigitShare() >= minDigitShare;
        }

        /** @return whether the project's training acceptance holds (>= 80% confident, every digit >= 4% of them) */
        public boolean passesAcceptance() {
            return confidence >= ACCEPTANCE_CONFIDENCE
                    && accepts(ACCEPTANCE_CONFIDENT_FRACTION, ACCEPTANCE_DIGIT_SHARE);
        }

        /** @return one line, e.g. {@code 912/1000 confident (>= 0.90): 91.2%, rarest digit 7 at 6.1%} */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%d/%d confident (>= %.2f): %.1f%%, rarest digit %d at %.1f%%",
                    confident, samples, confidence, 100 * confidentFraction(), rarestDigit(), 100 * minDigitShare());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Judgement j && samples == j.samples && confidence == j.confidence
                    && confident == j.confident && Arrays.equals(confidentPerDigit, j.confidentPerDigit)
                    && Arrays.equals(predictedPerDigit, j.predictedPerDigit);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(confidentPerDigit) + Arrays.hashCode(predictedPerDigit) + confident;
        }

        @Override
        public String toString() {
            return "Judgement[" + describe() + ", confident per digit " + Arrays.toString(confidentPerDigit) + "]";
        }
    }

    /**
     * Judges a table of class probabilities: which samples are confidently labelled and how the confident labels
     * spread over the digits.
     *
     * @param probs one row of 10 probabilities per sample, e.g. from {@link #probabilities}
     * @param confidence threshold on the top probability, e.g. {@value #ACCEPTANCE_CONFIDENCE}, compared in float
     *     precision so that a probability of {@code 0.9f} reaches a threshold of {@code 0.9}
     * @return the judgement
     */
    public static Judgement judge(float[][] probs, double confidence) {
        int[] confidentPerDigit = new int[CLASSES];
        int[] predictedPerDigit = new int[CLASSES];
        int confident = 0;
        float threshold = (float) confidence;
        int[] top = argmax(probs);
        for (int i = 0; i < probs.length; i++) {
            if (probs[i].length != CLASSES) {
                throw new IllegalArgumentException("row " + i + " has " + probs[i].length + " probabilities, expected "
                        + CLASSES);
            }
            predictedPerDigit[top[i]]++;
            if (probs[i][top[i]] >= threshold) {
                confidentPerDigit[top[i]]++;
                confident++;
            }
        }
        return new Judgement(probs.length, confidence, confident, confidentPerDigit, predictedPerDigit);
    }

    /** @return the trainable tensors in creation order */
    List<ParameterStore.Parameter> trainable() {
        return store.trainable();
    }

    @Override
    public void close() {
        manager.close();
    }
}
