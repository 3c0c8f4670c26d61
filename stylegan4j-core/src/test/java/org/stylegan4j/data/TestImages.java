package org.stylegan4j.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Helpers that write small test images. */
final class TestImages {
    private TestImages() {
    }

    /** Writes a gray image whose pixel (x, y) is {@code (x * 7 + y * 3 + seed) % 256}. */
    static Path gray(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 3 + seed) % 256);
            }
        }
        return write(img, file);
    }

    /** Writes an RGB image with distinct channel ramps. */
    static Path rgb(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 5 + seed) % 256;
                int g = (y * 9 + seed) % 256;
                int b = (x + y + seed) % 256;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return write(img, file);
    }

    /** Writes random bytes under an image name. */
    static Path corrupt(Path file) throws IOException {
        byte[] junk = new byte[200];
        new Random(1).nextBytes(junk);
        Files.createDirectories(file.getParent());
        Files.write(file, junk);
        return file;
    }

    private static Path write(BufferedImage img, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString().toLowerCase();
        String format = name.endsWith(".png") ? "png" : "jpg";
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
        return file;
    }
}
