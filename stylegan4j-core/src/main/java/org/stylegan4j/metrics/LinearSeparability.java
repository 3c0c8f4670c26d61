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
 * given the SVM's prediction X. The score is exp(sum over attributes of H in nats) = 2^(sum of H in bits).
 */
public final class LinearSeparability {

    /** Result: the scores in Z and in W, and the per-attribute conditional entropies in bits. */
    public record Result(double z, double w, double[] entropyZ, double[] entropyW) {
    }

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
        java.util.Random rng = new java.util.Random(seed);
        try (NDManager manager = Engines.newManager()) {
            for (int start = 0; start < samples; start += batch) {
                int n = Math.min(batch, samples - start);
                long[] seeds = new long[n];
                for (int i = 0; i < n; i++) {
                    seeds[i] = rng.nextInt() & Integer.MAX_VALUE;
                }
                try (NDManager m = manager.newSubManager()) {
                    NDArray z = Seeds.latents(seeds, latent, m);
                    NDArray w = g.map(z);
                    float[] images = g.synthesize(g.truncate(g.broadcast(w), Truncation.NONE), Noise.seeded(seeds))
                            .toFloatArray();
                    float[] zf = z.toFloatArray();
                    float[] wf = w.toFloatArray();
                    double[][] p = classifier.probabilities(images, n, g.config().numChannels(), g.config().resolution());
                    for (int i = 0; i < n; i++) {
                        zs[start + i] = Arrays.copyOfRange(zf, i * latent, (i + 1) * latent);
                        ws[start + i] = Arrays.copyOfRange(wf, i * dl, (i + 1) * dl);
                        probs[start + i] = p[i];
                    }
                }
                progress.accept(start + n);
            }
        }
        int attributes = probs[0].length;
        double[] hz = new double[attributes];
        double[] hw = new double[attributes];
        for (int a = 0; a < attributes; a++) {
            int attr = a;
            Integer[] order = new Integer[samples];
            for (int i = 0; i < samples; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> -Math.max(probs[i][attr], 1 - probs[i][attr])));
            int keep = samples / 2;
            int[] labels = new int[keep];
            float[][] kz = new float[keep][];
            float[][] kw = new float[keep][];
            for (int k = 0; k < keep; k++) {
                int i = order[k];
                labels[k] = probs[i][attr] > 0.5 ? 1 : 0;
                kz[k] = zs[i];
                kw[k] = ws[i];
            }
            hz[a] = conditionalEntropy(predict(kz, labels), labels);
            hw[a] = conditionalEntropy(predict(kw, labels), labels);
        }
        return new Result(Math.pow(2, Arrays.stream(hz).sum()), Math.pow(2, Arrays.stream(hw).sum()), hz, hw);
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
        var model = Linear.train(problem, new Parameter(SolverType.L2R_L2LOSS_SVC_DUAL, 1.0, 1e-3));
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
