package org.stylegan4j.metrics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;

import java.util.Arrays;

/**
 * Streaming mean and covariance of feature vectors (the Gaussian fit of FID, paper section 4), in double precision.
 * Sums are taken around the first vector seen, which keeps the covariance accurate when features have a large
 * common offset. The covariance is the unbiased one (divided by n - 1), as {@code numpy.cov} computes it.
 */
public final class FeatureStatistics {

    private final int dimension;
    private final double[] shift;
    private final double[] sum;
    private final double[] outer;
    private long count;
    /** The covariance given to {@link #of}, returned bit for bit until another vector is added; else null. */
    private double[] restored;

    /** @param dimension feature length */
    public FeatureStatistics(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        this.dimension = dimension;
        this.shift = new double[dimension];
        this.sum = new double[dimension];
        this.outer = new double[dimension * dimension];
    }

    /**
     * Restores statistics (e.g. from a cache).
     *
     * @param mean mean vector
     * @param covariance covariance, row-major
     * @param count number of vectors they summarise
     * @return statistics equal to those of the original vectors; mean and covariance are returned exactly as given
     */
    public static FeatureStatistics of(double[] mean, double[] covariance, long count) {
        int d = mean.length;
        if (covariance.length != (long) d * d || count < 2) {
            throw new IllegalArgumentException("need a " + d + "x" + d + " covariance and at least 2 vectors");
        }
        FeatureStatistics s = new FeatureStatistics(d);
        System.arraycopy(mean, 0, s.shift, 0, d);
        for (int i = 0; i < d * d; i++) {
            s.outer[i] = covariance[i] * (count - 1);
        }
        s.count = count;
        s.restored = covariance.clone();
        return s;
    }

    /** @param features vectors to add, each of length {@link #dimension()} */
    public void add(float[][] features) {
        for (float[] f : features) {
            if (f.length != dimension) {
                throw new IllegalArgumentException("feature size " + f.length + " does not match " + dimension);
            }
            if (count == 0) {
                for (int i = 0; i < dimension; i++) {
                    shift[i] = f[i];
                }
            }
            double[] x = new double[dimension];
            for (int i = 0; i < dimension; i++) {
                x[i] = f[i] - shift[i];
                sum[i] += x[i];
            }
            for (int i = 0; i < dimension; i++) {
                double xi = x[i];
                if (xi == 0) {
                    continue;
                }
                int row = i * dimension;
                for (int j = i; j < dimension; j++) {
                    outer[row + j] += xi * x[j];
                }
            }
            count++;
            restored = null;
        }
    }

    /** @return feature length */
    public int dimension() {
        return dimension;
    }

    /** @return number of vectors added */
    public long count() {
        return count;
    }

    /** @return the mean vector */
    public double[] mean() {
        double[] m = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            m[i] = shift[i] + (count == 0 ? 0 : sum[i] / count);
        }
        return m;
    }

    /** @return the unbiased covariance, row-major [dimension * dimension] */
    public double[] covariance() {
        if (count < 2) {
            throw new IllegalStateException("a covariance needs at least 2 vectors, got " + count);
        }
        if (restored != null) {
            return restored.clone();
        }
        double[] c = new double[dimension * dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = i; j < dimension; j++) {
                double v = (outer[i * dimension + j] - sum[i] * sum[j] / count) / (count - 1);
                c[i * dimension + j] = v;
                c[j * dimension + i] = v;
            }
        }
        return c;
    }

    /** @return the covariance as a matrix */
    public RealMatrix covarianceMatrix() {
        double[] c = covariance();
        double[][] rows = new double[dimension][];
        for (int i = 0; i < dimension; i++) {
            rows[i] = Arrays.copyOfRange(c, i * dimension, (i + 1) * dimension);
        }
        return new Array2DRowRealMatrix(rows, false);
    }
}
