package org.stylegan4j.metrics;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet Inception Distance (Heusel et al. 2017; StyleGAN section 4, Tables 1-2):
 * |mu_1 - mu_2|^2 + Tr(S_1 + S_2 - 2 (S_1 S_2)^(1/2)).
 * The trace of the square root is computed as Tr((S_1^(1/2) S_2 S_1^(1/2))^(1/2)), a symmetric positive
 * semi-definite matrix with the same eigenvalues as S_1 S_2, from two symmetric eigen-decompositions
 * (Apache Commons Math); tiny negative eigenvalues from rounding are clamped to zero.
 */
public final class FrechetInceptionDistance {

    private FrechetInceptionDistance() {
    }

    /**
     * @param a statistics of one set
     * @param b statistics of the other
     * @return the distance
     */
    public static double between(FeatureStatistics a, FeatureStatistics b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("feature sizes differ: " + a.dimension() + " and " + b.dimension());
        }
        double mean = new ArrayRealVector(a.mean(), false).subtract(new ArrayRealVector(b.mean(), false)).getNorm();
        RealMatrix s1 = a.covarianceMatrix();
        RealMatrix s2 = b.covarianceMatrix();
        RealMatrix root1 = symmetricSqrt(s1);
        RealMatrix product = root1.multiply(s2).multiply(root1);
        RealMatrix sym = product.add(product.transpose()).scalarMultiply(0.5);
        double traceSqrt = 0;
        for (double ev : new EigenDecomposition(sym).getRealEigenvalues()) {
            traceSqrt += Math.sqrt(Math.max(ev, 0));
        }
        return mean * mean + s1.getTrace() + s2.getTrace() - 2 * traceSqrt;
    }

    /** @return the principal square root of a symmetric positive semi-definite matrix */
    static RealMatrix symmetricSqrt(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(s.add(s.transpose()).scalarMultiply(0.5));
        RealMatrix v = e.getV();
        double[] ev = e.getRealEigenvalues();
        RealMatrix scaled = v.copy();
        for (int j = 0; j < ev.length; j++) {
            double r = Math.sqrt(Math.max(ev[j], 0));
            for (int i = 0; i < ev.length; i++) {
                scaled.setEntry(i, j, scaled.getEntry(i, j) * r);
            }
        }
        return scaled.multiply(v.transpose());
    }
}
