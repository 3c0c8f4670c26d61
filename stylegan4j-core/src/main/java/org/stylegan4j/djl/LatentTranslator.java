package org.stylegan4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslatorContext;
import org.stylegan4j.StyleGanInputException;

/**
 * Latent z (a {@code float[]} of the network's latent size) to image. With noise {@code random} the noise maps are
 * fresh random draws (no seed to take them from): use {@code const} or {@code none} for repeatable images.
 */
public final class LatentTranslator extends ImageTranslator<float[]> {

    @Override
    public NDList processInput(TranslatorContext ctx, float[] z) {
        int size = config(ctx).latentSize();
        if (z == null || z.length != size) {
            throw new StyleGanInputException("a latent of this network has " + size + " values, got "
                    + (z == null ? "none" : z.length));
        }
        NDManager m = ctx.getNDManager();
        return new NDList(m.create(z), m.create(-1L));
    }
}
