package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.nn.Tensors;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * The augmentation pipeline of ADA (Karras et al. 2020, "Training Generative Adversarial Networks with Limited Data",
 * §2-3 and appendix B), the {@code bgc} set: pixel blitting (x-flip, 90-degree rotations, integer translation),
 * general geometric transforms (isotropic scaling, arbitrary rotation, anisotropic scaling, fractional translation)
 * and colour transforms (brightness, contrast, luma flip, hue rotation, saturation). Each transform is applied to
 * each image with probability p (the rotations: pre- and post-rotation each with 1 - sqrt(1 - p), so that an image
 * is rotated with probability p), and every distribution is ADA's. Because each transform is skipped with
 * probability 1 - p > 0 and D sees every image through the same pipe, the augmented distribution determines the
 * clean one for p below about 0.8 (§2: the augmentations are "non-leaking"), so that G learns the clean images.
 *
 * <p>The parameters are drawn in Java from the caller's {@link Random} (a run stays deterministic, and resumes
 * exactly); per image, the geometric transforms compose into one 3x3 homogeneous matrix that maps each output
 * pixel, in pixel units around the image's centre, to its source point, and the colour transforms into one 4x4
 * matrix on (r, g, b, 1). All images are then transformed at once with tensor operations on the images' device:
 * bilinear resampling as four {@link NDArray#gather gathers} of the flattened images at the mirrored (reflect-padded)
 * source coordinates, weighted and summed, and one batched matrix product for the colours. Both are differentiable
 * in the images, twice (R1 takes the gradient with respect to the images before augmentation), and flips, 90-degree
 * rotations and integer translations land on pixel centres with bilinear weights of exactly 1 and 0, so they move
 * pixels without changing them. A minibatch whose matrices are all the identity (always at p = 0) is returned as it
 * is; a single image whose matrix is the identity comes out bit-identical.
 *
 * <p>Deviations from ADA: ADA upsamples 2x with a wavelet (sym6) low-pass filter before the geometric resampling and
 * downsamples after, to suppress aliasing; here the resampling is plain bilinear at the image's resolution. ADA
 * reflects the image into a padded border and treats points beyond it as zero; here the coordinates are mirrored
 * without bound. The image-space filtering, additive noise and cutout of ADA's larger sets are not implemented.
 */
public final class AugmentPipe {

    /** The transforms of ADA's {@code bgc} set, in the order they are composed. */
    public enum Transform {
        /** Horizontal flip: with probability p, flipped or not with equal odds. */
        XFLIP,
        /** Rotation by 0, 90, 180 or 270 degrees, uniform. */
        ROTATE90,
        /** Translation by a whole number of pixels, uniform within +-0.125 of the image size on each axis. */
        XINT,
        /** Isotropic scaling by 2^N(0, 0.2^2) (lognormal(0, (0.2 ln 2)^2)). */
        SCALE,
        /** Rotation by a uniform angle, before and after the anisotropic scaling. */
        ROTATE,
        /** Anisotropic scaling by 2^N(0, 0.2^2) on x and its inverse on y. */
        ANISO,
        /** Translation by N(0, 0.125^2) of the image size on each axis. */
        XFRAC,
        /** Adds N(0, 0.2^2) to every channel. */
        BRIGHTNESS,
        /** Multiplies by 2^N(0, 0.5^2) around 0. */
        CONTRAST,
        /** Reflects the colours through the plane orthogonal to the luma axis (1, 1, 1), or not, with equal odds. */
        LUMAFLIP,
        /** Rotates the colours around the luma axis by a uniform angle (RGB only). */
        HUE,
        /** Scales the colours' distance from the luma axis by 2^N(0, 1) (RGB only). */
        SATURATION
    }

    static final double XINT_MAX = 0.125;
    static final double SCALE_STD = 0.2;
    static final double ANISO_STD = 0.2;
    static final double XFRAC_STD = 0.125;
    static final double BRIGHTNESS_STD = 0.2;
    static final double CONTRAST_STD = 0.5;
    static final double SATURATION_STD = 1;

    private static final double[] IDENTITY3 = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    private static final double[] IDENTITY4 = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    private static final double INV_SQRT3 = 1 / Math.sqrt(3);

    private final Set<Transform> transforms;

    /** @param transforms the transforms to apply (each with probability p); the others never are */
    public AugmentPipe(Set<Transform> transforms) {
        this.transforms = transforms.isEmpty() ? EnumSet.noneOf(Transform.class) : EnumSet.copyOf(transforms);
    }

    /** @return ADA's {@code bgc} pipeline, every transform of {@link Transform} */
    public static AugmentPipe bgc() {
        return new AugmentPipe(EnumSet.allOf(Transform.class));
    }

    /**
     * The matrices drawn for a minibatch.
     *
     * @param geometric per image, 3x3 row-major: output pixel (x, y, 1), around the centre, to source point
     * @param colour per image, 4x4 row-major: (r, g, b, 1) in to (r, g, b, 1) out
     */
    public record Draw(double[][] geometric, double[][] colour) {
    }

    /**
     * Augments a minibatch: the geometric transforms, then the colour transforms.
     *
     * @param images [N, C, H, W], C 1 or 3, values around [-1, 1]
     * @param p probability of each transform, in [0, 1]
     * @param rng source of the draws (the same number of draws whatever p is)
     * @return the augmented images, differentiable in {@code images}; {@code images} itself when nothing applies
     */
    public NDArray apply(NDArray images, double p, Random rng) {
        long[] s = images.getShape().getShape();
        if (s.length != 4) {
            throw new IllegalArgumentException("expected images [N, C, H, W], got " + images.getShape());
        }
        Draw d = draw(Math.toIntExact(s[0]), Math.toIntExact(s[1]), s[3], s[2], p, rng);
        return recolour(resample(images, d.geometric()), d.colour());
    }

    /**
     * Draws the transforms of a minibatch, image by image: for each enabled transform its parameter and whether it
     * applies, always the same number of draws per transform.
     *
     * @param n images
     * @param channels image channels (hue and saturation are drawn for RGB only, as in ADA)
     * @param width image width
     * @param height image height
     * @param p probability of each transform
     * @param rng source of the draws
     * @return one geometric and one colour matrix per image
     */
    public Draw draw(int n, int channels, long width, long height, double p, Random rng) {
        double[][] geometric = new double[n][];
        double[][] colour = new double[n][];
        double pRot = 1 - Math.sqrt(Math.max(0, 1 - p));
        for (int i = 0; i < n; i++) {
            geometric[i] = drawGeometric(p, pRot, width, height, rng);
            colour[i] = drawColour(p, channels, rng);
        }
        return new Draw(geometric, colour);
    }

    private static boolean applies(Random rng, double p) {
        return rng.nextDouble() < p;
    }

    /** ADA's composition G = G * T for each transform in order; each T maps output points to source points. */
    private double[] drawGeometric(double p, double pRot, long width, long height, Random rng) {
        double[] g = IDENTITY3;
        if (transforms.contains(Transform.XFLIP)) {
            int flip = (int) Math.floor(rng.nextDouble() * 2);
            g = applies(rng, p) && flip == 1 ? mul3(g, scale2d(-1, 1)) : g;
        }
        if (transforms.contains(Transform.ROTATE90)) {
            int quarter = (int) Math.floor(rng.nextDouble() * 4);
            g = applies(rng, p) ? mul3(g, rotate90(quarter)) : g;
        }
        if (transforms.contains(Transform.XINT)) {
            double tx = (rng.nextDouble() * 2 - 1) * XINT_MAX;
            double ty = (rng.nextDouble() * 2 - 1) * XINT_MAX;
            g = applies(rng, p) ? mul3(g, translate2d(-Math.rint(tx * width), -Math.rint(ty * height))) : g;
        }
        if (transforms.contains(Transform.SCALE)) {
            double scale = Math.pow(2, rng.nextGaussian() * SCALE_STD);
            g = applies(rng, p) ? mul3(g, scale2d(1 / scale, 1 / scale)) : g;
        }
        if (transforms.contains(Transform.ROTATE)) {
            g = mul3(g, drawRotation(pRot, rng));
        }
        if (transforms.contains(Transform.ANISO)) {
            double scale = Math.pow(2, rng.nextGaussian() * ANISO_STD);
            g = applies(rng, p) ? mul3(g, scale2d(1 / scale, scale)) : g;
        }
        if (transforms.contains(Transform.ROTATE)) {
            g = mul3(g, drawRotation(pRot, rng));
        }
        if (transforms.contains(Transform.XFRAC)) {
            double tx = rng.nextGaussian() * XFRAC_STD;
            double ty = rng.nextGaussian() * XFRAC_STD;
            g = applies(rng, p) ? mul3(g, translate2d(-tx * width, -ty * height)) : g;
        }
        return g;
    }

    private static double[] drawRotation(double pRot, Random rng) {
        double theta = (rng.nextDouble() * 2 - 1) * Math.PI;
        return applies(rng, pRot) ? rotate2d(theta) : IDENTITY3;
    }

    /** ADA's composition C = T * C for each transform in order (brightness acts first on a colour). */
    private double[] drawColour(double p, int channels, Random rng) {
        double[] c = IDENTITY4;
        if (transforms.contains(Transform.BRIGHTNESS)) {
            double b = rng.nextGaussian() * BRIGHTNESS_STD;
            c = applies(rng, p) ? mul4(translate3d(b), c) : c;
        }
        if (transforms.contains(Transform.CONTRAST)) {
            double k = Math.pow(2, rng.nextGaussian() * CONTRAST_STD);
            c = applies(rng, p) ? mul4(scale3d(k), c) : c;
        }
        if (transforms.contains(Transform.LUMAFLIP)) {
            int flip = (int) Math.floor(rng.nextDouble() * 2);
            c = applies(rng, p) && flip == 1 ? mul4(lumaFlip(), c) : c;
        }
        if (channels > 1 && transforms.contains(Transform.HUE)) {
            double theta = (rng.nextDouble() * 2 - 1) * Math.PI;
            c = applies(rng, p) ? mul4(hueRotation(theta), c) : c;
        }
        if (channels > 1 && transforms.contains(Transform.SATURATION)) {
            double k = Math.pow(2, rng.nextGaussian() * SATURATION_STD);
            c = applies(rng, p) ? mul4(saturation(k), c) : c;
        }
        return c;
    }

    /**
     * Resamples every image at the source points of its matrix: bilinear, with the image mirrored at its borders
     * (reflection without repeating the edge pixel), on the images' device, differentiable in the images.
     *
     * @param images [N, C, H, W]
     * @param geometric per image, 3x3 row-major, output pixel around the centre to source point around the centre
     * @return the resampled images; {@code images} itself when every matrix is the identity
     */
    public static NDArray resample(NDArray images, double[][] geometric) {
        if (allEqual(geometric, IDENTITY3)) {
            return images;
        }
        Shape shape = images.getShape();
        int n = Math.toIntExact(shape.get(0));
        long c = shape.get(1);
        long h = shape.get(2);
        long w = shape.get(3);
        NDManager m = images.getManager();
        float[] rows = new float[n * 6];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 6; k++) {
                rows[i * 6 + k] = (float) geometric[i][k];
            }
        }
        NDArray matrices = Tensors.owned(m, rows, new Shape(n, 2, 3));
        float cx = (w - 1) / 2f;
        float cy = (h - 1) / 2f;
        NDArray gx = m.arange(0f, (float) w).sub(cx).reshape(1, w).broadcast(h, w).reshape(h * w);
        NDArray gy = m.arange(0f, (float) h).sub(cy).reshape(h, 1).broadcast(h, w).reshape(h * w);
        NDArray grid = NDArrays.stack(new NDList(gx, gy, gx.onesLike()));
        NDArray source = matrices.matMul(grid);
        NDArray sx = source.get(":, 0, :").add(cx);
        NDArray sy = source.get(":, 1, :").add(cy);
        NDArray x0 = sx.floor();
        NDArray y0 = sy.floor();
        NDArray fx = sx.sub(x0);
        NDArray fy = sy.sub(y0);
        NDArray gx0 = fx.neg().add(1f);
        NDArray gy0 = fy.neg().add(1f);
        NDArray ix0 = reflect(x0, w);
        NDArray ix1 = reflect(x0.add(1f), w);
        NDArray iy0 = reflect(y0, h);
        NDArray iy1 = reflect(y0.add(1f), h);
        NDArray flat = images.reshape(n, c, h * w);
        NDArray out = tap(flat, w, iy0, ix0, gx0.mul(gy0))
                .add(tap(flat, w, iy0, ix1, fx.mul(gy0)))
                .add(tap(flat, w, iy1, ix0, gx0.mul(fy)))
                .add(tap(flat, w, iy1, ix1, fx.mul(fy)));
        return out.reshape(shape);
    }

    /** Index into [0, size) of a whole-numbered coordinate on the image mirrored about its edge pixels. */
    private static NDArray reflect(NDArray i, long size) {
        if (size == 1) {
            return i.zerosLike();
        }
        float last = size - 1;
        float period = 2 * last;
        NDArray r = i.sub(i.div(period).floor().mul(period));
        return r.sub(last).abs().neg().add(last);
    }

    /** weight * image[iy, ix] for every output pixel, all channels: one gather on the flattened images. */
    private static NDArray tap(NDArray flat, long width, NDArray iy, NDArray ix, NDArray weight) {
        long[] s = flat.getShape().getShape();
        NDArray index = iy.toType(DataType.INT64, false).mul(width).add(ix.toType(DataType.INT64, false))
                .reshape(s[0], 1, s[2]).broadcast(s[0], s[1], s[2]);
        return flat.gather(index, 2).mul(weight.toType(flat.getDataType(), false).reshape(s[0], 1, s[2]));
    }

    /**
     * Applies every image's colour matrix: for RGB, one batched matrix product and an offset; for grayscale, as ADA
     * does, the gain and offset the matrix gives a gray (the mean over its three colour rows of each row's sum, and
     * of the offsets).
     *
     * @param images [N, C, H, W], C 1 or 3
     * @param colour per image, 4x4 row-major, (r, g, b, 1) in to out
     * @return the transformed images; {@code images} itself when every matrix is the identity
     */
    public static NDArray recolour(NDArray images, double[][] colour) {
        if (allEqual(colour, IDENTITY4)) {
            return images;
        }
        Shape shape = images.getShape();
        int n = Math.toIntExact(shape.get(0));
        long c = shape.get(1);
        long pixels = shape.get(2) * shape.get(3);
        NDManager m = images.getManager();
        NDArray flat = images.reshape(n, c, pixels);
        NDArray out;
        if (c == 3) {
            float[] mat = new float[n * 9];
            float[] offset = new float[n * 3];
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < 3; r++) {
                    for (int k = 0; k < 3; k++) {
                        mat[i * 9 + r * 3 + k] = (float) colour[i][r * 4 + k];
                    }
                    offset[i * 3 + r] = (float) colour[i][r * 4 + 3];
                }
            }
            out = Tensors.owned(m, mat, new Shape(n, 3, 3)).toType(images.getDataType(), false).matMul(flat)
                    .add(Tensors.owned(m, offset, new Shape(n, 3, 1)).toType(images.getDataType(), false));
        } else if (c == 1) {
            float[] gain = new float[n];
            float[] offset = new float[n];
            for (int i = 0; i < n; i++) {
                double g = 0;
                double o = 0;
                for (int r = 0; r < 3; r++) {
                    g += colour[i][r * 4] + colour[i][r * 4 + 1] + colour[i][r * 4 + 2];
                    o += colour[i][r * 4 + 3];
                }
                gain[i] = (float) (g / 3);
                offset[i] = (float) (o / 3);
            }
            out = flat.mul(Tensors.owned(m, gain, new Shape(n, 1, 1)).toType(images.getDataType(), false))
                    .add(Tensors.owned(m, offset, new Shape(n, 1, 1)).toType(images.getDataType(), false));
        } else {
            throw new IllegalArgumentException("colour transforms need 1 or 3 channels, got " + c);
        }
        return out.reshape(shape);
    }

    private static boolean allEqual(double[][] matrices, double[] identity) {
        for (double[] mat : matrices) {
            if (!Arrays.equals(mat, identity)) {
                return false;
            }
        }
        return true;
    }

    static double[] mul3(double[] a, double[] b) {
        return mul(a, b, 3);
    }

    static double[] mul4(double[] a, double[] b) {
        return mul(a, b, 4);
    }

    private static double[] mul(double[] a, double[] b, int size) {
        double[] out = new double[size * size];
        for (int r = 0; r < size; r++) {
            for (int k = 0; k < size; k++) {
                double sum = 0;
                for (int j = 0; j < size; j++) {
                    sum += a[r * size + j] * b[j * size + k];
                }
                out[r * size + k] = sum;
            }
        }
        return out;
    }

    /**
     * @param tx shift of x
     * @param ty shift of y
     * @return the 3x3 translation
     */
    public static double[] translate2d(double tx, double ty) {
        return new double[] {1, 0, tx, 0, 1, ty, 0, 0, 1};
    }

    /**
     * @param sx factor on x
     * @param sy factor on y
     * @return the 3x3 scaling
     */
    public static double[] scale2d(double sx, double sy) {
        return new double[] {sx, 0, 0, 0, sy, 0, 0, 0, 1};
    }

    /**
     * @param theta angle in radians, counter-clockwise in (x right, y up) terms
     * @return the 3x3 rotation
     */
    public static double[] rotate2d(double theta) {
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        return new double[] {cos, -sin, 0, sin, cos, 0, 0, 0, 1};
    }

    /**
     * @param quarters quarter turns
     * @return {@link #rotate2d} of {@code quarters * pi / 2} with exact entries 0 and +-1
     */
    public static double[] rotate90(int quarters) {
        int[] cos = {1, 0, -1, 0};
        int[] sin = {0, 1, 0, -1};
        int q = Math.floorMod(quarters, 4);
        return new double[] {cos[q], -sin[q], 0, sin[q], cos[q], 0, 0, 0, 1};
    }

    /**
     * @param b added to every channel
     * @return the 4x4 brightness shift
     */
    public static double[] translate3d(double b) {
        return new double[] {1, 0, 0, b, 0, 1, 0, b, 0, 0, 1, b, 0, 0, 0, 1};
    }

    /**
     * @param k factor of every channel
     * @return the 4x4 contrast scaling
     */
    public static double[] scale3d(double k) {
        return new double[] {k, 0, 0, 0, 0, k, 0, 0, 0, 0, k, 0, 0, 0, 0, 1};
    }

    /** @return the Householder reflection I - 2 v v^T through the plane orthogonal to the luma axis v */
    public static double[] lumaFlip() {
        double[] out = IDENTITY4.clone();
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < 3; k++) {
                out[r * 4 + k] -= 2 * INV_SQRT3 * INV_SQRT3;
            }
        }
        return out;
    }

    /**
     * @param theta angle in radians
     * @return the 4x4 rotation about the luma axis (Rodrigues' formula)
     */
    public static double[] hueRotation(double theta) {
        double v = INV_SQRT3;
        double s = Math.sin(theta) * v;
        double cc = (1 - Math.cos(theta)) * v * v;
        double c = Math.cos(theta);
        return new double[] {
            cc + c, cc - s, cc + s, 0,
            cc + s, cc + c, cc - s, 0,
            cc - s, cc + s, cc + c, 0,
            0, 0, 0, 1};
    }

    /**
     * @param k factor of each colour's distance from the luma axis (0: gray)
     * @return the 4x4 saturation scaling v v^T + (I - v v^T) k on the colours
     */
    public static double[] saturation(double k) {
        double[] out = IDENTITY4.clone();
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 3; j++) {
                double vv = INV_SQRT3 * INV_SQRT3;
                out[r * 4 + j] = vv + ((r == j ? 1 : 0) - vv) * k;
            }
        }
        return out;
    }
}
