/**
 * stylegan4j networks as DJL models: the {@code StyleGAN4j} engine ({@link org.stylegan4j.djl.StyleGanEngine}) loads
 * a stylegan4j checkpoint or an official StyleGAN (v1) {@code .pkl} through DJL's {@code Criteria}, and
 * {@link org.stylegan4j.djl.StyleGanTranslatorFactory} turns seeds or latents into {@code Image}s, one at a time or
 * in batches ({@code Predictor.batchPredict}).
 */
package org.stylegan4j.djl;
