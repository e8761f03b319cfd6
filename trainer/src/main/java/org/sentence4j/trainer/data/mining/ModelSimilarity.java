package org.sentence4j.trainer.data.mining;

import java.util.Arrays;
import java.util.Locale;

import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.graphs.SentenceEncoder;

/**
 * The score of an (anchor, candidate) pair: a model's similarity function under sentence-transformers' names
 * ({@code similarity_fn_name}). Embeddings are L2-normalised before scoring, as sentence-transformers' miner
 * encodes with {@code normalize_embeddings=True}, so {@link #COSINE} and {@link #DOT} give the same scores and the
 * distances are distances between unit vectors. Larger is always more similar (distances are negated).
 */
public enum ModelSimilarity {

    /** Cosine similarity (the default, and sentence-transformers' default). */
    COSINE("cosine"),
    /** Dot product (equal to cosine on the normalised embeddings). */
    DOT("dot"),
    /** Negated Euclidean distance. */
    EUCLIDEAN("euclidean"),
    /** Negated Manhattan distance. */
    MANHATTAN("manhattan");

    private final String stName;

    ModelSimilarity(String stName) {
        this.stName = stName;
    }

    /** The name sentence-transformers uses ({@code config_sentence_transformers.json}'s {@code similarity_fn_name}). */
    public String stName() {
        return stName;
    }

    /** Whether the scores are dot products of the normalised embeddings (a matrix product computes them). */
    boolean isDotProduct() {
        return this == COSINE || this == DOT;
    }

    /** The function called {@code name} ({@code cosine}, {@code dot}, {@code euclidean}, {@code manhattan}). */
    public static ModelSimilarity fromName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (ModelSimilarity s : values()) {
                if (s.stName.equals(n)) {
                    return s;
                }
            }
            if (n.equals("dot_product")) {
                return DOT;
            }
        }
        throw new IllegalArgumentException("Unknown similarity function '" + name + "'. Must be one of "
                + Arrays.stream(values()).map(ModelSimilarity::stName).toList() + ".");
    }

    /** The model's own function for a {@link SentenceEncoder}, else {@link #COSINE}. */
    public static ModelSimilarity of(SentenceEmbedder model) {
        if (model instanceof SentenceEncoder encoder && encoder.similarityFunction() != null) {
            return fromName(encoder.similarityFunction());
        }
        return COSINE;
    }

    /** The score of two normalised embeddings, in float arithmetic. */
    float score(float[] a, float[] b) {
        float acc = 0f;
        switch (this) {
            case COSINE, DOT -> {
                for (int i = 0; i < a.length; i++) {
                    acc += a[i] * b[i];
                }
                return acc;
            }
            case EUCLIDEAN -> {
                for (int i = 0; i < a.length; i++) {
                    float d = a[i] - b[i];
                    acc += d * d;
                }
                return (float) -Math.sqrt(acc);
            }
            default -> {
                for (int i = 0; i < a.length; i++) {
                    acc += Math.abs(a[i] - b[i]);
                }
                return -acc;
            }
        }
    }

    @Override
    public String toString() {
        return stName;
    }
}
