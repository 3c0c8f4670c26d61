package org.stylegan4j.figures;

import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;

import java.awt.image.BufferedImage;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StyleMixingFigureTest {

    @Test
    void eachCellIsTheRowsWWithTheColumnsWInTheChosenLayers() {
        long[] rows = {888, 829};
        long[] cols = {639, 701, 687};
        try (Generator g = FigureNetworks.digits32()) {
            FigureNetworks.setNoiseStrength(g, 0.3f);
            StyleBands.Range middle = StyleBands.parse("middle", g.config().numLayers());
            StyleMixingFigure figure = new StyleMixingFigure(g, rows, cols, middle).batchSize(1);
            StyleMixingFigure.Result result = figure.render();

            int d = g.config().dlatentSize();
            int layers = g.config().numLayers();
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < cols.length; c++) {
                    float[] rowWs = FigureNetworks.directWs(g, rows[r]);
                    float[] colWs = FigureNetworks.directWs(g, cols[c]);
                    float[] expected = new float[layers * d];
                    for (int l = 0; l < layers; l++) {
                        float[] from = l >= 4 && l < 8 ? colWs : rowWs;
                        System.arraycopy(from, l * d, expected, l * d, d);
                    }
                    float[] cellWs = figure.cellWs(r, c);
                    assertArrayEquals(expected, cellWs);
                    assertArrayEquals(FigureNetworks.directPixels(g, expected, Noise.constant()),
                            FigureNetworks.directPixels(g, cellWs, Noise.constant()));
                    assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, expected, Noise.constant())),
                            FigureNetworks.rgb(result.cell(r, c)));
                }
            }
            assertFalse(Arrays.equals(FigureNetworks.directWs(g, rows[0]), figure.cellWs(0, 0)));
        }
    }

    @Test
    void gridHasSourcesOnTheEdgesAndAWhiteCorner() {
        try (Generator g = FigureNetworks.digits32()) {
            StyleMixingFigure.Result result = new StyleMixingFigure(g, new long[] {1, 2}, new long[] {3, 4, 5},
                    new StyleBands.Range(0, 4)).batchSize(1).render();
            BufferedImage fig = result.figure();
            assertEquals(4 * 32, fig.getWidth());
            assertEquals(3 * 32, fig.getHeight());
            int[] corner = fig.getRGB(0, 0, 32, 32, null, 0, 32);
            for (int p : corner) {
                assertEquals(0xFFFFFFFF, p);
            }
            assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, FigureNetworks.directWs(g, 4), Noise.constant())),
                    fig.getRGB(64, 0, 32, 32, null, 0, 32));
            assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, FigureNetworks.directWs(g, 2), Noise.constant())),
                    fig.getRGB(0, 64, 32, 32, null, 0, 32));
            assertArrayEquals(FigureNetworks.rgb(result.cell(1, 2)), fig.getRGB(96, 64, 32, 32, null, 0, 32));
        }
    }
}
