package org.sentence4j.graphs;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Anything that turns texts into sentence embeddings, in input order: the encoder in inference mode, or a
 * stand-in in tests. Evaluators depend on this, not on a concrete model.
 */
@FunctionalInterface
public interface SentenceEmbedder {

    /** One row per text, in the order given: a [texts, dim] FLOAT matrix. */
    INDArray embed(List<String> texts);
}
