package org.stylegan4j;

/** Bad user input (a file, a flag, a request): carries one clear line for the user; the CLI maps it to exit code 2. */
public class StyleGanInputException extends RuntimeException {
    public StyleGanInputException(String message) {
        super(message);
    }

    public StyleGanInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
