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
}
