package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Engines;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sample grids: tile sizes, images per pass, and no tensor left behind in the network's manager. */
class SampleGridTest {

    @Test
    void tilesAreCappedAndPassesShrinkWithResolution() {
        assertEquals(32, SampleGrid.tileSize(32));
        assertEquals(256, SampleGrid.tileSize(1024));
        assertEquals(16, SampleGrid.imagesPerPass(32));
        assertEquals(16, SampleGrid.imagesPerPass(64));
        assertEquals(4, SampleGrid.imagesPerPass(128));
        assertEquals(1, SampleGrid.imagesPerPass(256));
        assertEquals(1, SampleGrid.imagesPerPass(1024));
    }

    @Test
    void aGridAtACoarseLevelIsUpscaledAndLeavesNoTensorBehind() {
        ModelConfig model = R1PenaltyTest.tiny();
        try (Generator g = new Generator(model, 1); NDManager m = Engines.newManager()) {
            int before = g.parameters().manager().getManagedArrays().size();
            long[] seeds = {0, 1, 2, 3, 4, 5};
            NDArray z = m.create(TrainingStep.gaussians(new Random(2), 6 * model.latentSize()), new Shape(6, model.latentSize()));
            for (double lod : new double[] {1, 0.5, 0}) {
                BufferedImage grid = SampleGrid.fakes(g, z, seeds, lod, 3);
                assertEquals(3 * 8, grid.getWidth());
                assertEquals(2 * 8, grid.getHeight());
            }
            assertEquals(before, g.parameters().manager().getManagedArrays().size(),
                    "temporaries were left in the generator's manager");
        }
    }

    @Test
    void theRealsGridLeavesOutAnUnreadableImage(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(i, i, 0, 255);
            javax.imageio.ImageIO.write(img, "png", tmp.resolve("img" + i + ".png").toFile());
        }
        java.nio.file.Files.write(tmp.resolve("img3.png"), new byte[] {1, 2, 3, 4});
        try (org.stylegan4j.data.ImageDataset data = org.stylegan4j.data.ImageDataset.open(tmp)) {
            BufferedImage grid = SampleGrid.reals(data, 4, 4);
            // the three readable tiles, each with its white pixel at (i, i), in a row of four columns
            assertEquals(4 * 8, grid.getWidth());
            assertEquals(8, grid.getHeight());
            for (int i = 0; i < 3; i++) {
                assertEquals(255, grid.getRaster().getSample(8 * i + i, i, 0));
            }
        }
    }
}
