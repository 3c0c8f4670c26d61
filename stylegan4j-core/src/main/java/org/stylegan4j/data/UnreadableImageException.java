package org.stylegan4j.data;

import org.stylegan4j.StyleGanInputException;

/** An image file that cannot be decoded as PNG or JPEG; the message names the file. */
public class UnreadableImageException extends StyleGanInputException {
    public UnreadableImageException(String message) {
        super(message);
    }

    public UnreadableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
