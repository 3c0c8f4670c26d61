package org.stylegan4j.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file replacement: content goes to a temporary file in the target's directory, is flushed and
 * fsynced, then atomically renamed over the target, so readers see either the old file or the complete new one.
 */
public final class AtomicFiles {

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    private static final int BUFFER_SIZE = 1 << 16;
    private static final String TMP_MARK = ".tmp-";
    /** Age after which an unlocked temporary file is taken for the leftover of a killed process. */
    static final Duration STALE_AFTER = Duration.ofMinutes(1);

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
     * buffered; closing it is allowed and harmless. The temporary file ({@code .<target-name>.tmp-<random>} in the
     * same directory) is locked while it is written; it is deleted if the writer or any later step throws, or if
     * the JVM shuts down (Ctrl-C) first. Temporary files left by a killed process (their lock is gone) and older than
     * a minute are removed by the next write to the same directory. The target is left untouched on failure.
     *
     * @param target the file to create or replace; its directory must exist
     * @param writer writes the complete new content
     * @throws CannotWriteException if writing, syncing or renaming fails ("cannot write PATH: reason")
     * @throws IOException if the writer throws another I/O exception of its own
     */
    public static void write(Path target, IOConsumer<OutputStream> writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path fileName = absolute.getFileName();
        if (fileName == null) {
            throw new IllegalArgumentException("not a file path: " + target);
        }
        if (Files.isDirectory(absolute)) {
            throw new CannotWriteException(target, "it is a directory", null);
        }
        Path dir = absolute.getParent();
        removeStaleTemporaries(dir);
        Path tmp = dir.resolve("." + fileName + TMP_MARK
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        InFlight.add(tmp);
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                lockQuietly(channel, tmp);
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
            if (e instanceof IOException io && !(io instanceof CannotWriteException)) {
                throw new CannotWriteException(target, CannotWriteException.reason(io), io);
            }
            throw e;
        } finally {
            InFlight.remove(tmp);
        }
        syncDirectory(dir);
    }

    /** Marks the temporary file as in use; on a file system without locks, no temporary file is ever taken for stale. */
    private static void lockQuietly(FileChannel channel, Path tmp) {
        try {
            channel.tryLock();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot lock {}: {}", tmp, e.toString());
        }
    }

    /**
     * Deletes temporary files of interrupted writes in a directory: those no process holds a lock on and that
     * were last modified over {@link #STALE_AFTER} ago. Failures are ignored (the write goes on regardless).
     */
    private static void removeStaleTemporaries(Path dir) {
        long cutoff = System.currentTimeMillis() - STALE_AFTER.toMillis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + TMP_MARK + "*")) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff) {
                    deleteIfUnlocked(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot look for stale temporary files in {}: {}", dir, e.toString());
        }
    }

    private static void deleteIfUnlocked(Path f) {
        try (FileChannel channel = FileChannel.open(f, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                Files.delete(f);
                LOG.info("removed {}, left by an interrupted write", f);
            }
        } catch (OverlappingFileLockException e) {
            LOG.debug("{} is being written by this process", f);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot remove stale {}: {}", f, e.toString());
        }
    }

    /** Temporary files being written, deleted by a shutdown hook if the JVM exits (Ctrl-C) before they are renamed. */
    private static final class InFlight {
        private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(InFlight::deleteAll, "atomic-files-cleanup"));
        }

        private InFlight() {
        }

        static void add(Path tmp) {
            FILES.add(tmp);
        }

        static void remove(Path tmp) {
            FILES.remove(tmp);
        }

        private static void deleteAll() {
            for (Path tmp : FILES) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException ignored) {
                    // The JVM is exiting; a file left here is removed by the next write to its directory.
                }
            }
        }
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
        } catch (CannotWriteException e) {
            throw new StyleGanInputException(e.getMessage(), e);
        } catch (IOException e) {
            throw new StyleGanInputException("cannot write " + target + ": " + CannotWriteException.reason(e), e);
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
