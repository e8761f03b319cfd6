package org.sentence4j.graphs.bert;

import java.util.Objects;

import org.sentence4j.graphs.text.TokenBatch;

/**
 * What one encoder pass gets in one step: its batch and its dropout masks ({@link DropoutMasks#none()} for
 * an inference pass). Keeping the masks here is what lets a step be replayed exactly.
 */
public record EncoderFeed(EncoderGraph graph, TokenBatch batch, DropoutMasks masks) {

    public EncoderFeed {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(masks, "masks");
    }
}
