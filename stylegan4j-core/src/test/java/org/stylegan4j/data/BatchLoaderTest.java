package org.stylegan4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stylegan4j.StyleGanInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchLoaderTest {
    @TempDir
    Path tmp;

    private Path folder(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            TestImages.gray(tmp.resolve(String.format("img%02d.png", i)), 8, 8, i * 10);
        }
        return tmp;
    }

    private static List<Integer> indices(ImageDataset ds, int batch, long seed, boolean mirror, long startAt, int batches) {
        List<Integer> out = new ArrayList<>();
        try (BatchLoader loader = new BatchLoader(ds, batch, seed, mirror, startAt)) {
            for (int b = 0; b < batches; b++) {
                for (int i : loader.next().indices()) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    @Test
    void sameSeedSameStreamDifferentSeedDifferent() throws IOException {
        try (ImageDataset ds = ImageDataset.open(folder(10))) {
            List<Integer> a = indices(ds, 4, 42, false, 0, 5);
            assertEquals(a, indices(ds, 4, 42, false, 0, 5));
            assertNotEquals(a, indices(ds, 4, 43, false, 0, 5));
            assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), new HashSet<>(a.subList(0, 10)));
            assertNotEquals(a.subList(0, 10), a.subList(10, 20));
        }
    }

    @Test
    void batchesHoldTheImagesTheyName() throws IOException {
        try (ImageDataset ds = ImageDataset.open(folder(6)); BatchLoader loader = new BatchLoader(ds, 3, 1, true)) {
            BatchLoader.Batch b = loader.next();
            assertEquals(3, b.n());
            assertEquals(1, b.channels());
            assertEquals(8, b.resolution());
            float[] plain = new float[64];
            float[] flipped = new float[64];
            for (int k = 0; k < 3; k++) {
                float[] got = Arrays.copyOfRange(b.data(), k * 64, (k + 1) * 64);
                ds.readInto(b.indices()[k], plain, 0, false);
                ds.readInto(b.indices()[k], flipped, 0, true);
                assertTrue(Arrays.equals(got, plain) || Arrays.equals(got, flipped));
            }
        }
    }

    @Test
    void resumeAndBatchSizeChangesKeepTheStream() throws IOException {
        try (ImageDataset ds = ImageDataset.open(folder(10))) {
            List<Integer> whole = indices(ds, 2, 7, true, 0, 12);
            List<Integer> pieces = new ArrayList<>();
            long position;
            try (BatchLoader loader = new BatchLoader(ds, 2, 7, true)) {
                for (int b = 0; b < 3; b++) {
                    Arrays.stream(loader.next().indices()).forEach(pieces::add);
                }
                loader.setBatchSize(5);
                assertEquals(5, loader.next().n());
                pieces.addAll(whole.subList(6, 11));
                position = loader.consumed();
                assertEquals(11, position);
            }
            assertEquals(whole.subList(0, 6), pieces.subList(0, 6));
            pieces.addAll(indices(ds, 13, 7, true, position, 1));
            assertEquals(whole.subList(0, 24), pieces);
        }
    }

    @Test
    void corruptImageIsSkippedAndCounted() throws IOException {
        folder(5);
        TestImages.corrupt(tmp.resolve("x.png"));
        try (ImageDataset ds = ImageDataset.open(tmp); BatchLoader loader = new BatchLoader(ds, 4, 3, false)) {
            int bad = ds.source().names().indexOf("x.png");
            for (int b = 0; b < 5; b++) {
                for (int i : loader.next().indices()) {
                    assertNotEquals(bad, i);
                }
            }
            assertEquals(1, loader.skipped());
        }
    }

    @Test
    void everyImageUnreadableIsAnError() throws IOException {
        folder(3);
        try (ImageDataset ds = ImageDataset.open(tmp)) {
            for (String name : ds.source().names()) {
                Files.write(tmp.resolve(name), new byte[] {1, 2, 3});
            }
            try (BatchLoader loader = new BatchLoader(ds, 2, 0, false)) {
                StyleGanInputException e = assertThrows(StyleGanInputException.class, loader::next);
                assertEquals("no usable image in " + tmp, e.getMessage());
                assertEquals(3, loader.skipped());
            }
        }
    }

    @Test
    void sizeMismatchSurfacesFromThePrefetchThread() throws IOException {
        TestImages.gray(tmp.resolve("a.png"), 8, 8, 0);
        TestImages.gray(tmp.resolve("b.png"), 4, 4, 0);
        try (ImageDataset ds = ImageDataset.open(tmp); BatchLoader loader = new BatchLoader(ds, 2, 0, false)) {
            StyleGanInputException e = assertThrows(StyleGanInputException.class, loader::next);
            assertTrue(e.getMessage().contains("images differ in size"), e.getMessage());
        }
    }

    @Test
    void batchesAtALevelHoldTheBoxFilteredImagesAndTheCacheIsBounded() throws IOException {
        try (ImageDataset ds = ImageDataset.open(folder(6))) {
            // 16 bytes per 4x4 level: a 40-byte cache holds two of the six images
            try (BatchLoader loader = new BatchLoader(ds, 3, 4, 5, true, 0, 40)) {
                assertEquals(4, loader.resolution());
                for (int b = 0; b < 6; b++) {
                    BatchLoader.Batch batch = loader.next();
                    assertEquals(4, batch.resolution());
                    assertEquals(3 * 16, batch.data().length);
                    float[] plain = new float[16];
                    float[] flipped = new float[16];
                    for (int k = 0; k < 3; k++) {
                        byte[] level = ds.readLevel(batch.indices()[k], 4);
                        ImageDataset.toFloats(level, 1, 4, plain, 0, false);
                        ImageDataset.toFloats(level, 1, 4, flipped, 0, true);
                        float[] got = Arrays.copyOfRange(batch.data(), k * 16, (k + 1) * 16);
                        assertTrue(Arrays.equals(got, plain) || Arrays.equals(got, flipped));
                    }
                }
                assertEquals(32, loader.cachedBytes());
                loader.configure(3, 8);
                assertEquals(8 * 8 * 3, loader.next().data().length);
                assertEquals(0, loader.cachedBytes());
            }
            // the level does not change which images come in which order
            List<Integer> full = indices(ds, 3, 5, true, 0, 4);
            List<Integer> atLevel = new ArrayList<>();
            try (BatchLoader loader = new BatchLoader(ds, 3, 2, 5, true, 0, BatchLoader.DEFAULT_CACHE_BYTES)) {
                for (int b = 0; b < 4; b++) {
                    Arrays.stream(loader.next().indices()).forEach(atLevel::add);
                }
            }
            assertEquals(full, atLevel);
        }
    }

    @Test
    void theQueueIsBoundedInBytes() {
        assertEquals(4, BatchLoader.queueCapacity(1 << 20));
        assertEquals(2, BatchLoader.queueCapacity(BatchLoader.QUEUE_BYTES / 2));
        // a batch larger than the budget is still queued alone: 256 images of 3x1024x1024 floats
        long huge = BatchLoader.batchBytes(256, 3, 1024);
        assertEquals(256L * 3 * 1024 * 1024 * 4, huge);
        assertEquals(1, BatchLoader.queueCapacity(huge));
        assertEquals(3 * huge, BatchLoader.peakBatchBytes(huge));
        // the ffhq preset's first phase: 256 images at 8x8 are 196,608 bytes, four of them queued
        assertEquals(6 * 196_608L, BatchLoader.peakBatchBytes(BatchLoader.batchBytes(256, 3, 8)));
    }

    @Test
    void readsTheBundledZip() {
        try (ImageDataset ds = ImageDataset.open(ImageSourceTest.MNIST);
             BatchLoader loader = new BatchLoader(ds, 64, 0, false)) {
            BatchLoader.Batch b = loader.next();
            assertEquals(64 * 32 * 32, b.data().length);
            try (BatchLoader again = new BatchLoader(ds, 64, 0, false, 0)) {
                assertArrayEquals(b.indices(), again.next().indices());
            }
        }
    }
}
