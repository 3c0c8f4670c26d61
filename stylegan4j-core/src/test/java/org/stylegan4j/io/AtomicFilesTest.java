package org.stylegan4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createsAndReplaces() throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.writeString(target, "first ✓");
        assertEquals("first ✓", Files.readString(target, StandardCharsets.UTF_8));
        AtomicFiles.writeBytes(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("out.txt"), listing());
    }

    @Test
    void writesToHiddenTempFileInSameDirectory() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFiles.write(target, out -> {
            List<String> during = listing();
            assertEquals(1, during.size());
            assertTrue(during.get(0).startsWith(".model.safetensors.tmp-"), during.get(0));
            out.write('x');
        });
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void writerMayCloseTheStream() throws IOException {
        Path target = dir.resolve("closed.bin");
        AtomicFiles.write(target, out -> {
            out.write(new byte[] {7, 8});
            out.close();
        });
        assertArrayEquals(new byte[] {7, 8}, Files.readAllBytes(target));
    }

    @Test
    void failingWriterLeavesOldTargetAndNoTempFile() throws IOException {
        Path target = dir.resolve("keep.txt");
        Files.writeString(target, "old");
        IOException io = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("partial new content".getBytes(StandardCharsets.UTF_8));
            throw io;
        }));
        assertSame(io, thrown);
        RuntimeException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw bug;
        })));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("keep.txt"), listing());
    }

    @Test
    void failingWriterCreatesNothingWhenTargetIsNew() {
        Path target = dir.resolve("new.txt");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            throw new IOException("nope");
        }));
        assertTrue(Files.notExists(target));
    }

    @Test
    void missingDirectoryFailsWithoutSideEffects() {
        Path target = dir.resolve("absent").resolve("x.txt");
        assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(Files.notExists(target.getParent()));
    }
}
