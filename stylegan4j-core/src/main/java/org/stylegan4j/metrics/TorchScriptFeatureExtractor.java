package org.stylegan4j.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.StyleGanInputException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A feature network from a TorchScript file run by DJL's PyTorch engine (offline; nothing is downloaded), e.g. the
 * Inception-v3 pool features of FID (paper section 4) or a perceptual network. The file's {@code forward} takes one
 * image batch [N, C, H, W] and returns one tensor [N, features] (axes after the second are flattened into the
 * features). A {@code forward} with a {@code return_features} parameter, as NVIDIA's {@code inception-2015-12-05.pt}
 * ({@code forward(img, return_features=False)}: logits by default), is called as {@code forward(x, True)}: its 2048
 * pool features.
 */
public final class TorchScriptFeatureExtractor implements FeatureExtractor {

    /** How images are handed to a TorchScript network; each metric network has its own. */
    public enum Input {
        /** float32 in [-1, 1], the generator's range (e.g. the {@code lpips} package's networks). */
        FLOAT,
        /**
         * float32 in [0, 255] (x * 127.5 + 127.5, not rounded), what the official perceptual path length feeds its
         * LPIPS network.
         */
        FLOAT255,
        /** uint8 in [0, 255] as the official code converts images (x * 127.5 + 128, clamped), e.g. NVIDIA's inception.pt. */
        UINT8;

        /**
         * @param name {@code float}, {@code float255} or {@code uint8}
         * @return the mode
         */
        public static Input parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new StyleGanInputException("unknown network input '" + name + "' (known: float, float255, uint8)");
            }
        }

        /** @return the name {@link #parse} takes */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int BATCH = 32;

    private final TorchScriptNetwork network;
    private final boolean returnFeatures;
    private final int dimension;
    private final int channels;
    private final int resolution;

    /**
     * Loads the network and runs it once on a blank image to learn its feature size.
     *
     * @param file TorchScript file
     * @param input input convention
     * @param rgb whether grayscale images are repeated to three channels first
     * @param channels channels of the images that will be passed
     * @param resolution side of the images that will be passed
     * @throws StyleGanInputException if the file is missing, not TorchScript, or fails on such images
     */
    public TorchScriptFeatureExtractor(Path file, Input input, boolean rgb, int channels, int resolution) {
        this.returnFeatures = TorchScriptArchive.forwardHas(file, "return_features");
        this.network = new TorchScriptNetwork(file, input, rgb, "--extractor-input", returnFeatures);
        this.channels = channels;
        this.resolution = resolution;
        try {
            this.dimension = run(new float[channels * resolution * resolution], 1)[0].length;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** @return whether the file's forward has a {@code return_features} parameter (then it runs as forward(x, True)) */
    public boolean returnsFeatures() {
        return returnFeatures;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String id() {
        return network.id();
    }

    @Override
    public float[][] features(float[] images, int n, int c, int res) {
        if (c != channels || res != resolution) {
            throw new StyleGanInputException("feature network " + network.file() + " was set up for " + resolution + "x"
                    + resolution + " images with " + channels + " channel(s), got " + res + "x" + res + " with " + c);
        }
        return run(images, n);
    }

    private float[][] run(float[] images, int n) {
        int per = channels * resolution * resolution;
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            try (NDManager m = network.newManager()) {
                NDArray x = m.create(Arrays.copyOfRange(images, from * per, (from + b) * per),
                        new Shape(b, channels, resolution, resolution));
                NDArray y = network.forward(m, x);
                if (y.getShape().dimension() < 2 || y.getShape().get(0) != b) {
                    throw new StyleGanInputException("feature network " + network.file() + " returned shape "
                            + y.getShape() + " for a batch of " + b + ", expected [" + b + ", features]");
                }
                float[] flat = y.reshape(b, -1).toFloatArray();
                int width = flat.length / b;
                for (int i = 0; i < b; i++) {
                    out[from + i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
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
