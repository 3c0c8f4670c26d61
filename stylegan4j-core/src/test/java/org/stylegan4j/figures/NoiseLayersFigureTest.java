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

class NoiseLayersFigureTest {

    @Test
    void variantsFollowTheOfficialRangesAt1024AndTheUpperHalfBelow64() {
        List<NoiseLayersFigure.Variant> at1024 = NoiseLayersFigure.variants(18);
        assertEquals(List.of("all", "none", "fine", "coarse"), at1024.stream().map(NoiseLayersFigure.Variant::label).toList());
        assertEquals(List.of(new StyleBands.Range(0, 18), new StyleBands.Range(0, 0), new StyleBands.Range(8, 18),
                new StyleBands.Range(0, 8)), at1024.stream().map(NoiseLayersFigure.Variant::layers).toList());
        List<NoiseLayersFigure.Variant> at32 = NoiseLayersFigure.variants(8);
        assertEquals(new StyleBands.Range(4, 8), at32.get(2).layers());
        assertEquals(new StyleBands.Range(0, 4), at32.get(3).layers());
    }

    @Test
    void eachColumnHasNoiseOnlyInItsLayers() {
        try (Generator g = FigureNetworks.digits32()) {
            FigureNetworks.setNoiseStrength(g, 0.5f);
            NoiseLayersFigure.Result result = new NoiseLayersFigure(g, 1967, 1555).batchSize(1).render();
            assertEquals(4 * 32, result.figure().getWidth());
            assertEquals(2 * 32, result.figure().getHeight());
            float[] ws = FigureNetworks.directWs(g, 1555);
            List<BufferedImage> row = result.images().get(1);
            assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, ws, Noise.constant())), FigureNetworks.rgb(row.get(0)));
            assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, ws, Noise.none())), FigureNetworks.rgb(row.get(1)));
            assertArrayEquals(FigureNetworks.rgb(FigureNetworks.directImage(g, ws, Noise.constant().onlyLayers(8, 4, 8))),
                    FigureNetworks.rgb(row.get(2)));
            assertFalse(Arrays.equals(FigureNetworks.rgb(row.get(0)), FigureNetworks.rgb(row.get(1))));
            assertFalse(Arrays.equals(FigureNetworks.rgb(row.get(2)), FigureNetworks.rgb(row.get(3))));
        }
    }
}
