package org.sentence4j.graphs.pooling;

import java.util.List;

/**
 * A sentence-transformers Pooling module: the modes (several are concatenated in order), the token
 * embedding width, and whether prompt tokens are included.
 *
 * @param embeddingDimension width of the token embeddings
 * @param modes              one or more modes; the output width is {@code modes.size() * embeddingDimension}
 * @param includePrompt      {@code include_prompt}
 */
public record PoolingConfig(int embeddingDimension, List<PoolingMode> modes, boolean includePrompt) {

    public PoolingConfig {
        modes = List.copyOf(modes);
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("a pooling configuration needs at least one mode");
        }
    }

    /** A single mode. */
    public static PoolingConfig of(int dim, PoolingMode mode) {
        return new PoolingConfig(dim, List.of(mode), true);
    }

    /** Width of the pooled sentence embedding. */
    public int outputDimension() {
        return modes.size() * embeddingDimension;
    }
}
