package org.stylegan4j.projection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.Scoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Finds the latent that reproduces a target image: the procedure of the projector that came with
 * "Training Generative Adversarial Networks with Limited Data" (Karras et al. 2020): starting from the average w,
 * w and the per-layer noise maps are optimised with Adam under a perceptual distance to the target, with a
 * learning rate ramped up and down, Gaussian noise added to w that fades out, and a regulariser that keeps the
 * noise maps free of spatial structure (they are renormalised after every step). In {@link Space#W_PLUS} every
 * synthesis layer has its own w (Abdal et al. 2019). Several targets are projected as one batch: each image's loss
 * only depends on its own variables and Adam works element by element, so the batch is as many independent
 * projections (each with its own random draws).
 */
public final class Projector {

    /** Where the latent lives: one w for every layer, or one w per layer. */
    public enum Space {
        /** One w for every layer. */
        W,
        /** One w per layer. */
        W_PLUS;

        /**
         * @param text {@code w} or {@code w+} (also {@code wplus}), any case
         * @param option the option that gave it, named in errors
         * @return the space
         * @throws StyleGanInputException for anything else
         */
        public static Space parse(String text, String option) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "w" -> W;
                case "w+", "wplus" -> W_PLUS;
                default -> throw new StyleGanInputException(option + " must be w or w+, got '" + text + "'");
            };
        }

        /** @return {@code w} or {@code w+}, as {@link #parse} takes it */
        public String label() {
            return this == W ? "w" : "w+";
        }
    }

    /**
     * The projection's settings; {@link #PUBLISHED} are the ADA projector's.
     *
     * @param space W or W+
     * @param steps optimisation steps (1000)
     * @param initialLearningRate Adam's peak learning rate (0.1)
     * @param initialNoiseFactor the noise added to w at the start, in units of the spread of w (0.05)
     * @param lrRampdownLength share of the steps over which the rate falls to 0 (cosine; 0.25)
     * @param lrRampupLength share of the steps over which the rate rises from 0 (0.05)
     * @param noiseRampLength share of the steps over which the noise on w fades out (quadratically; 0.75)
     * @param noiseRegularization weight of the noise maps' autocorrelation penalty (1e5)
     * @param wAvgSamples latents mapped to estimate the average and spread of w (10,000)
     * @param seed seed of every random draw (Java's generator)
     */
    public record Options(Space space, int steps, double initialLearningRate, double initialNoiseFactor,
                          double lrRampdownLength, double lrRampupLength, double noiseRampLength,
                          double noiseRegularization, int wAvgSamples, long seed) {

        /** Most steps a projection may take. */
        public static final int MAX_STEPS = 1_000_000;

        /** The published settings of the ADA projector (seed 303, as its command line's default). */
        public static final Options PUBLISHED = new Options(Space.W, 1000, 0.1, 0.05, 0.25, 0.05, 0.75, 1e5, 10_000,
                303);

        /** @throws StyleGanInputException for a setting out of range, naming it */
        public Options {
            if (steps < 1 || steps > MAX_STEPS) {
                throw new StyleGanInputException("--steps must be in [1, " + MAX_STEPS + "], got " + steps);
            }
            if (wAvgSamples < 2) {
                throw new StyleGanInputException("the w statistics need at least 2 samples, got " + wAvgSamples);
            }
            if (!(initialLearningRate > 0) || initialNoiseFactor < 0 || noiseRegularization < 0
                    || !(lrRampdownLength > 0) || !(lrRampupLength > 0) || !(noiseRampLength > 0)) {
                throw new StyleGanInputException("projection settings must be positive (learning rate and ramps) or "
                        + "non-negative (noise factor and regularisation)");
            }
        }

        /** @return these options in another space */
        public Options withSpace(Space s) {
            return new Options(s, steps, initialLearningRate, initialNoiseFactor, lrRampdownLength, lrRampupLength,
                    noiseRampLength, noiseRegularization, wAvgSamples, seed);
        }

        /** @return these options with another number of steps */
        public Options withSteps(int n) {
            return new Options(space, n, initialLearningRate, initialNoiseFactor, lrRampdownLength, lrRampupLength,
                    noiseRampLength, noiseRegularization, wAvgSamples, seed);
        }

        /** @return these options with another seed */
        public Options withSeed(long s) {
            return new Options(space, steps, initialLearningRate, initialNoiseFactor, lrRampdownLength,
                    lrRampupLength, noiseRampLength, noiseRegularization, wAvgSamples, s);
        }

        /**
         * @param step 0-based step
         * @return the learning rate of that step: a cosine ramp-down over the last {@link #lrRampdownLength} of the
         *         steps, times a linear ramp-up over the first {@link #lrRampupLength}
         */
        public double learningRate(int step) {
            double t = (double) step / steps;
            double ramp = Math.min(1.0, (1.0 - t) / lrRampdownLength);
            ramp = 0.5 - 0.5 * Math.cos(ramp * Math.PI);
            ramp *= Math.min(1.0, t / lrRampupLength);
            return initialLearningRate * ramp;
        }

        /**
         * @param step 0-based step
         * @param wStd the spread of w
         * @return the standard deviation of the Gaussian noise added to w at that step
         */
        public double wNoiseScale(int step, double wStd) {
            double t = (double) step / steps;
            double fade = Math.max(0.0, 1.0 - t / noiseRampLength);
            return wStd * initialNoiseFactor * fade * fade;
        }
    }

    /** Told after every step. */
    public interface Listener {
        /**
         * @param step 0-based step just done
         * @param distances each target's distance at that step (before the update)
         * @param images the images of that step {@code [N, C, R, R]}, valid during the call only
         */
        void onStep(int step, double[] distances, NDArray images);
    }

    /**
     * A projection's outcome.
     *
     * @param ws one w per synthesis layer for every target {@code [N, L, D]} (in W all L rows are equal)
     * @param noise the optimised noise map of every layer {@code [N, 1, size, size]}
     * @param distances the distance of every target at every step {@code [steps][N]}
     * @param wAverage the average w the projection started from {@code [D]}
     */
    public record Result(SafeTensors.Tensor ws, List<SafeTensors.Tensor> noise, double[][] distances,
                         float[] wAverage) {

        /**
         * @param step a step
         * @return the mean distance over the targets at that step
         */
        public double meanDistance(int step) {
            double s = 0;
            for (double d : distances[step]) {
                s += d;
            }
            return s / distances[step].length;
        }
    }

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    /** Larger images are compared at this size, area-averaged (as the ADA projector does). */
    static final int COMPARE_RESOLUTION = 256;

    private final Generator generator;
    private final ImageDistance distance;
    private final Options options;

    /**
     * @param generator a frozen generator (its parameters are not changed)
     * @param distance the distance to minimise
     * @param options settings
     */
    public Projector(Generator generator, ImageDistance distance, Options options) {
        this.generator = generator;
        this.distance = distance;
        this.options = options;
    }

    /**
     * Projects targets.
     *
     * @param targets {@code [N, C, R, R]} in [-1, 1], at the network's resolution and channel count
     * @param listener told after every step (may be null)
     * @return the latents, noise maps and distances
     */
    public Result project(NDArray targets, Listener listener) {
        ModelConfig c = generator.config();
        Shape expected = new Shape(targets.getShape().get(0), c.numChannels(), c.resolution(), c.resolution());
        if (!targets.getShape().equals(expected)) {
            throw new StyleGanInputException("targets must be " + expected + " for this network, got "
                    + targets.getShape());
        }
        int n = Math.toIntExact(expected.get(0));
        int layers = c.numLayers();
        int d = c.dlatentSize();
        try (NDManager m = Engines.newManager()) {
            float[] wAvg = new float[d];
            double wStd = wStatistics(m, wAvg);
            int rows = options.space() == Space.W ? 1 : layers;
            Random rng = new Random(options.seed());
            List<NDArray> vars = new ArrayList<>();
            float[] start = new float[n * rows * d];
            for (int i = 0; i < n * rows; i++) {
                System.arraycopy(wAvg, 0, start, i * d, d);
            }
            vars.add(m.create(start, new Shape(n, rows, d)));
            for (int l = 0; l < layers; l++) {
                int size = 4 << (l / 2);
                vars.add(m.create(gaussian(rng, n * size * size), new Shape(n, 1, size, size)));
            }
            List<NDArray> first = new ArrayList<>();
            List<NDArray> second = new ArrayList<>();
            for (NDArray v : vars) {
                first.add(v.zerosLike());
                second.add(v.zerosLike());
            }
            NDArray compared = c.resolution() > COMPARE_RESOLUTION
                    ? Scoped.compute(m, () -> compareSize(targets)) : targets;
            double[][] history = new double[options.steps()][];
            try (ImageDistance.Target target = distance.prepare(compared)) {
                for (int step = 0; step < options.steps(); step++) {
                    history[step] = step(m, target, vars, first, second, step, wStd, rng, layers, listener);
                }
            }
            NDArray wsOut = vars.get(0).repeat(1, layers / rows);
            List<SafeTensors.Tensor> noise = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                noise.add(tensor(vars.get(l + 1)));
            }
            return new Result(tensor(wsOut), noise, history, wAvg);
        }
    }

    /** One optimisation step: the loss recorded, differentiated, Adam, the noise maps renormalised. */
    private double[] step(NDManager m, ImageDistance.Target target, List<NDArray> vars, List<NDArray> first,
                          List<NDArray> second, int step, double wStd, Random rng, int layers, Listener listener) {
        double lr = options.learningRate(step);
        float scale = (float) options.wNoiseScale(step, wStd);
        NDArray w = vars.get(0);
        NDArray wNoise = m.create(gaussian(rng, Math.toIntExact(w.size())), w.getShape());
        double[] distances;
        List<NDArray> grads = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (NDArray v : vars) {
                v.setRequiresGradient(true);
            }
            NDArray images;
            NDArray dist;
            try (Autograd.Recording r = Autograd.record()) {
                NDArray ws = w.add(wNoise.mul(scale));
                if (ws.getShape().get(1) == 1) {
                    ws = ws.repeat(1, layers);
                }
                NDArray[] maps = vars.subList(1, vars.size()).toArray(new NDArray[0]);
                images = generator.synthesize(ws, Noise.given(maps));
                dist = target.distance(compareSize(images));
                NDArray loss = dist.sum();
                if (options.noiseRegularization() > 0) {
                    loss = loss.add(noiseRegularisation(maps).sum().mul((float) options.noiseRegularization()));
                }
                Autograd.backward(loss);
            }
            distances = toDoubles(dist.toFloatArray());
            if (listener != null) {
                listener.onStep(step, distances, images);
            }
            images.close();
            for (NDArray v : vars) {
                NDArray g = v.getGradient();
                NDScope.unregister(g);
                grads.add(g);
            }
        }
        for (int i = 0; i < vars.size(); i++) {
            adam(m, vars, first, second, grads.get(i), i, step + 1, lr);
            grads.get(i).close();
        }
        for (int i = 1; i < vars.size(); i++) {
            NDArray v = vars.get(i);
            NDArray normalised = Scoped.compute(m, () -> {
                NDArray centred = v.sub(perImageMean(v).reshape(-1, 1, 1, 1));
                return centred.div(perImageMean(centred.square()).sqrt().reshape(-1, 1, 1, 1));
            });
            v.close();
            vars.set(i, normalised);
        }
        wNoise.close();
        return distances;
    }

    /** Adam (betas 0.9, 0.999, epsilon 1e-8, bias-corrected), replacing variable {@code i} by its update. */
    private static void adam(NDManager m, List<NDArray> vars, List<NDArray> first, List<NDArray> second, NDArray grad,
                             int i, int t, double lr) {
        NDArray m1 = Scoped.compute(m, () -> first.get(i).mul((float) BETA1).add(grad.mul((float) (1 - BETA1))));
        NDArray m2 = Scoped.compute(m, () -> second.get(i).mul((float) BETA2)
                .add(grad.square().mul((float) (1 - BETA2))));
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        NDArray v = vars.get(i);
        NDArray updated = Scoped.compute(m, () -> v.sub(m1.div((float) c1)
                .div(m2.div((float) c2).sqrt().add((float) EPSILON)).mul((float) lr)));
        first.get(i).close();
        second.get(i).close();
        v.close();
        first.set(i, m1);
        second.set(i, m2);
        vars.set(i, updated);
    }

    /**
     * The noise maps' penalty per image: at every scale down to 8x8 (halving by 2x2 averages), the squared mean
     * product of each map with itself shifted by one pixel (circularly) along x and along y, summed.
     *
     * @param maps per layer {@code [N, 1, s, s]}
     * @return {@code [N]}
     */
    static NDArray noiseRegularisation(NDArray[] maps) {
        NDArray total = null;
        for (NDArray map : maps) {
            NDArray v = map;
            while (true) {
                NDArray x = perImageMean(v.mul(roll(v, 3))).square();
                NDArray y = perImageMean(v.mul(roll(v, 2))).square();
                total = total == null ? x.add(y) : total.add(x).add(y);
                if (v.getShape().get(2) <= 8) {
                    break;
                }
                v = Pool.avgPool2d(v, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
            }
        }
        return total;
    }

    /**
     * @param x {@code [N, ...]}
     * @return the mean of each of the N entries {@code [N]} (the engine's mean takes one axis)
     */
    public static NDArray perImageMean(NDArray x) {
        return x.reshape(x.getShape().get(0), -1).mean(new int[] {1});
    }

    /** {@code v} shifted circularly by one element along {@code axis} (as {@code torch.roll(v, 1, axis)}). */
    static NDArray roll(NDArray v, int axis) {
        long len = v.getShape().get(axis);
        String last = ":,".repeat(axis) + (len - 1) + ":";
        String rest = ":,".repeat(axis) + ":" + (len - 1);
        return NDArrays.concat(new NDList(v.get(last), v.get(rest)), axis);
    }

    /** Images larger than {@link #COMPARE_RESOLUTION} are area-averaged down to it. */
    private static NDArray compareSize(NDArray images) {
        long r = images.getShape().get(2);
        if (r <= COMPARE_RESOLUTION) {
            return images;
        }
        int k = (int) (r / COMPARE_RESOLUTION);
        return Pool.avgPool2d(images, new Shape(k, k), new Shape(k, k), new Shape(0, 0), false, true);
    }

    /**
     * The average of w over {@link Options#wAvgSamples} mapped latents, into {@code avg}, and the spread of w: the
     * root of the mean squared distance (over all D coordinates) of a sample from the average, so the noise added
     * to each coordinate of w is about {@code sqrt(D)} times the initial noise factor of a coordinate's spread.
     */
    private double wStatistics(NDManager m, float[] avg) {
        ModelConfig c = generator.config();
        int samples = options.wAvgSamples();
        float[] z = gaussian(new Random(options.seed() ^ 0x5DEECE66DL), samples * c.latentSize());
        try (NDManager sub = m.newSubManager()) {
            NDArray w = generator.map(sub.create(z, new Shape(samples, c.latentSize())));
            NDArray mean = w.mean(new int[] {0});
            System.arraycopy(mean.toFloatArray(), 0, avg, 0, avg.length);
            double sq = w.sub(mean).square().sum().getFloat() / samples;
            return Math.sqrt(sq);
        }
    }

    private static float[] gaussian(Random rng, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) rng.nextGaussian();
        }
        return out;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static SafeTensors.Tensor tensor(NDArray a) {
        return new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray());
    }
}
