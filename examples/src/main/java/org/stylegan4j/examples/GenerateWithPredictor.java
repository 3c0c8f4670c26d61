package org.stylegan4j.examples;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import org.stylegan4j.djl.StyleGanEngine;
import org.stylegan4j.djl.StyleGanTranslatorFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/** Seed to PNG through DJL: {@code GenerateWithPredictor NETWORK SEED OUT.png}. */
public final class GenerateWithPredictor {
    public static void main(String[] args) throws Exception {
        Criteria<Long, Image> criteria = Criteria.builder()
                .setTypes(Long.class, Image.class)
                .optModelPath(Path.of(args[0]))                  // a .safetensors checkpoint, a run directory or a .pkl
                .optEngine(StyleGanEngine.ENGINE_NAME)
                .optTranslatorFactory(new StyleGanTranslatorFactory())
                .optArgument("psi", 0.7)                          // truncation; also "cutoff", "noise"
                .build();
        try (ZooModel<Long, Image> model = criteria.loadModel();
             Predictor<Long, Image> predictor = model.newPredictor();
             var out = Files.newOutputStream(Path.of(args[2]))) {
            predictor.predict(Long.parseLong(args[1])).save(out, "png");
        }
    }
}
