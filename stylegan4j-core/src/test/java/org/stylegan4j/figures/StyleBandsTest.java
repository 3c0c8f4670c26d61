package org.stylegan4j.figures;

import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StyleBandsTest {

    @Test
    void bandsAt1024MatchTheOfficialStyleRanges() {
        assertEquals(new StyleBands.Range(0, 4), StyleBands.band(StyleBands.Band.COARSE, 18));
        assertEquals(new StyleBands.Range(4, 8), StyleBands.band(StyleBands.Band.MIDDLE, 18));
        assertEquals(new StyleBands.Range(8, 18), StyleBands.band(StyleBands.Band.FINE, 18));
        assertEquals(4, StyleBands.layerResolution(0));
        assertEquals(8, StyleBands.layerResolution(3));
        assertEquals(1024, StyleBands.layerResolution(17));
    }

    @Test
    void bandsFollowTheNetworksOwnDepth() {
        assertEquals(new StyleBands.Range(8, 10), StyleBands.parse("fine", 10));
        assertEquals(new StyleBands.Range(4, 6), StyleBands.parse("MIDDLE", 6));
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> StyleBands.parse("fine", 8));
        assertEquals("the fine band (64x64 and up) is empty in a 32x32 network (layers 0-7)", e.getMessage());
        assertThrows(StyleGanInputException.class, () -> StyleBands.parse("middle", 4));
    }

    @Test
    void parsesInclusiveLayerRanges() {
        assertEquals(new StyleBands.Range(0, 4), StyleBands.parse("0-3", 14));
        assertEquals(new StyleBands.Range(4, 8), StyleBands.parse("4-7", 14));
        assertEquals(new StyleBands.Range(8, 9), StyleBands.parse("8", 14));
        assertEquals(new StyleBands.Range(8, 14), StyleBands.parse("8-", 14));
        assertEquals("0-3", StyleBands.parse("0-3", 14).toString());
    }

    @Test
    void rejectsUnknownNamesAndRangesPastTheDepth() {
        assertEquals("layer range 0-20 is past the network's 14 layers (0-13)",
                assertThrows(StyleGanInputException.class, () -> StyleBands.parse("0-20", 14)).getMessage());
        assertEquals("layer range 14- is past the network's 14 layers (0-13)",
                assertThrows(StyleGanInputException.class, () -> StyleBands.parse("14-", 14)).getMessage());
        assertEquals("layer range 5-2 runs backwards",
                assertThrows(StyleGanInputException.class, () -> StyleBands.parse("5-2", 14)).getMessage());
        String unknown = assertThrows(StyleGanInputException.class, () -> StyleBands.parse("ultra", 14)).getMessage();
        assertEquals("unknown style band 'ultra' (expected coarse, middle, fine or a layer range like 0-3, 8 or 8-)", unknown);
        assertThrows(StyleGanInputException.class, () -> StyleBands.parse("-3", 14));
    }

    @Test
    void fineNoiseLayersFallBackToTheUpperHalf() {
        assertEquals(new StyleBands.Range(8, 18), StyleBands.fineOrUpperHalf(18));
        assertEquals(new StyleBands.Range(8, 10), StyleBands.fineOrUpperHalf(10));
        assertEquals(new StyleBands.Range(4, 8), StyleBands.fineOrUpperHalf(8));
        assertEquals(new StyleBands.Range(2, 4), StyleBands.fineOrUpperHalf(4));
    }
}
