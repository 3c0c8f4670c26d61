package org.stylegan4j.djl;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import org.stylegan4j.data.Images;
import org.stylegan4j.model.ModelConfig;

/**
 * The part shared by stylegan4j's translators: an image of the generator's output, quantised exactly as the
 * {@code generate} command writes its PNGs ({@code clip(rint((x + 1) * 127.5), 0, 255)}), gray for 1-channel
 * networks. Inputs are stacked into batches ({@code Predictor.batchPredict}). Stateless: one instance may serve
 * several predictors.
 *
 * @param <I> the input: a seed or a latent
 */
abstract class ImageTranslator<I> implements Translator<I, Image> {

    /** @return the architecture of the context's model */
    static ModelConfig config(TranslatorContext ctx) {
        if (!(ctx.getModel() instanceof StyleGanModel model)) {
            throw new IllegalStateException("stylegan4j translators need a model of the " + StyleGanEngine.ENGINE_NAME
                    + " engine (Criteria.optEngine(StyleGanEngine.ENGINE_NAME)), got " + ctx.getModel().getClass());
        }
        return model.generator().config();
    }

    @Override
    public Image processOutput(TranslatorContext ctx, NDList list) {
        NDArray image = list.get(0);
        ModelConfig c = config(ctx);
        return ImageFactory.getInstance().fromImage(Images.fromCHW(image.toFloatArray(), 0, c.numChannels(),
                c.resolution(), c.resolution()));
    }
}
