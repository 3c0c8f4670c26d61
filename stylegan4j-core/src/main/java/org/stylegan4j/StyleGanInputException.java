package org.stylegan4j;

/**
 * Bad user input (a file, a flag, a request): carries one clear line for the user; the CLI maps it to exit code 2.
 */
public class StyleGanInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message one line for the user, naming the input and the problem
     */
    public StyleGanInputException(String message) {
        super(message);
    }

    /**
     * @param message one line for the user, naming the input and the problem
     * @param cause the underlying failure
     */
    public StyleGanInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
