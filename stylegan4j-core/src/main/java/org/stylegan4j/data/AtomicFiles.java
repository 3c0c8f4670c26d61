package org.stylegan4j.data;

import org.stylegan4j.StyleGanInputException;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a file atomically: a temp file in the target's directory, fsync, then an atomic rename over the target. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Produces a file's content on a stream. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole content; closing the stream is allowed and only flushes it. */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically; a missing or read-only parent directory is a {@link StyleGanInputException}
     * ("cannot write out/x.png: directory out does not exist").
     */
    public static void write(Path target, Content content) {
        Path dir = checkWritableParent(target);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new StyleGanInputException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the write already failed and that error is the one reported
                }
            }
        }
    }

    /** Checks that a file's directory exists and is writable, returning it. */
    public static Path checkWritableParent(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        Path shown = target.getParent() == null ? Path.of(".") : target.getParent();
        if (!Files.isDirectory(parent)) {
            throw new StyleGanInputException("cannot write " + target + ": directory " + shown + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new StyleGanInputException("cannot write " + target + ": directory " + shown + " is not writable");
        }
        return parent;
    }
}
