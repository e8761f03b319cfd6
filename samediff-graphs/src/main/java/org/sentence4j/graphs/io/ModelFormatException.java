package org.sentence4j.graphs.io;

import java.io.IOException;

/**
 * A model file or folder that cannot be read: malformed, or in a form this project does not support. The message
 * names the file and says what is supported.
 */
public class ModelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
