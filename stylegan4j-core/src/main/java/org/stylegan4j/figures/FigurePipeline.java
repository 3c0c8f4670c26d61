package org.stylegan4j.figures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.Images;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps every figure shares. Latents are mapped one at a time, so a seed's w never depends on
 * which other seeds are in the figure; per-layer w are synthesised in batches inside sub-managers,
 * so memory stays flat however many images a figure has.
 */
final class FigurePipeline {

    /** Receives each synthesised image: its index and its CHW floats at {@code pixels[offset..]}. */
    interface Sink {
        void accept(int index, float[] pixels, int offset);
    }

    private FigurePipeline() {
    }

    /**
     * @param g generator
     * @param z latent [latentSize]
     * @return w = f(z) [dlatentSize], mapped alone
     */
    static float[] map(Generator g, float[] z) {
        try (NDManager m = Engines.newManager()) {
            return g.map(m.create(z, new Shape(1, z.length))).toFloatArray();
        }
    }

    /**
     * @param g generator
     * @param seed image seed
     * @return w of the seed [dlatentSize]
     */
    static float[] seedW(Generator g, long seed) {
        return map(g, Seeds.latent(seed, g.config().latentSize()));
    }

    /**
     * @param g generator
     * @param w w [dlatentSize]
     * @param truncation truncation applied to the broadcast copies
     * @return per-layer w [numLayers * dlatentSize]
     */
    static float[] perLayer(Generator g, float[] w, Truncation truncation) {
        try (NDManager m = Engines.newManager()) {
            NDArray ws = g.broadcast(m.create(w, new Shape(1, w.length)));
            return g.truncate(ws, truncation).toFloatArray();
        }
    }

    /**
     * Synthesises per-layer w in batches.
     *
     * @param g generator
     * @param ws per-layer w of every image, each [numLayers * dlatentSize]
     * @param noise noise inputs (not {@link Noise.Mode#SEEDED}: use {@link #synthesizeSeeded})
     * @param batch images per forward pass
     * @param sink receives each image
     */
    static void synthesize(Generator g, List<float[]> ws, Noise noise, int batch, Sink sink) {
        checkShared(noise);
        synthesize(g, ws, (start, count) -> noise, batch, sink);
    }

    /**
     * Synthesises per-layer w in batches, image {@code i} with noise fixed by {@code noiseSeeds[i]}.
     *
     * @param g generator
     * @param ws per-layer w of every image
     * @param noiseSeeds noise seed of every image
     * @param batch images per forward pass
     * @param sink receives each image
     */
    static void synthesizeSeeded(Generator g, List<float[]> ws, long[] noiseSeeds, int batch, Sink sink) {
        synthesize(g, ws, (start, count) -> {
            long[] part = new long[count];
            System.arraycopy(noiseSeeds, start, part, 0, count);
            return Noise.seeded(part);
        }, batch, sink);
    }

    private interface NoisePlan {
        Noise forImages(int start, int count);
    }

    private static void synthesize(Generator g, List<float[]> ws, NoisePlan noise, int batch, Sink sink) {
        checkBatch(batch);
        ModelConfig c = g.config();
        int per = c.numLayers() * c.dlatentSize();
        try (NDManager m = Engines.newManager()) {
            for (int start = 0; start < ws.size(); start += batch) {
                int count = Math.min(batch, ws.size() - start);
                float[] flat = new float[count * per];
                for (int i = 0; i < count; i++) {
                    System.arraycopy(ws.get(start + i), 0, flat, i * per, per);
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray in = step.create(flat, new Shape(count, c.numLayers(), c.dlatentSize()));
                    float[] pixels = g.synthesize(in, noise.forImages(start, count)).toFloatArray();
                    int size = pixels.length / count;
                    for (int i = 0; i < count; i++) {
                        sink.accept(start + i, pixels, i * size);
                    }
                }
            }
        }
    }

    /**
     * @param g generator
     * @param ws per-layer w of every image
     * @param noise noise inputs (not seeded)
     * @param batch images per forward pass
     * @param onImage called after each image
     * @return the images in order
     */
    static List<BufferedImage> images(Generator g, List<float[]> ws, Noise noise, int batch, Runnable onImage) {
        List<BufferedImage> out = new ArrayList<>();
        synthesize(g, ws, noise, batch, (i, px, off) -> {
            out.add(image(g.config(), px, off));
            onImage.run();
        });
        return out;
    }

    /**
     * @param c architecture
     * @param pixels CHW floats in [-1, 1]
     * @param offset start of the image
     * @return the image, quantised as the official grids
     */
    static BufferedImage image(ModelConfig c, float[] pixels, int offset) {
        return Images.fromCHW(pixels, offset, c.numChannels(), c.resolution(), c.resolution());
    }

    /**
     * @param noise noise for every image of a figure
     * @return the noise, when it does not depend on the batch (constant, random or none)
     */
    static Noise checkShared(Noise noise) {
        if (noise.mode() == Noise.Mode.SEEDED) {
            throw new IllegalArgumentException("seeded noise needs one noise seed per image; use constant, random or none");
        }
        return noise;
    }

    /**
     * @param batch requested batch size
     * @return the batch size
     */
    static int checkBatch(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        return batch;
    }
}
