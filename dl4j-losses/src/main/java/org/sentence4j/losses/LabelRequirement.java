package org.sentence4j.losses;

/** Whether a loss needs the dataset's {@code label}/{@code score} column. */
public enum LabelRequirement {
    /** The loss uses no labels; giving some is an error (it would silently ignore a column you meant). */
    NONE,
    /** The loss needs labels. */
    REQUIRED,
    /** The loss uses labels when given and has a defined behaviour without them. */
    OPTIONAL
}
