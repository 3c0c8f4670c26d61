package org.stylegan4j.figures;

import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseFigureTest {

    private static int[] gray(BufferedImage img) {
        Raster r = img.getRaster();
        return r.getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
    }

    @Test
    void withoutNoiseTheStandardDeviationIsZero() {
        try (Generator g = FigureNetworks.digits32()) {
            NoiseFigure.Result result = new NoiseFigure(g, 1157).samples(5).redraws(2).batchSize(1).render();
            NoiseFigure.Row row = result.rows().get(0);
            assertTrue(Arrays.stream(gray(row.stddev())).allMatch(v -> v == 0));
            for (BufferedImage redraw : row.redraws()) {
                assertArrayEquals(FigureNetworks.rgb(row.image()), FigureNetworks.rgb(redraw));
            }
            assertEquals(4 * 32, result.figure().getWidth());
        }
    }

    @Test
    void redrawsShareTheSeedsWAndOnlyTheNoiseChanges() {
        try (Generator g = FigureNetworks.digits32()) {
            FigureNetworks.setNoiseStrength(g, 0.5f);
            NoiseFigure figure = new NoiseFigure(g, 1157, 1012).samples(6).redraws(3).noiseSeed(40).batchSize(1);
            NoiseFigure.Result result = figure.render();
            assertEquals(2, result.rows().size());
            assertEquals(5 * 32, result.figure().getWidth());
            assertEquals(2 * 32, result.figure().getHeight());
            NoiseFigure.Row row = result.rows().get(1);
            float[] ws = FigureNetworks.directWs(g, 1012);
            assertArrayEquals(ws, figure.ws(1012));
            assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, ws, Noise.seeded(40))),
                    FigureNetworks.rgb(row.image()));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, ws, Noise.seeded(41 + i))),
                        FigureNetworks.rgb(row.redraws().get(i)));
            }
            assertFalse(Arrays.equals(FigureNetworks.rgb(row.image()), FigureNetworks.rgb(row.redraws().get(0))));
            assertTrue(Arrays.stream(gray(row.stddev())).anyMatch(v -> v > 0));
        }
    }

    @Test
    void standardDeviationOfTwoSamplesIsTwiceTheirDifference() {
        try (Generator g = FigureNetworks.digits32()) {
            FigureNetworks.setNoiseStrength(g, 0.5f);
            NoiseFigure.Row row = new NoiseFigure(g, 7).samples(2).redraws(1).render().rows().get(0);
            int[] a = gray(row.image());
            int[] b = gray(row.redraws().get(0));
            int[] std = gray(row.stddev());
            for (int p = 0; p < a.length; p++) {
                assertEquals(Math.min(255, 2 * Math.abs(a[p] - b[p])), std[p]);
            }
        }
    }
}
