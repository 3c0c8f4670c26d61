package org.stylegan4j.random;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A port of numpy's legacy {@code numpy.random.RandomState(seed)} (the MT19937 generator with numpy's integer
 * seeding, {@code random_sample} and the polar Box–Muller {@code legacy_gauss}), so that
 * {@code new NumpyRandomState(seed).randn(512)} reproduces {@code numpy.random.RandomState(seed).randn(1, 512)}
 * and a given seed yields the same latent vector z as NVIDIA's official StyleGAN scripts. The raw outputs and
 * {@link #nextDouble()} are bit-exact; {@link #nextGaussian()} uses a correctly rounded logarithm where numpy
 * uses the C library's {@code log}, which glibc rounds differently in about 0.1% of calls, so about 0.03% of
 * normal values differ from numpy's by 1 or 2 ulp (and almost never once rounded to float). Instances are not
 * thread-safe.
 */
public final class NumpyRandomState {

    /** Largest seed accepted, {@code 2^32 - 1}, as in numpy. */
    public static final long MAX_SEED = 0xFFFFFFFFL;

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908B0DF;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7FFFFFFF;

    /** Working precision of {@link #log(double)}: well beyond the ~36 digits that correct rounding needs. */
    private static final MathContext LOG_CONTEXT = new MathContext(50);
    private static final BigDecimal LN2 = new BigDecimal("0.693147180559945309417232121458176568075500134360255254120680");
    private static final BigDecimal LOG_EPSILON = new BigDecimal("1e-55");
    private static final double SQRT2 = Math.sqrt(2.0);

    private final int[] mt = new int[N];
    private int pos;
    private boolean hasGauss;
    private double gauss;

    /**
     * Creates a generator in the state of {@code numpy.random.RandomState(seed)}.
     *
     * @param seed the seed, between 0 and {@value #MAX_SEED} inclusive
     * @throws IllegalArgumentException if the seed is out of range
     */
    public NumpyRandomState(long seed) {
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException("seed must be between 0 and 4294967295: " + seed);
        }
        // numpy's mt19937_seed, i.e. the reference init_genrand.
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        pos = N;
    }

    /**
     * Returns the next raw 32-bit MT19937 output.
     *
     * @return an unsigned 32-bit value in {@code [0, 2^32)}
     */
    public long nextInt32() {
        return Integer.toUnsignedLong(next());
    }

    /**
     * Returns the next uniform double in {@code [0, 1)}, like numpy's {@code random_sample()}: 53 random bits
     * taken from two consecutive 32-bit outputs.
     *
     * @return a uniform double in {@code [0, 1)}
     */
    public double nextDouble() {
        int a = next() >>> 5;
        int b = next() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /**
     * Returns the next standard normal double, like numpy's legacy {@code standard_normal()} / {@code randn()}.
     *
     * @return a sample from N(0, 1)
     */
    public double nextGaussian() {
        if (hasGauss) {
            hasGauss = false;
            return gauss;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * nextDouble() - 1.0;
            x2 = 2.0 * nextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.sqrt(-2.0 * log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /**
     * Draws {@code n} standard normal values, like {@code randn(n)} (or, flattened in row-major order,
     * {@code randn(rows, cols)} with {@code rows * cols == n}).
     *
     * @param n how many values to draw, at least 0
     * @return the values in draw order
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public double[] randn(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be non-negative: " + n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = nextGaussian();
        }
        return out;
    }

    /**
     * Draws {@code n} standard normal values as floats, each the {@code float} rounding of the double that
     * {@link #randn(int)} would return (as {@code randn(n).astype(np.float32)} in numpy).
     *
     * @param n how many values to draw, at least 0
     * @return the values in draw order
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public float[] randnFloat(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be non-negative: " + n);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) nextGaussian();
        }
        return out;
    }

    /**
     * Correctly rounded natural logarithm of a positive normal double, as glibc's {@code log} (which numpy calls)
     * returns it; {@link Math#log} and {@link StrictMath#log} may be 1 ulp off, which changes some latents.
     * Writes {@code x = 2^k * m} with {@code m} in {@code [sqrt(1/2), sqrt(2))}, sums
     * {@code ln m = 2 atanh(s)}, {@code s = (m - 1) / (m + 1)}, in 50-digit decimal arithmetic, adds
     * {@code k ln 2} and rounds once to double.
     */
    private static double log(double x) {
        int k = Math.getExponent(x);
        double m = Math.scalb(x, -k);
        if (m > SQRT2) {
            m *= 0.5;
            k++;
        }
        BigDecimal bm = new BigDecimal(m);
        BigDecimal s = bm.subtract(BigDecimal.ONE).divide(bm.add(BigDecimal.ONE), LOG_CONTEXT);
        BigDecimal s2 = s.multiply(s, LOG_CONTEXT);
        BigDecimal power = s;
        BigDecimal sum = s;
        for (int n = 3; power.abs().compareTo(LOG_EPSILON) > 0; n += 2) {
            power = power.multiply(s2, LOG_CONTEXT);
            sum = sum.add(power.divide(BigDecimal.valueOf(n), LOG_CONTEXT), LOG_CONTEXT);
        }
        return sum.add(sum).add(LN2.multiply(BigDecimal.valueOf(k)), LOG_CONTEXT).doubleValue();
    }

    private int next() {
        if (pos >= N) {
            twist();
        }
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & UPPER_MASK) | (mt[(i + 1) % N] & LOWER_MASK);
            mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        pos = 0;
    }
}
