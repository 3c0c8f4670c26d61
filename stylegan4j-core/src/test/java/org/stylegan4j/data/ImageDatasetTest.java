package org.stylegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDatasetTest {
    @TempDir
    Path tmp;

    @Test
    void readsBundledMnist() {
        try (ImageDataset ds = ImageDataset.open(ImageSourceTest.MNIST)) {
            assertEquals(10_000, ds.size());
            assertEquals(32, ds.resolution());
            assertEquals(1, ds.channels());
            float[] x = new float[ds.imageSize()];
            boolean anyWhite = false;
            for (int i : new int[] {0, 1234, 9999}) {
                ds.readInto(i, x, 0, false);
                assertEquals(-1f, x[0]);
                assertEquals(-1f, x[31 * 32 + 31]);
                for (float v : x) {
                    assertTrue(v >= -1f && v <= 1f, "value " + v);
                    anyWhite |= v > 0.9f;
                }
            }
            assertTrue(anyWhite);
        }
    }

    @Test
    void levelsAreTheOfficialFloatPyramidRoundedHalfToEven() {
        // one 4x4 channel; its 2x2 blocks average to 1.75, 0.25, 1.5 and 2.5
        byte[] image = {
            1, 2, 0, 1,
            2, 2, 0, 0,
            1, 2, 2, 3,
            1, 2, 2, 3,
        };
        assertArrayEquals(new byte[] {2, 0, 2, 2}, ImageDataset.boxLevel(image, 1, 4, 2));
        // the 1x1 level averages the unrounded 2x2 level: (1.75 + 0.25 + 1.5 + 2.5) / 4 = 1.5, rounded to 2;
        // blocks of 1.5, 1.5, 1.5, 0.5 give 1.25 -> 1, where rounding the 2x2 level first would give 2
        assertArrayEquals(new byte[] {2}, ImageDataset.boxLevel(image, 1, 4, 1));
        byte[] halves = {
            1, 2, 1, 2,
            1, 2, 1, 2,
            1, 2, 0, 1,
            1, 2, 0, 1,
        };
        assertArrayEquals(new byte[] {1}, ImageDataset.boxLevel(halves, 1, 4, 1));
        // bright values stay in range: 255 everywhere is 255 at every level
        byte[] white = new byte[2 * 8 * 8];
        java.util.Arrays.fill(white, (byte) 255);
        byte[] level = ImageDataset.boxLevel(white, 2, 8, 2);
        assertEquals(2 * 2 * 2, level.length);
        for (byte v : level) {
            assertEquals(255, v & 0xff);
        }
    }

    @Test
    void readLevelDownscalesEachChannelAndRefusesOtherSizes() throws IOException {
        TestImages.rgb(tmp.resolve("a.png"), 8, 8, 3);
        try (ImageDataset ds = ImageDataset.open(tmp)) {
            byte[] raw = ds.readRaw(0);
            assertArrayEquals(raw, ds.readLevel(0, 8));
            byte[] level = ds.readLevel(0, 4);
            assertEquals(3 * 16, level.length);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        int p = c * 64 + 2 * y * 8 + 2 * x;
                        float mean = ((raw[p] & 0xff) + (raw[p + 1] & 0xff) + (raw[p + 8] & 0xff) + (raw[p + 9] & 0xff)) * 0.25f;
                        assertEquals((int) Math.rint(mean), level[c * 16 + y * 4 + x] & 0xff);
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> ds.readLevel(0, 16));
            assertThrows(IllegalArgumentException.class, () -> ds.readLevel(0, 3));
        }
    }

    @Test
    void mapsBytesToUnitRangeAndMirrors() throws IOException {
        TestImages.rgb(tmp.resolve("a.png"), 8, 8, 11);
        try (ImageDataset ds = ImageDataset.open(tmp)) {
            assertEquals(3, ds.channels());
            byte[] raw = ds.readRaw(0);
            float[] plain = new float[ds.imageSize() + 5];
            float[] flipped = new float[ds.imageSize()];
            ds.readInto(0, plain, 5, false);
            ds.readInto(0, flipped, 0, true);
            int r = 8;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < r; y++) {
                    for (int x = 0; x < r; x++) {
                        int i = (c * r + y) * r + x;
                        assertEquals((raw[i] & 0xff) * (2 / 255f) - 1, plain[5 + i]);
                        assertEquals(plain[5 + (c * r + y) * r + (r - 1 - x)], flipped[i]);
                    }
                }
            }
            // red channel of pixel (x=3, y=0) is (3*5+11) = 26, green (0*9+11) = 11
            assertEquals(26, raw[3] & 0xff);
            assertEquals(11, raw[r * r + 3] & 0xff);
        }
    }

    @Test
    void grayImagesGiveOneChannel() throws IOException {
        TestImages.gray(tmp.resolve("a.png"), 4, 4, 0);
        try (ImageDataset ds = ImageDataset.open(tmp)) {
            assertEquals(1, ds.channels());
            assertEquals(4, ds.resolution());
            assertEquals(7, ds.readRaw(0)[1]);
        }
    }

    @Test
    void sizeMismatchNamesBothImagesAndTheDatasetCommand() throws IOException {
        TestImages.gray(tmp.resolve("a.png"), 32, 32, 0);
        TestImages.gray(tmp.resolve("b.png"), 28, 28, 0);
        try (ImageDataset ds = ImageDataset.open(tmp)) {
            StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> ds.readRaw(1));
            assertEquals(tmp + ": images differ in size (a.png is 32x32, b.png is 28x28); prepare the data with "
                    + "`stylegan4j dataset --source DIR --dest OUT.zip --resolution R`", e.getMessage());
        }
    }

    @Test
    void rejectsNonSquareOrNonPowerOfTwo() throws IOException {
        TestImages.gray(tmp.resolve("a.png"), 30, 30, 0);
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> ImageDataset.open(tmp));
        assertTrue(e.getMessage().contains("a.png is 30x30") && e.getMessage().contains("stylegan4j dataset"),
                e.getMessage());
    }

    @Test
    void allCorruptIsAnError() throws IOException {
        TestImages.corrupt(tmp.resolve("x.png"));
        TestImages.corrupt(tmp.resolve("y.png"));
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> ImageDataset.open(tmp));
        assertEquals("no usable image in " + tmp, e.getMessage());
    }
}
