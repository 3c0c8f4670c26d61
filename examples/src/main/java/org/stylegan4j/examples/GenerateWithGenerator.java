package org.stylegan4j.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.stylegan4j.data.Images;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.nio.file.Path;

/** Seed to PNG with the Generator API: {@code GenerateWithGenerator CHECKPOINT.safetensors SEED OUT.png}. */
public final class GenerateWithGenerator {
    public static void main(String[] args) {
        long seed = Long.parseLong(args[1]);
        try (Generator g = Checkpoint.loadGenerator(Path.of(args[0])).freeze();
             NDManager m = Engines.newManager()) {
            ModelConfig c = g.config();
            NDArray z = Seeds.latents(new long[] {seed}, c.latentSize(), m);
            NDArray image = g.generate(z, new Truncation(0.7, 8), Noise.seeded(seed));   // [1, C, H, W] in [-1, 1]
            Images.writePng(Images.fromCHW(image.toFloatArray(), 0, c.numChannels(), c.resolution(), c.resolution()),
                    Path.of(args[2]));
        }
    }
}
