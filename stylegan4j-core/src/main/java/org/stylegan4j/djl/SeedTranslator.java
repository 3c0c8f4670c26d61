package org.stylegan4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslatorContext;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.Seeds;

/**
 * Seed to image: z = numpy's {@code RandomState(seed).randn(latentSize)} as in NVIDIA's scripts and the
 * {@code generate} command, so a seed gives the same image here as there (with the same options); with noise
 * {@code random} the noise maps are drawn from the seed too.
 */
public final class SeedTranslator extends ImageTranslator<Long> {

    @Override
    public NDList processInput(TranslatorContext ctx, Long seed) {
        if (seed == null || seed < 0 || seed > Seeds.MAX) {
            throw new StyleGanInputException("a seed must be in [0, " + Seeds.MAX + "], got " + seed);
        }
        NDManager m = ctx.getNDManager();
        return new NDList(m.create(Seeds.latent(seed, config(ctx).latentSize())), m.create(seed.longValue()));
    }
}
