package org.stylegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImagesTest {
    @TempDir
    Path tmp;

    @Test
    void fromChwRoundsLikeTheOfficialGrids() {
        float[] x = {0f, -1f, 1f, 2f, -0.99607843f, -3f};
        BufferedImage img = Images.fromCHW(x, 0, 1, 1, 6);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        int[] got = img.getRaster().getSamples(0, 0, 6, 1, 0, (int[]) null);
        assertArrayEquals(new int[] {128, 0, 255, 255, 0, 0}, got);
    }

    @Test
    void fromChwRgbUsesPlanes() {
        float[] x = new float[1 + 3 * 2];
        x[1] = 1f;      // R of pixel 0
        x[2] = -1f;     // R of pixel 1
        x[3] = -1f;     // G of pixel 0
        x[4] = 1f;      // G of pixel 1
        x[5] = 0f;      // B of pixel 0
        x[6] = -1f;     // B of pixel 1
        BufferedImage img = Images.fromCHW(x, 1, 3, 1, 2);
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(0xff0080, img.getRGB(0, 0) & 0xffffff);
        assertEquals(0x00ff00, img.getRGB(1, 0) & 0xffffff);
    }

    @Test
    void gridIsRowMajorWithWhiteBlanks() {
        List<BufferedImage> tiles = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            float[] v = new float[4];
            Arrays.fill(v, -1f + t * 0.5f);
            tiles.add(Images.fromCHW(v, 0, 1, 2, 2));
        }
        tiles.add(null);
        BufferedImage g = Images.grid(tiles, 3);
        assertEquals(6, g.getWidth());
        assertEquals(4, g.getHeight());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, g.getType());
        assertEquals(0, g.getRaster().getSample(1, 1, 0));
        assertEquals(64, g.getRaster().getSample(2, 0, 0));
        assertEquals(128, g.getRaster().getSample(5, 1, 0));
        assertEquals(255, g.getRaster().getSample(0, 2, 0));
        assertEquals(255, g.getRaster().getSample(5, 3, 0));
    }

    @Test
    void gridMixesGrayAndRgbWithoutColourShift() {
        BufferedImage gray = Images.fromCHW(new float[] {0f}, 0, 1, 1, 1);
        BufferedImage rgb = Images.fromCHW(new float[] {1f, -1f, -1f}, 0, 3, 1, 1);
        BufferedImage g = Images.grid(Arrays.asList(gray, rgb), 1);
        assertEquals(0x808080, g.getRGB(0, 0) & 0xffffff);
        assertEquals(0xff0000, g.getRGB(0, 1) & 0xffffff);
    }

    @Test
    void pngIsDeterministicAndRoundTrips() throws IOException {
        BufferedImage img = Images.fromCHW(new float[] {-1f, 0f, 0.5f, 1f}, 0, 1, 2, 2);
        Path a = tmp.resolve("a.png");
        Path b = tmp.resolve("b.png");
        Images.writePng(img, a);
        Images.writePng(img, b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        BufferedImage back = ImageIO.read(a.toFile());
        assertArrayEquals(img.getRaster().getSamples(0, 0, 2, 2, 0, (int[]) null),
                back.getRaster().getSamples(0, 0, 2, 2, 0, (int[]) null));
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void gifHasAllFrames() throws IOException {
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] v = new float[3 * 16];
            Arrays.fill(v, -1f + i * 0.4f);
            frames.add(Images.fromCHW(v, 0, 3, 4, 4));
        }
        Path gif = tmp.resolve("anim.gif");
        Images.writeGif(frames, gif, 100, true);
        Path again = tmp.resolve("again.gif");
        Images.writeGif(frames, again, 100, true);
        assertArrayEquals(Files.readAllBytes(gif), Files.readAllBytes(again));
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertEquals(5, reader.getNumImages(true));
            reader.dispose();
        }
    }

    @Test
    void missingDirectoryIsAClearError() {
        Path target = tmp.resolve("out").resolve("x.png");
        BufferedImage img = Images.fromCHW(new float[] {0f}, 0, 1, 1, 1);
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> Images.writePng(img, target));
        assertEquals("cannot write " + target + ": directory " + tmp.resolve("out") + " does not exist", e.getMessage());
    }

    @Test
    void anImageInMemoryLoadsAsItsFileDoes() throws IOException {
        BufferedImage img = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 20; x++) {
            img.setRGB(x, x % 12, 0x40c080 + x);
        }
        Path file = tmp.resolve("photo.png");
        ImageIO.write(img, "png", file.toFile());
        byte[] bytes = Files.readAllBytes(file);
        Images.Loaded fromFile = Images.loadSquare(file, 3, 8);
        Images.Loaded fromBytes = Images.loadSquare(bytes, "upload", 240, 3, 8);
        assertArrayEquals(fromFile.chw(), fromBytes.chw());
        assertEquals(20, fromBytes.width());
        StyleGanInputException big = assertThrows(StyleGanInputException.class,
                () -> Images.loadSquare(bytes, "upload", 239, 3, 8));
        assertEquals("upload: a 20x12 image (240 pixels) exceeds the limit of 239 pixels", big.getMessage());
        StyleGanInputException small = assertThrows(StyleGanInputException.class,
                () -> Images.loadSquare(bytes, "upload", 240, 3, 64));
        assertEquals("upload: 20x12 is too small for a 64x64 network (at least 16 pixels on the shorter side)",
                small.getMessage());
        assertThrows(UnreadableImageException.class, () -> Images.loadSquare(new byte[] {1, 2, 3}, "upload", 240, 3, 8));
    }
}
