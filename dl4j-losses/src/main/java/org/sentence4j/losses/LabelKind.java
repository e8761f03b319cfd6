package org.sentence4j.losses;

/** What the values of a label column mean, as in the loss table. */
public enum LabelKind {
    /** No labels. */
    NONE,
    /** Integer class ids (one per row). */
    CLASS,
    /** 1 for a positive pair, 0 for a negative pair. */
    BINARY,
    /** A real-valued score per row (similarity, margin). */
    SCORE,
    /** A vector per row: teacher embeddings or teacher scores. */
    VECTOR
}
