package org.stylegan4j.web;

/** A request the explorer refuses: an HTTP status (4xx or 503) and a one-line message sent as {@code {"error": ...}}. */
public final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status HTTP status
     * @param message one line for the client
     */
    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * @param message one line for the client
     * @return a 400 Bad Request
     */
    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }
}
