package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.IntConsumer;

/**
 * Linear separability (paper section 4.2): for each binary attribute, keep the half of the samples the classifier is
 * most confident about, fit a linear SVM (liblinear, L2-loss, C = 1, as sklearn's LinearSVC) that predicts the
 * attribute from z and, separately, from w, and measure the conditional entropy H(Y|X) of the classifier's label Y
 * given the SVM's prediction X. The score is exp(sum over attributes of H in nats) = 2^(sum of H in bits). As the
 * official metric: images above 256x256 are box-filtered to 256x256 before the classifier, the confidence ranking
 * uses float32 probabilities (which saturate at 1.0; ties keep the earlier samples), and the SVM stops at
 * sklearn's LinearSVC tolerance of 1e-4.
 */
public final class LinearSeparability {

    /** Result: the scores in Z and in W, and the per-attribute conditional entropies in bits. */
    public record Result(double z, double w, double[] entropyZ, double[] entropyW) {
    }

    /** Stopping tolerance of the SVM: sklearn's LinearSVC default, which the official metric uses. */
    static final double SVM_TOLERANCE = 1e-4;

    private LinearSeparability() {
    }

    /**
     * @param g the generator (no truncation, random noise, as the official metric)
     * @param classifier attribute probabilities
     * @param samples number of samples
     * @param batch samples per generator call
     * @param seed seed of latents and noise
     * @param progress called with samples generated
     * @return the scores
     */
    public static Result measure(Generator g, AttributeClassifier classifier, int samples, int batch, long seed,
                                 IntConsumer progress) {
        int latent = g.config().latentSize();
        int dl = g.config().dlatentSize();
        float[][] zs = new float[samples][];
        float[][] ws = new float[samples][];
        double[][] probs = new double[samples][];
        long[] all = MetricsRunner.distinctSeeds(seed, samples);
        try (NDManager manager = Engines.newManager()) {
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                long[] seeds = Arrays.copyOfRange(all, start, start + n);
                try (NDManager m = manager.newSubManager()) {
                    NDArray z = Seeds.latents(seeds, latent, m);
                    NDArray w = g.map(z);
                    float[] images = g.synthesize(g.truncate(g.broadcast(w), Truncation.NONE), Noise.seeded(seeds))
                            .toFloatArray();
                    float[] zf = z.toFloatArray();
                    float[] wf = w.toFloatArray();
                    int c = g.config().numChannels();
                    int res = g.config().resolution();
                    double[][] p = classifier.probabilities(PerceptualPathLength.prepare(images, n, c, res, false), n, c,
                            PerceptualPathLength.outputResolution(res, false));
                    for (int i = 0; i < n; i++) {
                        zs[start + i] = Arrays.copyOfRange(zf, i * latent, (i + 1) * latent);
                        ws[start + i] = Arrays.copyOfRange(wf, i * dl, (i + 1) * dl);
                        probs[start + i] = p[i];
                    }
                }
                progress.accept(start + n);
            }
        }
        return separability(zs, ws, probs);
    }

    /**
     * The score of collected samples: per attribute the most confident half, an SVM on z and on w, H(Y|X) in bits,
     * 2^(sum of H).
     *
     * @param zs latents per sample
     * @param ws dlatents per sample
     * @param probs attribute probabilities per sample
     * @return the scores
     */
    static Result separability(float[][] zs, float[][] ws, double[][] probs) {
        int samples = probs.length;
        int attributes = probs[0].length;
        double[] hz = new double[attributes];
        double[] hw = new double[attributes];
        for (int a = 0; a < attributes; a++) {
            int keep = samples / 2;
            int[] order = mostConfident(probs, a, keep);
            int[] labels = new int[keep];
            float[][] kz = new float[keep][];
            float[][] kw = new float[keep][];
            for (int k = 0; k < keep; k++) {
                int i = order[k];
                labels[k] = probs[i][a] > 0.5 ? 1 : 0;
                kz[k] = zs[i];
                kw[k] = ws[i];
            }
            hz[a] = conditionalEntropy(predict(kz, labels), labels);
            hw[a] = conditionalEntropy(predict(kw, labels), labels);
        }
        return new Result(Math.pow(2, Arrays.stream(hz).sum()), Math.pow(2, Arrays.stream(hw).sum()), hz, hw);
    }

    /**
     * The samples the classifier is most confident about, as the official metric ranks them: by max(p, 1 - p) in
     * float32, where probabilities within 2^-25 of 1 are exactly 1.0, ties kept in sample order.
     *
     * @param probs per sample, per attribute, the probability of the attribute
     * @param attr attribute
     * @param keep how many to keep
     * @return the indices of the {@code keep} most confident samples, most confident first
     */
    static int[] mostConfident(double[][] probs, int attr, int keep) {
        Integer[] order = new Integer[probs.length];
        float[] confidence = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            order[i] = i;
            float p = (float) probs[i][attr];
            confidence[i] = Math.max(p, 1f - p);
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -confidence[i]));
        int[] out = new int[keep];
        for (int k = 0; k < keep; k++) {
            out[k] = order[k];
        }
        return out;
    }

    /**
     * Fits a linear SVM on (x, labels) and predicts the same points, as the official metric does. With one class
     * only, the prediction is that class (perfect, as the official code assumes when the SVM fails).
     *
     * @param x features
     * @param labels 0/1 labels
     * @return predicted labels
     */
    static int[] predict(float[][] x, int[] labels) {
        boolean both = Arrays.stream(labels).anyMatch(l -> l == 0) && Arrays.stream(labels).anyMatch(l -> l == 1);
        if (!both) {
            return labels.clone();
        }
        Problem problem = new Problem();
        problem.l = x.length;
        problem.n = x[0].length + 1;
        problem.bias = 1;
        problem.x = new Feature[x.length][];
        problem.y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            problem.x[i] = row(x[i]);
            problem.y[i] = labels[i];
        }
        Linear.disableDebugOutput();
        Linear.resetRandom();
        var model = Linear.train(problem, new Parameter(SolverType.L2R_L2LOSS_SVC_DUAL, 1.0, SVM_TOLERANCE));
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (int) Linear.predict(model, problem.x[i]);
        }
        return out;
    }

    private static Feature[] row(float[] v) {
        Feature[] f = new Feature[v.length + 1];
        for (int k = 0; k < v.length; k++) {
            f[k] = new FeatureNode(k + 1, v[k]);
        }
        f[v.length] = new FeatureNode(v.length + 1, 1.0);
        return f;
    }

    /**
     * H(Y|X) in bits from paired labels: -sum over (x, y) of P(x, y) log2(P(x, y) / P(x)).
     *
     * @param x predictions (0/1)
     * @param y labels (0/1)
     * @return the conditional entropy, at least 0
     */
    static double conditionalEntropy(int[] x, int[] y) {
        double[][] joint = new double[2][2];
        for (int i = 0; i < x.length; i++) {
            joint[x[i]][y[i]] += 1.0 / x.length;
        }
        double h = 0;
        for (int a = 0; a < 2; a++) {
            double px = joint[a][0] + joint[a][1];
            for (int b = 0; b < 2; b++) {
                if (joint[a][b] > 0) {
                    h -= joint[a][b] * Math.log(joint[a][b] / px) / Math.log(2);
                }
            }
        }
        return Math.max(0, h);
    }
}
