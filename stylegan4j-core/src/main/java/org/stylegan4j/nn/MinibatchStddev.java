package org.stylegan4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Minibatch standard deviation (ProGAN section 3, used in StyleGAN's D): one feature holding the
 * average standard deviation over strided groups of min(4, N) samples, appended as the last channel.
 */
public final class MinibatchStddev {

    /** Default group size. */
    public static final int GROUP_SIZE = 4;

    private MinibatchStddev() {
    }

    /**
     * @param x input [N, C, H, W]; N must be divisible by min(groupSize, N)
     * @param groupSize group size
     * @return [N, C + 1, H, W]
     */
    public static NDArray apply(NDArray x, int groupSize) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long g = Math.min(groupSize, n);
        if (n % g != 0) {
            throw new IllegalArgumentException("minibatch " + n + " is not divisible by the stddev group size " + g);
        }
        long m = n / g;
        NDArray y = x.reshape(g, m, c, h, w);
        y = y.sub(y.mean(new int[] {0}, true));
        y = y.square().mean(new int[] {0}).add(1e-8f).sqrt();
        y = y.mean(new int[] {3}).mean(new int[] {2}).mean(new int[] {1});
        NDArray feature = y.reshape(1, m, 1, 1, 1).repeat(0, g).reshape(n, 1, 1, 1).repeat(2, h).repeat(3, w);
        return NDArrays.concat(new NDList(x, feature), 1);
    }
}
