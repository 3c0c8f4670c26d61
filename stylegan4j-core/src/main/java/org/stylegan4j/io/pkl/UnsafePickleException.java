package org.stylegan4j.io.pkl;

import org.stylegan4j.io.CheckpointFormatException;

/** A pickle references a class or function outside the allow-list; nothing of it was built or called. */
public final class UnsafePickleException extends CheckpointFormatException {

    private static final long serialVersionUID = 1L;

    private final String reference;

    /**
     * @param message one line naming the file and the reference
     * @param reference the refused module-qualified name, e.g. {@code os.system}
     */
    public UnsafePickleException(String message, String reference) {
        super(message);
        this.reference = reference;
    }

    /** @return the refused module-qualified name, e.g. {@code os.system} */
    public String reference() {
        return reference;
    }
}
