package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Minibatch standard deviation (ProGAN section 3, used in StyleGAN's D): per strided group of min(group, N)
 * samples, the standard deviation of every feature, averaged over each of F contiguous channel groups and
 * the pixels, appended as F new channels (the official {@code mbstd_num_features}, 1 in the paper).
 */
public final class MinibatchStddev {

    /** Default group size. */
    public static final int GROUP_SIZE = 4;

    /** Default number of appended features. */
    public static final int NUM_FEATURES = 1;

    private MinibatchStddev() {
    }

    /**
     * @param x input [N, C, H, W]; N must be divisible by min(groupSize, N)
     * @param groupSize group size
     * @return [N, C + 1, H, W]
     */
    public static NDArray apply(NDArray x, int groupSize) {
        return apply(x, groupSize, NUM_FEATURES);
    }

    /**
     * @param x input [N, C, H, W]; N must be divisible by min(groupSize, N), C by numFeatures
     * @param groupSize group size
     * @param numFeatures new features F, each the average over C / F consecutive channels
     * @return [N, C + F, H, W]
     */
    public static NDArray apply(NDArray x, int groupSize, int numFeatures) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long g = Math.min(groupSize, n);
        if (n % g != 0) {
            throw new IllegalArgumentException("minibatch " + n + " is not divisible by the stddev group size " + g);
        }
        if (numFeatures < 1 || c % numFeatures != 0) {
            throw new IllegalArgumentException(c + " channels cannot be split into " + numFeatures + " stddev features");
        }
        long m = n / g;
        NDArray y = x.reshape(g, m, numFeatures, c / numFeatures * h * w);
        y = y.sub(y.mean(new int[] {0}, true));
        y = y.square().mean(new int[] {0}).add(1e-8f).sqrt();
        y = y.mean(new int[] {2});
        NDArray feature = y.reshape(1, m, numFeatures, 1, 1).repeat(0, g).reshape(n, numFeatures, 1, 1)
                .repeat(2, h).repeat(3, w);
        return NDArrays.concat(new NDList(x, feature), 1);
    }
}
