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
import java.nio.file.attribute.FileTime;
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
        CannotWriteException thrown = assertThrows(CannotWriteException.class, () -> AtomicFiles.write(target, out -> {
            out.write("partial new content".getBytes(StandardCharsets.UTF_8));
            throw io;
        }));
        assertSame(io, thrown.getCause());
        assertEquals("cannot write " + target + ": disk full", thrown.getMessage());
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

    @Test
    void directoryTargetIsOneLine() throws IOException {
        Path target = Files.createDirectory(dir.resolve("out"));
        CannotWriteException e = assertThrows(CannotWriteException.class, () -> AtomicFiles.writeString(target, "x"));
        assertEquals("cannot write " + target + ": it is a directory", e.getMessage());
        assertTrue(Files.isDirectory(target));
    }

    @Test
    void staleTemporaryOfAKilledWriteIsRemovedByTheNextWrite() throws IOException {
        Path stale = Files.writeString(dir.resolve(".net.safetensors.tmp-abc123"), "half");
        Path fresh = Files.writeString(dir.resolve(".other.png.tmp-def456"), "being written");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis()
                - AtomicFiles.STALE_AFTER.toMillis() - 1_000));
        Path unrelated = Files.writeString(dir.resolve(".hidden"), "keep");
        Files.setLastModifiedTime(unrelated, FileTime.fromMillis(0));
        AtomicFiles.writeString(dir.resolve("x.txt"), "x");
        assertTrue(Files.notExists(stale));
        assertTrue(Files.exists(fresh), "a recent temporary file may belong to a running write");
        assertEquals(List.of(".hidden", ".other.png.tmp-def456", "x.txt"), listing());
    }

    @Test
    void lockedTemporaryOfAnotherWriterIsKept() throws IOException {
        Path target = dir.resolve("big.bin");
        Path[] tmp = new Path[1];
        AtomicFiles.write(target, out -> {
            try (Stream<Path> files = Files.list(dir)) {
                tmp[0] = files.filter(f -> f.getFileName().toString().startsWith(".big.bin.tmp-")).findFirst().orElseThrow();
            }
            Files.setLastModifiedTime(tmp[0], FileTime.fromMillis(0));
            AtomicFiles.writeString(dir.resolve("small.txt"), "s");
            assertTrue(Files.exists(tmp[0]), "the temporary file being written is locked, so it is not stale");
            out.write(1);
        });
        assertEquals(List.of("big.bin", "small.txt"), listing());
    }
}
