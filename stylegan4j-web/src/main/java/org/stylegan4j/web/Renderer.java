package org.stylegan4j.web;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.Images;
import org.stylegan4j.figures.Interpolation;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.StyleMixing;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Draws one {@link ImageRequest} as PNG bytes. Every call works in its own NDManager, closed before
 * it returns, so memory stays flat; calls must not overlap on one generator unless the caller knows
 * the engine allows it (the server runs them on its bounded worker pool).
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
                case GENERATE -> generator.broadcast(generator.map(Seeds.latents(new long[] {request.a()}, c.latentSize(), m)));
                case MIX -> {
                    NDArray both = generator.broadcast(generator.map(
                            Seeds.latents(new long[] {request.a(), request.b()}, c.latentSize(), m)));
                    yield StyleMixing.mix(both.get("0:1"), both.get("1:2"), request.styles().from(), request.styles().to());
                }
                case INTERPOLATE -> generator.broadcast(interpolatedW(request, m));
            };
            NDArray truncated = generator.truncate(ws, new Truncation(request.psi(), request.cutoff()));
            pixels = generator.synthesize(truncated, request.noiseInput()).toFloatArray();
        }
        BufferedImage image = Images.fromCHW(pixels, 0, c.numChannels(), c.resolution(), c.resolution());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private NDArray interpolatedW(ImageRequest request, NDManager m) {
        int size = generator.config().latentSize();
        float[] za = Seeds.latent(request.a(), size);
        float[] zb = Seeds.latent(request.b(), size);
        if (request.space() == ImageRequest.Space.Z) {
            float[] z = Interpolation.slerp(za, zb, request.t());
            return generator.map(m.create(z, new Shape(1, size)));
        }
        float[] w = generator.map(Seeds.latents(new long[] {request.a(), request.b()}, size, m)).toFloatArray();
        int d = generator.config().dlatentSize();
        float[] wa = Arrays.copyOfRange(w, 0, d);
        float[] wb = Arrays.copyOfRange(w, d, 2 * d);
        return m.create(Interpolation.lerp(wa, wb, request.t()), new Shape(1, d));
    }
}
