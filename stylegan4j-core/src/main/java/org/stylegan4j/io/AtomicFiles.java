package org.stylegan4j.io;

import org.stylegan4j.StyleGanInputException;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file replacement: content goes to a temporary file in the target's directory, is flushed and
 * fsynced, then atomically renamed over the target, so readers see either the old file or the complete new one.
 */
public final class AtomicFiles {

    private static final int BUFFER_SIZE = 1 << 16;

    /**
     * Writes content to a stream that may throw {@link IOException}.
     *
     * @param <T> the type of the value consumed
     */
    @FunctionalInterface
    public interface IOConsumer<T> {
        /**
         * @param t the value to consume
         * @throws IOException if writing fails
         */
        void accept(T t) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Atomically replaces {@code target} with whatever {@code writer} writes. The stream handed to the writer is
     * buffered; closing it is allowed and harmless. If the writer or any later step throws, the temporary file
     * ({@code .<target-name>.tmp-<random>} in the same directory) is deleted and the target is left untouched.
     *
     * @param target the file to create or replace; its directory must exist
     * @param writer writes the complete new content
     * @throws IOException if writing, syncing or renaming fails
     */
    public static void write(Path target, IOConsumer<OutputStream> writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path fileName = absolute.getFileName();
        if (fileName == null) {
            throw new IllegalArgumentException("not a file path: " + target);
        }
        Path dir = absolute.getParent();
        Path tmp = dir.resolve("." + fileName + ".tmp-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(new UnclosableStream(Channels.newOutputStream(channel)),
                        BUFFER_SIZE);
                writer.accept(out);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * Atomically replaces {@code target} with {@code text} encoded as UTF-8.
     *
     * @param target the file to create or replace
     * @param text the new content
     * @throws IOException if writing fails
     */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Atomically replaces {@code target} with {@code bytes}.
     *
     * @param target the file to create or replace
     * @param bytes the new content
     * @throws IOException if writing fails
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /** Makes the rename durable where the platform allows fsync on a directory; failures are ignored. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: some platforms and file systems cannot open or sync a directory.
        }
    }

    /** Flushes instead of closing, so the channel stays open for fsync even if the writer closes its stream. */
    private static final class UnclosableStream extends FilterOutputStream {
        UnclosableStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * Like {@link #write(Path, IOConsumer)}, but checks the directory first and reports any failure as
     * one clear line ({@link StyleGanInputException}), e.g. "cannot write out/x.png: directory out does not exist".
     *
     * @param target file to write
     * @param writer produces the content
     */
    public static void writeOrFail(Path target, IOConsumer<OutputStream> writer) {
        checkWritableParent(target);
        try {
            write(target, writer);
        } catch (IOException e) {
            throw new StyleGanInputException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a file's directory exists and is writable.
     *
     * @param target file about to be written
     * @return its directory
     */
    public static Path checkWritableParent(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        Path shown = target.getParent() == null ? Path.of(".") : target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new StyleGanInputException("cannot write " + target + ": directory " + shown + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new StyleGanInputException("cannot write " + target + ": directory " + shown + " is not writable");
        }
        return parent;
    }
}
