package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.Engines;

import java.util.Random;

/**
 * Kernel Inception Distance (Binkowski et al. 2018), a companion of FID without its Gaussian assumption: the
 * unbiased estimate of the squared maximum mean discrepancy with the polynomial kernel k(x, y) = (x.y / d + 1)^3,
 * averaged over random subsets of both sets.
 */
public final class KernelInceptionDistance {

    /** Default number of subsets. */
    public static final int SUBSETS = 100;
    /** Default (largest) subset size. */
    public static final int SUBSET_SIZE = 1000;

    private KernelInceptionDistance() {
    }

    /**
     * @param a features of one set
     * @param b features of the other
     * @param subsets number of random subsets
     * @param subsetSize subset size (capped at the smaller set)
     * @param seed seed of the subset draws
     * @return mean unbiased MMD^2 over the subsets
     */
    public static double between(float[][] a, float[][] b, int subsets, int subsetSize, long seed) {
        int m = Math.min(subsetSize, Math.min(a.length, b.length));
        if (m < 2) {
            throw new IllegalArgumentException("KID needs at least 2 vectors per set, got " + a.length + " and " + b.length);
        }
        int d = a[0].length;
        if (b[0].length != d) {
            throw new IllegalArgumentException("feature sizes differ: " + d + " and " + b[0].length);
        }
        Random rng = new Random(seed);
        double total = 0;
        try (NDManager manager = Engines.newManager()) {
            for (int s = 0; s < subsets; s++) {
                try (NDManager sub = manager.newSubManager()) {
                    NDArray x = sub.create(flatten(sample(a, m, rng), d), new Shape(m, d));
                    NDArray y = sub.create(flatten(sample(b, m, rng), d), new Shape(m, d));
                    double kxx = kernelSum(x, x, d) - kernelTrace(x, d);
                    double kyy = kernelSum(y, y, d) - kernelTrace(y, d);
                    double kxy = kernelSum(x, y, d);
                    total += (kxx + kyy) / (m * (m - 1.0)) - 2 * kxy / ((double) m * m);
                }
            }
        }
        return total / subsets;
    }

    /** Sum of the kernel over all pairs (row of x, row of y). */
    private static double kernelSum(NDArray x, NDArray y, int d) {
        return x.toType(DataType.FLOAT64, false).matMul(y.toType(DataType.FLOAT64, false).transpose())
                .div(d).add(1).pow(3).sum().getDouble();
    }

    /** Sum of k(x_i, x_i). */
    private static double kernelTrace(NDArray x, int d) {
        return x.toType(DataType.FLOAT64, false).square().sum(new int[] {1}).div(d).add(1).pow(3).sum().getDouble();
    }

    private static float[] flatten(float[][] rows, int d) {
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return out;
    }

    private static float[][] sample(float[][] set, int m, Random rng) {
        int[] idx = new int[set.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        float[][] out = new float[m][];
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            out[i] = set[idx[i]];
        }
        return out;
    }
}
