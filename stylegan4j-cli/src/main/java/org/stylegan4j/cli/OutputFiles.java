package org.stylegan4j.cli;

import org.stylegan4j.StyleGanInputException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Checks output locations before any work starts: directory creatable and writable, no silent overwrite. */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * Creates a directory (and parents) and checks that it can be written.
     *
     * @param dir directory
     * @return the directory
     */
    static Path directory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new StyleGanInputException("cannot create output directory " + dir + ": " + e.getFile()
                    + " exists and is not a directory");
        } catch (AccessDeniedException e) {
            throw new StyleGanInputException("cannot create output directory " + dir + ": permission denied on "
                    + e.getFile());
        } catch (FileSystemException e) {
            throw new StyleGanInputException("cannot create output directory " + dir + ": "
                    + (e.getReason() != null ? e.getReason() : e.getMessage()));
        } catch (IOException | SecurityException e) {
            throw new StyleGanInputException("cannot create output directory " + dir + ": " + e.getMessage());
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new StyleGanInputException("output directory " + dir + " is not writable");
        }
        return dir;
    }

    /**
     * Refuses to overwrite existing files unless forced.
     *
     * @param files files about to be written
     * @param force whether overwriting is allowed
     */
    static void checkOverwrite(List<Path> files, boolean force) {
        if (force) {
            return;
        }
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new StyleGanInputException(f + " already exists (use --force to overwrite)");
            }
        }
    }

    /**
     * Checks the parent directory of an output file exists and is writable.
     *
     * @param file output file
     * @param force whether overwriting is allowed
     * @return the file
     */
    static Path file(Path file, boolean force) {
        if (Files.isDirectory(file)) {
            throw new StyleGanInputException("cannot write " + file + ": it is a directory");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new StyleGanInputException("cannot write " + file + ": directory " + parent + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new StyleGanInputException("cannot write " + file + ": directory " + parent + " is not writable");
        }
        checkOverwrite(List.of(file), force);
        return file;
    }
}
