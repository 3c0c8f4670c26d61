package org.stylegan4j.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Writing a file failed (disk full, permission denied, target is a directory, ...). Its message is the one line
 * the user sees: {@code cannot write PATH: reason}; the command line maps it to exit code 2.
 */
public class CannotWriteException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /**
     * @param path the file that could not be written
     * @param reason why, e.g. "No space left on device"
     * @param cause the underlying failure, or null
     */
    public CannotWriteException(Path path, String reason, Throwable cause) {
        super("cannot write " + path + ": " + reason, cause);
        this.path = path;
    }

    /** @return the file that could not be written */
    public Path path() {
        return path;
    }

    /**
     * The short reason of an I/O failure: the operating system's reason for a file-system error (e.g. "No space
     * left on device"), else the exception's message, else its class name.
     *
     * @param e the failure
     * @return one line
     */
    public static String reason(IOException e) {
        String text = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (text == null || text.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
