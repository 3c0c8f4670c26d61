package org.stylegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageSourceTest {
    static final Path MNIST = Path.of("..", "data", "mnist32.zip");

    @TempDir
    Path tmp;

    @Test
    void listsBundledZipWithLabels() {
        try (ImageSource src = ImageSource.open(MNIST)) {
            assertEquals(10_000, src.size());
            assertTrue(src.hasLabels());
            int i = src.names().indexOf("mnist32/d3_0005.png");
            assertTrue(i >= 0);
            assertEquals(Optional.of(3), src.label(i));
            assertEquals("mnist32/d0_0000.png", src.names().get(0));
        }
    }

    @Test
    void listsDirectoryRecursivelySortedWithExtensionFilter() throws IOException {
        TestImages.gray(tmp.resolve("b/z.PNG"), 8, 8, 0);
        TestImages.gray(tmp.resolve("a.jpeg"), 8, 8, 0);
        TestImages.rgb(tmp.resolve("b/c.jpg"), 8, 8, 0);
        Files.writeString(tmp.resolve("notes.txt"), "x");
        Files.writeString(tmp.resolve("dataset.json"), "{\"labels\": [[\"b/z.PNG\", 7], [\"a.jpeg\", 1]]}");
        try (ImageSource src = ImageSource.open(tmp)) {
            assertEquals(List.of("a.jpeg", "b/c.jpg", "b/z.PNG"), src.names());
            assertEquals(Optional.of(7), src.label(2));
            assertEquals(Optional.empty(), src.label(1));
            assertEquals(8, src.read(1).getWidth());
        }
    }

    @Test
    void nullLabelsMeanUnlabelled() throws IOException {
        TestImages.gray(tmp.resolve("a.png"), 8, 8, 0);
        Files.writeString(tmp.resolve("dataset.json"), "{\"labels\": null}");
        try (ImageSource src = ImageSource.open(tmp)) {
            assertTrue(!src.hasLabels());
            assertEquals(Optional.empty(), src.label(0));
        }
    }

    @Test
    void corruptImageNamesTheFile() throws IOException {
        TestImages.corrupt(tmp.resolve("x.png"));
        try (ImageSource src = ImageSource.open(tmp)) {
            UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> src.read(0));
            assertTrue(e.getMessage().contains("x.png"), e.getMessage());
        }
    }

    @Test
    void clearErrorsForBadPaths() throws IOException {
        Path missing = tmp.resolve("nope");
        assertEquals(missing + ": no such file or directory",
                assertThrows(StyleGanInputException.class, () -> ImageSource.open(missing)).getMessage());
        Path notZip = Files.writeString(tmp.resolve("data.zip"), "hello");
        assertEquals(notZip + ": not a zip file",
                assertThrows(StyleGanInputException.class, () -> ImageSource.open(notZip)).getMessage());
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertEquals(empty + ": no PNG or JPEG images found",
                assertThrows(StyleGanInputException.class, () -> ImageSource.open(empty)).getMessage());
    }

    @Test
    void pixelAndFileLimitsApplyBeforeDecoding() throws IOException {
        TestImages.rgb(tmp.resolve("a.png"), 16, 16, 0);
        try (ImageSource src = ImageSource.open(tmp)) {
            System.setProperty(ImageSource.MAX_PIXELS_PROPERTY, "255");
            StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> src.read(0));
            assertEquals(tmp.resolve("a.png") + ": a 16x16 image (256 pixels) exceeds the limit of 255 pixels (raise "
                    + "it with -Dstylegan4j.maxImagePixels=N)", e.getMessage());
            assertThrows(StyleGanInputException.class, () -> src.colorComponents(0));
            System.setProperty(ImageSource.MAX_PIXELS_PROPERTY, "256");
            assertEquals(16, src.read(0).getWidth());
            System.setProperty(ImageSource.MAX_FILE_BYTES_PROPERTY, "10");
            e = assertThrows(StyleGanInputException.class, () -> src.read(0));
            assertTrue(e.getMessage().matches(".*a.png: a file of [0-9,]+ bytes exceeds the limit of 10 bytes for one "
                    + "image \\(raise it with -Dstylegan4j.maxImageFileBytes=N\\)"), e.getMessage());
        } finally {
            System.clearProperty(ImageSource.MAX_PIXELS_PROPERTY);
            System.clearProperty(ImageSource.MAX_FILE_BYTES_PROPERTY);
        }
    }
}
