package org.stylegan4j.figures;

import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TruncationFigureTest {

    private static float[] nonZeroAverage(Generator g) {
        float[] avg = new float[g.config().dlatentSize()];
        for (int i = 0; i < avg.length; i++) {
            avg[i] = (float) Math.sin(i * 0.37) * 0.8f;
        }
        g.wAvg().set(avg);
        return avg;
    }

    @Test
    void psiZeroGivesTheAverageForEverySeed() {
        long[] seeds = {91, 388, 5};
        try (Generator g = FigureNetworks.digits32()) {
            float[] avg = nonZeroAverage(g);
            TruncationFigure figure = new TruncationFigure(g, seeds, new double[] {0, 1}).batchSize(2);
            int layers = g.config().numLayers();
            float[] expected = new float[layers * avg.length];
            for (int l = 0; l < layers; l++) {
                System.arraycopy(avg, 0, expected, l * avg.length, avg.length);
            }
            for (long seed : seeds) {
                assertArrayEquals(expected, figure.ws(seed, 0));
            }
            List<List<BufferedImage>> images = figure.render().images();
            int[] first = FigureNetworks.rgb(images.get(0).get(0));
            for (List<BufferedImage> row : images) {
                assertArrayEquals(first, FigureNetworks.rgb(row.get(0)));
            }
            assertFalse(Arrays.equals(FigureNetworks.rgb(images.get(0).get(1)), FigureNetworks.rgb(images.get(1).get(1))));
        }
    }

    @Test
    void psiOneIsNoTruncationBitForBit() {
        try (Generator g = FigureNetworks.digits32()) {
            nonZeroAverage(g);
            TruncationFigure figure = new TruncationFigure(g, new long[] {91, 388}, TruncationFigure.DEFAULT_PSI).batchSize(1);
            float[] plain = FigureNetworks.directWs(g, 388);
            assertArrayEquals(plain, figure.ws(388, 1));
            TruncationFigure.Result result = figure.render();
            assertEquals(6 * 32, result.figure().getWidth());
            assertEquals(2 * 32, result.figure().getHeight());
            assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, plain, Noise.constant())),
                    FigureNetworks.rgb(result.images().get(1).get(0)));
        }
    }

    @Test
    void cutoffLeavesLaterLayersUntouched() {
        try (Generator g = FigureNetworks.digits32()) {
            float[] avg = nonZeroAverage(g);
            int d = avg.length;
            int layers = g.config().numLayers();
            float[] plain = FigureNetworks.directWs(g, 91);
            float[] cut = new TruncationFigure(g, new long[] {91}, new double[] {0.5}).cutoff(3).ws(91, 0.5);
            for (int l = 0; l < layers; l++) {
                float[] a = Arrays.copyOfRange(plain, l * d, (l + 1) * d);
                float[] b = Arrays.copyOfRange(cut, l * d, (l + 1) * d);
                if (l < 3) {
                    for (int i = 0; i < d; i++) {
                        assertEquals(avg[i] + 0.5f * (a[i] - avg[i]), b[i], 1e-6f);
                    }
                } else {
                    assertArrayEquals(a, b);
                }
            }
        }
    }
}
