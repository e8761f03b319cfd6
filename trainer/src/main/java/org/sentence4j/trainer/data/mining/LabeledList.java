package org.sentence4j.trainer.data.mining;

import java.util.List;

/**
 * One row of the labeled-list format: an anchor, its positive followed by its mined negatives (best first), a
 * label per document (1 for the positive, 0 for each negative) and the similarity of each document to the
 * anchor. sentence-transformers gives either {@code labels} or (with output_scores) {@code scores}; both are here.
 */
public record LabeledList(String anchor, List<String> documents, List<Integer> labels, List<Double> scores) {

    public LabeledList {
        documents = List.copyOf(documents);
        labels = List.copyOf(labels);
        scores = List.copyOf(scores);
        if (documents.size() != labels.size() || documents.size() != scores.size()) {
            throw new IllegalArgumentException("documents, labels and scores must have one entry per document");
        }
    }
}
