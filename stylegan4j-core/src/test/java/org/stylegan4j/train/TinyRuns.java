package org.stylegan4j.train;

import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.ModelConfig;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Tiny training setups shared by the training tests: 8x8 grayscale blobs and a fast config. */
final class TinyRuns {

    private TinyRuns() {
    }

    /** Writes {@code count} 8x8 grayscale PNGs of random bright blobs. */
    static Path dataset(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(42);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            int cx = rng.nextInt(8);
            int cy = rng.nextInt(8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    int v = (int) Math.round(255 * Math.exp(-d2 / 4.0));
                    img.getRaster().setSample(x, y, 0, v);
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("blob%03d.png", i)).toFile());
        }
        return dir;
    }

    /**
     * A config that trains a narrow 8x8 network, 8 images per minibatch, a tick every 2 minibatches, at a constant
     * learning rate (so that a run extended to a larger total continues exactly as one planned that long).
     */
    static TrainingConfig config(double totalKimg) {
        ModelConfig model = new ModelConfig("tiny", 8, 1, 32, 32, 2, 32, 0.01, 64, 1.0, 32, true, true, true, false, 0.9,
                new DiscriminatorConfig(32, 1, 2));
        return TrainingConfig.preset("small", model).toBuilder().totalKimg(totalKimg).minibatchBase(8)
                .minibatchDict(Map.of(8, 8)).tickKimgBase(0.016).snapshotTicks(1).gridSize(2).lrRampdown(0).build();
    }
}
