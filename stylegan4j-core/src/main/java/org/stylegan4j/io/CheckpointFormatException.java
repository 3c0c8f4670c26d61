package org.stylegan4j.io;

import org.stylegan4j.StyleGanInputException;

/** A checkpoint or tensor file is missing, unreadable or malformed; the message names the file and the problem. */
public class CheckpointFormatException extends StyleGanInputException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the file and the problem
     */
    public CheckpointFormatException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the file and the problem
     * @param cause the underlying failure
     */
    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
