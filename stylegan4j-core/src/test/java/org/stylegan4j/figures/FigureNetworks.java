package org.stylegan4j.figures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.Images;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Tensors;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/** Small random-init networks and direct (batch 1) syntheses for the figure tests. */
final class FigureNetworks {

    private FigureNetworks() {
    }

    /** @return the digits preset at 32x32 (8 layers: coarse 0-3, middle 4-7, no fine band) */
    static Generator digits32() {
        return new Generator(ModelConfig.preset("small", 32), 7);
    }

    /** Sets every noise strength (synthesis.*.Noise.weight, zero at initialisation) to a value. */
    static void setNoiseStrength(Generator g, float value) {
        for (ParameterStore.Parameter p : g.parameters().all()) {
            if (p.name().startsWith("synthesis.") && p.name().endsWith(".Noise.weight")) {
                float[] v = new float[(int) p.array().size()];
                Arrays.fill(v, value);
                Tensors.copyInto(p.array(), v);
            }
        }
    }

    /** @return per-layer w of a seed mapped alone and broadcast, [numLayers * D] */
    static float[] directWs(Generator g, long seed) {
        try (NDManager m = Engines.newManager()) {
            NDArray z = Seeds.latents(new long[] {seed}, g.config().latentSize(), m);
            return g.broadcast(g.map(z)).toFloatArray();
        }
    }

    /** @return the CHW floats of one image synthesised alone */
    static float[] directPixels(Generator g, float[] ws, Noise noise) {
        try (NDManager m = Engines.newManager()) {
            NDArray in = m.create(ws, new Shape(1, g.config().numLayers(), g.config().dlatentSize()));
            return g.synthesize(in, noise).toFloatArray();
        }
    }

    /** @return the image of one per-layer w synthesised alone */
    static BufferedImage directImage(Generator g, float[] ws, Noise noise) {
        int r = g.config().resolution();
        return Images.fromCHW(directPixels(g, ws, noise), 0, g.config().numChannels(), r, r);
    }

    /** @return every pixel of an image as RGB ints */
    static int[] rgb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
