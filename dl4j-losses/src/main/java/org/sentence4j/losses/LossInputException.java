package org.sentence4j.losses;

/**
 * Thrown when a loss gets inputs it cannot use: wrong column count, missing or unexpected labels, a label
 * shape or kind it does not accept, batch sizes that differ, an empty batch, NaN, or an unknown option.
 * The message always names the loss and the problem, so users never have to read an ND4J stack trace.
 */
public class LossInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public LossInputException(String message) {
        super(message);
    }

    public LossInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
