package org.stylegan4j.train;

/** A loss or a weight became NaN or infinite; the last snapshot on disk is the last good state. */
public class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message one line naming what diverged and where the last good snapshot is */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
