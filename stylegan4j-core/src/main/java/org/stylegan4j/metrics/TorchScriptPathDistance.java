package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.StyleGanInputException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Path-length distance from a TorchScript LPIPS network (the paper's choice, section 4.1): its {@code forward} takes
 * two image batches and returns one distance per pair (any shape with N elements).
 */
public final class TorchScriptPathDistance implements PathDistance, ImageDistance {

    private static final int BATCH = 32;
    private final TorchScriptNetwork network;

    /**
     * @param file TorchScript file
     * @param input input convention: {@code FLOAT} or {@code FLOAT255}; the pairs are never quantised, as rounding to
     *              integers would wipe out their epsilon = 1e-4 differences
     * @param rgb whether grayscale images are repeated to three channels first
     * @throws StyleGanInputException for {@code UINT8} input
     */
    public TorchScriptPathDistance(Path file, TorchScriptFeatureExtractor.Input input, boolean rgb) {
        this(file, input, rgb, "--ppl-input", "the path-length network takes float input (--ppl-input float or "
                + "float255): uint8 would round away the epsilon-sized differences path length measures");
    }

    /**
     * @param file TorchScript file
     * @param input input convention: {@code FLOAT} or {@code FLOAT255} (uint8 has no gradient and rounds)
     * @param rgb whether grayscale images are repeated to three channels first
     * @param option the option that sets the input convention, named in errors
     * @throws StyleGanInputException for {@code UINT8} input
     */
    public TorchScriptPathDistance(Path file, TorchScriptFeatureExtractor.Input input, boolean rgb, String option) {
        this(file, input, rgb, option, "an LPIPS network takes float input (" + option + " float or float255): "
                + "uint8 rounds away small differences and has no gradient");
    }

    private TorchScriptPathDistance(Path file, TorchScriptFeatureExtractor.Input input, boolean rgb, String option,
                                    String uint8Refusal) {
        if (input == TorchScriptFeatureExtractor.Input.UINT8) {
            throw new StyleGanInputException(uint8Refusal);
        }
        this.network = new TorchScriptNetwork(file, input, rgb, option, false);
    }

    @Override
    public String describe() {
        return network.file() + " (TorchScript LPIPS)";
    }

    @Override
    public Target prepare(NDArray targets) {
        long n = targets.getShape().get(0);
        return new Target() {
            @Override
            public NDArray distance(NDArray images) {
                NDArray d = network.forwardRecorded(images.getManager(), images, targets);
                if (d.size() != n) {
                    throw new StyleGanInputException("LPIPS network " + network.file() + " returned shape "
                            + d.getShape() + " for " + n + " pairs, expected [" + n + "] or [" + n + ", 1, 1, 1]");
                }
                return d.reshape(n);
            }

            @Override
            public void close() {
                // the targets are the caller's
            }
        };
    }

    @Override
    public String id() {
        return network.id();
    }

    @Override
    public double[] distances(float[] a, float[] b, int n, int channels, int resolution) {
        int per = channels * resolution * resolution;
        double[] out = new double[n];
        for (int from = 0; from < n; from += BATCH) {
            int k = Math.min(BATCH, n - from);
            try (NDManager m = network.newManager()) {
                Shape shape = new Shape(k, channels, resolution, resolution);
                NDArray x = m.create(Arrays.copyOfRange(a, from * per, (from + k) * per), shape);
                NDArray y = m.create(Arrays.copyOfRange(b, from * per, (from + k) * per), shape);
                NDArray d = network.forward(m, x, y);
                if (d.size() != k) {
                    throw new StyleGanInputException("path-length network " + network.file() + " returned shape "
                            + d.getShape() + " for " + k + " pairs, expected [" + k + "] or [" + k
                            + ", 1, 1, 1] (one distance per pair)");
                }
                float[] v = d.toFloatArray();
                for (int i = 0; i < k; i++) {
                    out[from + i] = v[i];
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        network.close();
    }
}
