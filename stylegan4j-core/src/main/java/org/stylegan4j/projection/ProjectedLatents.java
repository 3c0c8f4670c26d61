package org.stylegan4j.projection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.Images;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.nn.Engines;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Projected latents as a file, {@code projected_w.safetensors}: tensor {@code w} {@code [N, L, D]} (one w per
 * synthesis layer for each of N images; in W all L rows are equal) and {@code noise.<l>} {@code [N, 1, s, s]} (the
 * optimised noise map of layer l), float32, readable from Python with {@code safetensors}; metadata {@code format}
 * = {@value #FORMAT} and what the projection was (targets, space, steps, distance). An image is synthesised from its
 * w and its noise maps, as the projection drew it.
 *
 * @param ws {@code [N, L, D]}
 * @param noise per layer {@code [N, 1, s, s]}
 * @param metadata what the projection was
 */
public record ProjectedLatents(SafeTensors.Tensor ws, List<SafeTensors.Tensor> noise, Map<String, String> metadata) {

    /** The file name the {@code project} command writes. */
    public static final String FILE = "projected_w.safetensors";
    /** Value of the metadata key {@code format}. */
    public static final String FORMAT = "stylegan4j-projected-w/1";

    /** @return the number of images */
    public int count() {
        return Math.toIntExact(ws.shape()[0]);
    }

    /** @return every image's per-layer w {@code [L * D]}, in order */
    public List<float[]> perLayerWs() {
        int per = Math.toIntExact(ws.shape()[1] * ws.shape()[2]);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count(); i++) {
            out.add(Arrays.copyOfRange(ws.data(), i * per, (i + 1) * per));
        }
        return out;
    }

    /**
     * Writes the file atomically.
     *
     * @param file where
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        SafeTensors.write(file, tensors(), fileMetadata());
    }

    /**
     * Writes the bytes {@link #save} writes to a file (an explorer's download).
     *
     * @param out where the bytes go (left open)
     * @throws IOException if writing fails
     */
    public void write(OutputStream out) throws IOException {
        SafeTensors.write(out, tensors(), fileMetadata());
    }

    private Map<String, SafeTensors.Tensor> tensors() {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", ws);
        for (int l = 0; l < noise.size(); l++) {
            tensors.put("noise." + l, noise.get(l));
        }
        return tensors;
    }

    private Map<String, String> fileMetadata() {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("format", FORMAT);
        return meta;
    }

    /**
     * @param file a {@code projected_w.safetensors}
     * @return its latents
     * @throws StyleGanInputException for a file that is not one, naming what is wrong
     */
    public static ProjectedLatents load(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file);
        if (!FORMAT.equals(c.metadata().get("format"))) {
            throw new StyleGanInputException(file + " is not a projection's latents (format "
                    + c.metadata().get("format") + ", expected " + FORMAT + ")");
        }
        SafeTensors.Tensor w = c.tensors().get("w");
        if (w == null || w.shape().length != 3) {
            throw new StyleGanInputException(file + " has no tensor w of shape [N, L, D]");
        }
        List<SafeTensors.Tensor> noise = new ArrayList<>();
        for (int l = 0; l < w.shape()[1]; l++) {
            SafeTensors.Tensor t = c.tensors().get("noise." + l);
            int size = 4 << (l / 2);
            if (t == null || !Arrays.equals(t.shape(), new long[] {w.shape()[0], 1, size, size})) {
                throw new StyleGanInputException(file + " has no noise." + l + " of shape [" + w.shape()[0] + ", 1, "
                        + size + ", " + size + "]");
            }
            noise.add(t);
        }
        return new ProjectedLatents(w, noise, c.metadata());
    }

    /**
     * @param config a network's architecture
     * @throws StyleGanInputException when these latents were not made for such a network
     */
    public void check(ModelConfig config) {
        if (ws.shape()[1] != config.numLayers() || ws.shape()[2] != config.dlatentSize()) {
            throw new StyleGanInputException("the projected latents are [" + ws.shape()[0] + ", " + ws.shape()[1]
                    + ", " + ws.shape()[2] + "], the network takes [N, " + config.numLayers() + ", "
                    + config.dlatentSize() + "]: they were projected with another network");
        }
    }

    /**
     * Synthesises image {@code i} alone from its w and noise maps (as {@code project} draws proj.png and
     * {@code generate --projected-w} its files, so the two give the same pixels).
     *
     * @param g the generator
     * @param i which image
     * @return the image
     */
    public BufferedImage image(Generator g, int i) {
        check(g.config());
        ModelConfig c = g.config();
        int layers = c.numLayers();
        int d = c.dlatentSize();
        try (NDManager m = Engines.newManager()) {
            NDArray w = m.create(Arrays.copyOfRange(ws.data(), i * layers * d, (i + 1) * layers * d),
                    new Shape(1, layers, d));
            NDArray[] maps = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                int s = 4 << (l / 2);
                maps[l] = m.create(Arrays.copyOfRange(noise.get(l).data(), i * s * s, (i + 1) * s * s),
                        new Shape(1, 1, s, s));
            }
            float[] chw = g.synthesize(w, Noise.given(maps)).toFloatArray();
            return Images.fromCHW(chw, 0, c.numChannels(), c.resolution(), c.resolution());
        }
    }
}
