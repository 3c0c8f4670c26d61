package org.stylegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetToolTest {
    @TempDir
    Path tmp;

    @Test
    void convertsMixedRgbToLayoutDeterministically() throws IOException {
        Path src = tmp.resolve("src");
        TestImages.rgb(src.resolve("a.png"), 40, 30, 1);
        TestImages.rgb(src.resolve("sub/b.jpg"), 20, 33, 2);
        TestImages.gray(src.resolve("c.png"), 8, 8, 3);
        TestImages.corrupt(src.resolve("d.jpeg"));
        Path out1 = tmp.resolve("one.zip");
        Path out2 = tmp.resolve("two.zip");
        List<Integer> progress = new ArrayList<>();
        DatasetTool.Report report = DatasetTool.convert(src, out1, 16, (done, total) -> progress.add(done * 100 + total));
        assertEquals(new DatasetTool.Report(3, 1, 3, 16), report);
        assertEquals(List.of(103, 203, 303), progress);
        DatasetTool.convert(src, out2, 16, null);
        assertArrayEquals(Files.readAllBytes(out1), Files.readAllBytes(out2));
        try (ZipFile zip = new ZipFile(out1.toFile())) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();
            assertEquals(List.of("00000/img00000000.png", "00000/img00000001.png", "00000/img00000002.png",
                    "dataset.json"), names);
            assertEquals("{\"labels\":null}",
                    new String(zip.getInputStream(zip.getEntry("dataset.json")).readAllBytes(), StandardCharsets.UTF_8));
            BufferedImage img = ImageIO.read(zip.getInputStream(zip.getEntry("00000/img00000002.png")));
            assertEquals(16, img.getWidth());
            assertEquals(16, img.getHeight());
            assertEquals(3, img.getColorModel().getNumColorComponents());
        }
        try (ImageDataset ds = ImageDataset.open(out1)) {
            assertEquals(16, ds.resolution());
            assertEquals(3, ds.channels());
        }
        assertTrue(Files.list(tmp).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    @Test
    void keepsGrayAndCarriesLabels() throws IOException {
        Path src = tmp.resolve("src");
        TestImages.gray(src.resolve("x/one.png"), 8, 8, 0);
        TestImages.gray(src.resolve("two.png"), 8, 8, 50);
        Files.writeString(src.resolve("dataset.json"), "{\"labels\": [[\"two.png\", 2], [\"x/one.png\", 1]]}");
        Path out = tmp.resolve("gray.zip");
        DatasetTool.Report report = DatasetTool.convert(src, out, 8, null);
        assertEquals(1, report.channels());
        try (ImageSource converted = ImageSource.open(out); ImageSource original = ImageSource.open(src)) {
            assertEquals(List.of("two.png", "x/one.png"), original.names());
            assertEquals(2, converted.label(0).orElseThrow());
            assertEquals(1, converted.label(1).orElseThrow());
            try (ImageDataset a = ImageDataset.of(converted); ImageDataset b = ImageDataset.of(original)) {
                assertEquals(1, a.channels());
                assertArrayEquals(b.readRaw(0), a.readRaw(0));
            }
        }
    }

    @Test
    void downscalesByAreaAveraging() throws IOException {
        Path src = tmp.resolve("src");
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, (x + y) % 2 == 0 ? 200 : 100);
            }
        }
        Files.createDirectories(src);
        ImageIO.write(img, "png", src.resolve("check.png").toFile());
        Path out = tmp.resolve("small.zip");
        DatasetTool.convert(src, out, 4, null);
        try (ImageDataset ds = ImageDataset.open(out)) {
            for (byte v : ds.readRaw(0)) {
                assertEquals(150, v & 0xff);
            }
        }
    }

    @Test
    void errors() throws IOException {
        Path src = tmp.resolve("bad");
        TestImages.corrupt(src.resolve("x.png"));
        assertEquals("no usable image in " + src, assertThrows(StyleGanInputException.class,
                () -> DatasetTool.convert(src, tmp.resolve("o.zip"), 8, null)).getMessage());
        assertTrue(Files.notExists(tmp.resolve("o.zip")));
        assertThrows(StyleGanInputException.class, () -> DatasetTool.convert(src, tmp.resolve("o.zip"), 12, null));
        Path out = tmp.resolve("missing/o.zip");
        assertEquals("cannot write " + out + ": directory " + tmp.resolve("missing") + " does not exist",
                assertThrows(StyleGanInputException.class, () -> DatasetTool.convert(src, out, 8, null)).getMessage());
    }
}
