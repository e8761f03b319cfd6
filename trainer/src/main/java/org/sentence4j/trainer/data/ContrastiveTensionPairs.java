package org.sentence4j.trainer.data;

import java.util.ArrayList;
import java.util.List;

import org.sentence4j.losses.unsupervised.ContrastiveTensionDataLoader;

/**
 * ContrastiveTensionLoss's training pairs from a column of sentences, as a dataset: one epoch of
 * {@link ContrastiveTensionDataLoader} (the sentences shuffled with the seed; in every run of
 * {@code posNegRatio} pairs the first is a sentence with itself, label 1, the others two different sentences,
 * label 0; an incomplete last batch dropped), flattened into columns {@code sentence_1}, {@code sentence_2} and
 * {@code label}. For a user who wants upstream's stream of pairs, e.g. to inspect or save them; the trainer
 * itself pairs a one-column dataset per batch (see {@code DatasetStep}).
 */
public final class ContrastiveTensionPairs {

    private ContrastiveTensionPairs() {
    }

    /**
     * @param sentences   a dataset with one text column
     * @param batchSize   pairs per batch of the loader (a multiple of {@code posNegRatio})
     * @param posNegRatio one positive pair per this many pairs (upstream default 8)
     * @param seed        seed of the shuffle
     */
    public static Dataset of(Dataset sentences, int batchSize, int posNegRatio, long seed) {
        if (sentences.columns().size() != 1) {
            throw DatasetException.of(sentences.name(), "ContrastiveTension pairs are made from one column of sentences, but the"
                    + " dataset has " + sentences.columns().size() + ": " + sentences.columns());
        }
        List<String> texts = new ArrayList<>(sentences.size());
        for (int r = 0; r < sentences.size(); r++) {
            texts.add(sentences.text(0, r));
        }
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (List<ContrastiveTensionDataLoader.Pair> batch : new ContrastiveTensionDataLoader(texts, batchSize, posNegRatio, seed).epoch()) {
            for (ContrastiveTensionDataLoader.Pair p : batch) {
                first.add(p.sentence1());
                second.add(p.sentence2());
                labels.add(p.label());
            }
        }
        if (first.isEmpty()) {
            throw DatasetException.of(sentences.name(), "has " + sentences.size() + " sentences: too few for one batch of "
                    + batchSize + " ContrastiveTension pairs");
        }
        return Dataset.builder(sentences.name()).column("sentence_1", first).column("sentence_2", second)
                .column("label", labels).build();
    }
}
