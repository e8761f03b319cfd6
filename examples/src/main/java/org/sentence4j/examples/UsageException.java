package org.sentence4j.examples;

/**
 * A command line or an input that a command refuses before it starts work: the message names the option or
 * the path and what is expected, and is shown as one line without a stack trace (exit code 2).
 */
public final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
