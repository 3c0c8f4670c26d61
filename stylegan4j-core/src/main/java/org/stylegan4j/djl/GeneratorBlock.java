package org.stylegan4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;

import java.util.Arrays;

/**
 * A {@link Generator} as a DJL block (inference only): inputs are latents z {@code [N, latentSize]} and each image's
 * seed {@code [N]} (int64; negative when the latent was given directly), the output is images
 * {@code [N, channels, resolution, resolution]} nominally in [-1, 1]. Truncation and noise are the model's
 * {@link GenerationOptions}. The generator's parameters are its own (it holds no DJL parameters), and it may be
 * called from several threads at once.
 */
public final class GeneratorBlock extends AbstractBlock {

    private final Generator generator;
    private final GenerationOptions options;

    /**
     * @param generator a frozen generator, owned by the caller
     * @param options truncation and noise
     */
    public GeneratorBlock(Generator generator, GenerationOptions options) {
        this.generator = generator;
        this.options = options;
    }

    /** @return the generator behind the block */
    public Generator generator() {
        return generator;
    }

    /** @return truncation and noise */
    public GenerationOptions options() {
        return options;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (training) {
            throw new UnsupportedOperationException("a stylegan4j DJL model generates only; train with TrainingLoop");
        }
        NDArray z = inputs.get(0);
        long[] seeds = inputs.get(1).toLongArray();
        return new NDList(generator.generate(z, options.truncation(), noise(seeds)));
    }

    private Noise noise(long[] seeds) {
        switch (options.noise()) {
            case "const":
                return Noise.constant();
            case "none":
                return Noise.none();
            default:
                return Arrays.stream(seeds).allMatch(s -> s >= 0) ? Noise.seeded(seeds) : Noise.random();
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int r = generator.config().resolution();
        return new Shape[] {new Shape(inputShapes[0].get(0), generator.config().numChannels(), r, r)};
    }
}
