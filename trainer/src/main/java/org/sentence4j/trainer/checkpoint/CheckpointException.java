package org.sentence4j.trainer.checkpoint;

import java.io.IOException;

/** A checkpoint folder that is incomplete, damaged (checksum mismatch) or not a checkpoint at all. */
public final class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
