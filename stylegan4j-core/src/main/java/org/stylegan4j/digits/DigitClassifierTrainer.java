package org.stylegan4j.digits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link DigitClassifier} with DJL autograd: cross-entropy on log-softmax, Adam (beta1 0.9, beta2 0.999)
 * with a cosine learning-rate decay, minibatches shuffled and augmented by random shifts of up to
 * {@link Options#maxShift} pixels. Everything is drawn from one seed, so a seed always gives the same weights.
 */
public final class DigitClassifierTrainer {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    private static final double FINAL_LR_FRACTION = 0.05;

    private DigitClassifierTrainer() {
    }

    /**
     * Training settings.
     *
     * @param epochs passes over the training images, at least 1
     * @param seed seed of the initial weights, the shuffling and the shifts
     * @param batchSize images per step
     * @param learningRate Adam's initial step size
     * @param maxShift largest random shift in pixels, each axis (0 disables augmentation)
     */
    public record Options(int epochs, long seed, int batchSize, double learningRate, int maxShift) {

        /** Checks the ranges. */
        public Options {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || maxShift < 0
                    || maxShift >= DigitClassifier.RESOLUTION / 2) {
                throw new IllegalArgumentException("invalid options: epochs " + epochs + ", batch " + batchSize
                        + ", learning rate " + learningRate + ", max shift " + maxShift);
            }
        }

        /**
         * @param epochs passes over the training images
         * @param seed seed
         * @return batch 64, learning rate 1e-3, shifts of up to 2 pixels
         */
        public static Options defaults(int epochs, long seed) {
            return new Options(epochs, seed, 64, 1e-3, 2);
        }
    }

    /** Receives progress; the default methods ignore it. */
    public interface Listener {
        /**
         * After each optimisation step.
         *
         * @param step steps done so far, from 1
         * @param totalSteps steps of the whole run
         * @param loss the step's mean cross-entropy
         */
        default void step(int step, int totalSteps, double loss) {
        }

        /**
         * After each epoch.
         *
         * @param epoch epochs done so far, from 1
         * @param meanLoss mean training cross-entropy of the epoch
         * @param heldBackAccuracy accuracy on the held-back images
         */
        default void epoch(int epoch, double meanLoss, double heldBackAccuracy) {
        }
    }

    /**
     * The outcome of a run.
     *
     * @param classifier the trained classifier (the caller closes it)
     * @param epochLoss mean training cross-entropy of each epoch
     * @param heldBackAccuracy accuracy on the held-back images after the last epoch
     */
    public record Result(DigitClassifier classifier, double[] epochLoss, double heldBackAccuracy) {
    }

    /**
     * Trains a fresh classifier.
     *
     * @param train training images
     * @param heldBack images only measured, never trained on
     * @param options settings
     * @param listener progress receiver
     * @return the trained classifier and its figures
     */
    public static Result train(Digits train, Digits heldBack, Options options, Listener listener) {
        DigitClassifier classifier = DigitClassifier.initialised(options.seed());
        try {
            return run(classifier, train, heldBack, options, listener);
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    private static Result run(DigitClassifier classifier, Digits train, Digits heldBack, Options options,
                              Listener listener) {
        Random rng = new Random(options.seed() ^ 0x5DEECE66DL);
        int n = train.size();
        int stepsPerEpoch = (n + options.batchSize() - 1) / options.batchSize();
        int totalSteps = stepsPerEpoch * options.epochs();
        double[] epochLoss = new double[options.epochs()];
        double accuracy = 0;
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        List<ParameterStore.Parameter> params = classifier.trainable();
        try (NDManager manager = Engines.newManager()) {
            Adam adam = new Adam(manager, params);
            for (ParameterStore.Parameter p : params) {
                p.array().setRequiresGradient(true);
            }
            int step = 0;
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                shuffle(order, rng);
                double sum = 0;
                for (int from = 0; from < n; from += options.batchSize()) {
                    int b = Math.min(options.batchSize(), n - from);
                    float[] x = new float[b * DigitClassifier.IMAGE_SIZE];
                    float[] y = new float[b * DigitClassifier.CLASSES];
                    for (int i = 0; i < b; i++) {
                        int src = order[from + i];
                        shift(train.images(), src * DigitClassifier.IMAGE_SIZE, x, i * DigitClassifier.IMAGE_SIZE,
                                rng.nextInt(2 * options.maxShift() + 1) - options.maxShift(),
                                rng.nextInt(2 * options.maxShift() + 1) - options.maxShift());
                        y[i * DigitClassifier.CLASSES + train.labels()[src]] = 1f;
                    }
                    double progress = (double) step / totalSteps;
                    double lr = options.learningRate() * (FINAL_LR_FRACTION
                            + (1 - FINAL_LR_FRACTION) * 0.5 * (1 + Math.cos(Math.PI * progress)));
                    double loss = step(classifier, manager, adam, x, y, b, lr);
                    sum += loss * b;
                    step++;
                    listener.step(step, totalSteps, loss);
                }
                epochLoss[epoch] = sum / n;
                accuracy = classifier.accuracy(heldBack.images(), heldBack.labels());
                listener.epoch(epoch + 1, epochLoss[epoch], accuracy);
            }
        } finally {
            for (ParameterStore.Parameter p : params) {
                p.array().setRequiresGradient(false);
            }
        }
        return new Result(classifier, epochLoss, accuracy);
    }

    private static double step(DigitClassifier classifier, NDManager manager, Adam adam, float[] x, float[] y,
                               int b, double lr) {
        try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray images = sub.create(x, new Shape(b, 1, DigitClassifier.RESOLUTION, DigitClassifier.RESOLUTION));
            NDArray oneHot = sub.create(y, new Shape(b, DigitClassifier.CLASSES));
            float loss;
            try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                NDArray value = crossEntropy(classifier.forward(images).logits(), oneHot);
                collector.backward(value);
                loss = value.getFloat();
            }
            adam.update(lr);
            return loss;
        }
    }

    private static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return Tensors.scale(logits.logSoftmax(1).mul(oneHot).sum().neg(), 1.0 / logits.getShape().get(0));
    }

    /**
     * Mean cross-entropy of a classifier on labelled images, without augmentation or gradients.
     *
     * @param classifier the classifier
     * @param digits the images
     * @return the mean of {@code -log p(label)}
     */
    public static double loss(DigitClassifier classifier, Digits digits) {
        float[][] probs = classifier.probabilities(digits.images(), digits.size());
        double sum = 0;
        for (int i = 0; i < probs.length; i++) {
            sum -= Math.log(Math.max(probs[i][digits.labels()[i]], Float.MIN_NORMAL));
        }
        return probs.length == 0 ? 0 : sum / probs.length;
    }

    private static void shuffle(int[] order, Random rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Copies one image moved by (dx, dy) pixels, filling the uncovered border with the background value -1. */
    private static void shift(float[] src, int srcOffset, float[] dst, int dstOffset, int dx, int dy) {
        int r = DigitClassifier.RESOLUTION;
        for (int yy = 0; yy < r; yy++) {
            int sy = yy - dy;
            for (int xx = 0; xx < r; xx++) {
                int sx = xx - dx;
                dst[dstOffset + yy * r + xx] = sy >= 0 && sy < r && sx >= 0 && sx < r
                        ? src[srcOffset + sy * r + sx] : -1f;
            }
        }
    }

    /** Adam (Kingma and Ba 2015) on NDArrays: first and second moments, bias correction, in-place updates. */
    private static final class Adam {
        private final List<ParameterStore.Parameter> params;
        private final NDArray[] m;
        private final NDArray[] v;
        private int t;

        Adam(NDManager manager, List<ParameterStore.Parameter> params) {
            this.params = params;
            this.m = new NDArray[params.size()];
            this.v = new NDArray[params.size()];
            for (int i = 0; i < m.length; i++) {
                m[i] = manager.zeros(params.get(i).array().getShape());
                v[i] = manager.zeros(params.get(i).array().getShape());
            }
        }

        /** Applies one step from the accumulated gradients and zeroes them; call with autograd off. */
        void update(double lr) {
            t++;
            double c1 = 1 - Math.pow(BETA1, t);
            double c2 = 1 - Math.pow(BETA2, t);
            for (int i = 0; i < m.length; i++) {
                NDArray p = params.get(i).array();
                NDArray g = p.getGradient();
                if (t == 1 && g.abs().sum().getFloat() == 0f) {
                    throw new IllegalStateException("autograd gave no gradient for " + params.get(i).name());
                }
                m[i].muli(BETA1).addi(g.mul(1 - BETA1));
                v[i].muli(BETA2).addi(g.square().muli(1 - BETA2));
                p.subi(m[i].mul(lr / c1).divi(v[i].div(c2).sqrt().addi(EPSILON)));
                g.subi(g);
            }
        }
    }
}
