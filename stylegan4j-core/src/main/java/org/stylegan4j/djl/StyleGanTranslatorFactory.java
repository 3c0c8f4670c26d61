package org.stylegan4j.djl;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * The translators of stylegan4j models: {@code Long} seed to {@link Image} ({@link SeedTranslator}) and
 * {@code float[]} latent to {@link Image} ({@link LatentTranslator}). Name it in a criteria with
 * {@code optTranslatorFactory(new StyleGanTranslatorFactory())}; truncation and noise are the criteria's arguments
 * ({@link GenerationOptions}).
 */
public final class StyleGanTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(Long.class, Image.class), new Pair<>(float[].class, Image.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model,
            Map<String, ?> arguments) {
        if (output == Image.class && input == Long.class) {
            return (Translator<I, O>) new SeedTranslator();
        }
        if (output == Image.class && input == float[].class) {
            return (Translator<I, O>) new LatentTranslator();
        }
        throw new IllegalArgumentException("stylegan4j models translate Long or float[] to Image, not "
                + input.getSimpleName() + " to " + output.getSimpleName());
    }
}
