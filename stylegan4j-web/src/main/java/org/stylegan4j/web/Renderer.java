package org.stylegan4j.web;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.Interpolation;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.StyleMixing;
import org.stylegan4j.model.SynthesisNetwork;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Draws one {@link ImageRequest} as PNG bytes. Every call works in its own NDManager, closed before
 * it returns, so memory stays flat; calls must not overlap on one generator unless the caller knows
 * the engine allows it (the server runs them on its bounded worker pool).
 *
 * <p>A seed gives w = f(z) on every layer; a projection gives its own (per-layer) w. With {@code const} noise a
 * projection brings its own noise maps: an image of a projection alone at psi 1 is the one {@code generate
 * --projected-w} draws, bit for bit. A mix takes the noise of source a; an interpolation interpolates the maps of
 * its ends (the network's maps for a seed) as it does their w.
 */
public final class Renderer {

    private final Generator generator;

    /** @param generator the network (not closed here) */
    public Renderer(Generator generator) {
        this.generator = generator;
    }

    /**
     * @param request a validated request
     * @return the image as PNG
     */
    public byte[] png(ImageRequest request) {
        ModelConfig c = generator.config();
        float[] pixels;
        try (NDManager m = Engines.newManager()) {
            NDArray ws = switch (request.kind()) {
                case GENERATE -> ws(request.a(), m);
                case MIX -> StyleMixing.mix(ws(request.a(), m), ws(request.b(), m), request.styles().from(),
                        request.styles().to());
                case INTERPOLATE -> request.space() == ImageRequest.Space.Z
                        ? generator.broadcast(slerpW(request, m))
                        : m.create(Interpolation.lerp(ws(request.a(), m).toFloatArray(),
                                ws(request.b(), m).toFloatArray(), request.t()), new Shape(1, c.numLayers(), c.dlatentSize()));
            };
            NDArray truncated = generator.truncate(ws, new Truncation(request.psi(), request.cutoff()));
            pixels = generator.synthesize(truncated, noise(request, m)).toFloatArray();
        }
        return png(Images.fromCHW(pixels, 0, c.numChannels(), c.resolution(), c.resolution()));
    }

    /**
     * @param image an image
     * @return it as PNG
     */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @return the source's per-layer w {@code [1, L, D]} */
    private NDArray ws(ImageRequest.Source source, NDManager m) {
        ModelConfig c = generator.config();
        if (source instanceof ImageRequest.Projected p) {
            return m.create(p.latents().ws().data(), new Shape(1, c.numLayers(), c.dlatentSize()));
        }
        long seed = ((ImageRequest.Seed) source).seed();
        return generator.broadcast(generator.map(Seeds.latents(new long[] {seed}, c.latentSize(), m)));
    }

    /** w = f(slerp(z_a, z_b, t)) {@code [1, D]}, for two seeds. */
    private NDArray slerpW(ImageRequest request, NDManager m) {
        int size = generator.config().latentSize();
        float[] za = Seeds.latent(((ImageRequest.Seed) request.a()).seed(), size);
        float[] zb = Seeds.latent(((ImageRequest.Seed) request.b()).seed(), size);
        return generator.map(m.create(Interpolation.slerp(za, zb, request.t()), new Shape(1, size)));
    }

    /** The request's noise, with a projection's own maps in place of the network's for {@code const}. */
    private Noise noise(ImageRequest request, NDManager m) {
        boolean projected = request.a() instanceof ImageRequest.Projected
                || (request.kind() == ImageRequest.Kind.INTERPOLATE && request.b() instanceof ImageRequest.Projected);
        if (request.noise() != Noise.Mode.CONST || !projected || !generator.config().useNoise()) {
            return request.noiseInput();
        }
        int layers = generator.config().numLayers();
        NDArray[] maps = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            int size = SynthesisNetwork.layerSize(l);
            float[] map = noiseMap(request.a(), l);
            if (request.kind() == ImageRequest.Kind.INTERPOLATE) {
                map = Interpolation.lerp(map, noiseMap(request.b(), l), request.t());
            }
            maps[l] = m.create(map, new Shape(1, 1, size, size));
        }
        return Noise.given(maps).scaled(request.strengths());
    }

    /** @return layer l's noise map of a source: the projection's own, or the network's constant map */
    private float[] noiseMap(ImageRequest.Source source, int layer) {
        if (source instanceof ImageRequest.Projected p) {
            return p.latents().noise().get(layer).data();
        }
        return generator.parameters().get(SynthesisNetwork.PREFIX + "noise" + layer).array().toFloatArray();
    }
}
