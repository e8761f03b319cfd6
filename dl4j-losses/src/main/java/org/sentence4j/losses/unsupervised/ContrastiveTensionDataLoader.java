package org.sentence4j.losses.unsupervised;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;

/**
 * The batches {@link ContrastiveTensionLoss} trains on, made from a plain list of sentences (sentence-transformers'
 * {@code ContrastiveTensionDataLoader}).
 *
 * <p>Every call of {@link #iterator()} is one epoch: it shuffles the loader's own copy of the sentences with
 * its seeded {@link Random} (the shuffles accumulate from epoch to epoch, as upstream's in-place
 * {@code random.shuffle}), then walks through them filling batches of {@code batchSize} pairs. When the
 * current batch holds a multiple of {@code posNegRatio} pairs, the next pair is the next sentence twice,
 * {@code (s, s)} with label 1 (one sentence consumed); otherwise it is the next two sentences
 * {@code (s_t, s_t+1)} with label 0 (two consumed). So every batch has one positive pair followed by
 * {@code posNegRatio − 1} negative pairs, repeated. The walk stops as soon as fewer than two sentences remain,
 * and an incomplete last batch is dropped.
 *
 * <p>{@link #size()} is upstream's reported length {@code floor(N / (2·batchSize))}; because positive pairs
 * consume one sentence only, an epoch can yield more batches than that.
 */
public final class ContrastiveTensionDataLoader implements Iterable<List<ContrastiveTensionDataLoader.Pair>> {

    /** Default number of pairs per positive pair ({@code pos_neg_ratio = 8}: one positive, seven negatives). */
    public static final int DEFAULT_POS_NEG_RATIO = 8;

    /** Default seed of the shuffling generator. */
    public static final long DEFAULT_SEED = 42L;

    /**
     * One training pair: the text of column 0 (encoded by tower 1), of column 1 (tower 2), and the label,
     * 1 for the same sentence twice and 0 for two different sentences.
     */
    public record Pair(String sentence1, String sentence2, int label) {
    }

    private final List<String> sentences;
    private final int batchSize;
    private final int posNegRatio;
    private final Random rng;

    /** A loader with {@code posNegRatio = 8} and the default seed. */
    public ContrastiveTensionDataLoader(List<String> sentences, int batchSize) {
        this(sentences, batchSize, DEFAULT_POS_NEG_RATIO, DEFAULT_SEED);
    }

    /** A loader with the default seed. */
    public ContrastiveTensionDataLoader(List<String> sentences, int batchSize, int posNegRatio) {
        this(sentences, batchSize, posNegRatio, DEFAULT_SEED);
    }

    /**
     * @param sentences   the training sentences (copied; the caller's list is never reordered)
     * @param batchSize   pairs per batch, a multiple of {@code posNegRatio}
     * @param posNegRatio a positive pair starts every run of this many pairs
     * @param seed        seed of the generator that shuffles the sentences at every epoch
     */
    public ContrastiveTensionDataLoader(List<String> sentences, int batchSize, int posNegRatio, long seed) {
        Objects.requireNonNull(sentences, "sentences");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("ContrastiveTensionDataLoader: batch_size must be > 0, but is " + batchSize + ".");
        }
        if (posNegRatio <= 0) {
            throw new IllegalArgumentException("ContrastiveTensionDataLoader: pos_neg_ratio must be > 0, but is " + posNegRatio + ".");
        }
        if (batchSize % posNegRatio != 0) {
            throw new IllegalArgumentException("ContrastiveTensionDataLoader was given a pos_neg_ratio of " + posNegRatio
                    + " and a batch size of " + batchSize + ". The batch size must be divisible by the pos_neg_ratio.");
        }
        for (int i = 0; i < sentences.size(); i++) {
            if (sentences.get(i) == null) {
                throw new IllegalArgumentException("ContrastiveTensionDataLoader: sentence " + i + " is null.");
            }
        }
        this.sentences = new ArrayList<>(sentences);
        this.batchSize = batchSize;
        this.posNegRatio = posNegRatio;
        this.rng = new Random(seed);
    }

    public int batchSize() {
        return batchSize;
    }

    public int posNegRatio() {
        return posNegRatio;
    }

    /** Number of sentences. */
    public int sentenceCount() {
        return sentences.size();
    }

    /** Upstream's reported number of batches per epoch, {@code floor(N / (2·batchSize))}. */
    public int size() {
        return (int) (sentences.size() / (2L * batchSize));
    }

    /** Starts a new epoch: shuffles the sentences, then yields the batches lazily. */
    @Override
    public Iterator<List<Pair>> iterator() {
        Collections.shuffle(sentences, rng);
        List<String> order = List.copyOf(sentences);
        return new Iterator<>() {
            private int index;
            private List<Pair> next = fill();

            private List<Pair> fill() {
                List<Pair> batch = new ArrayList<>(batchSize);
                // upstream: while sentence_idx + 1 < len(sentences), i.e. stop when fewer than two remain
                while (index + 1 < order.size()) {
                    String s1 = order.get(index);
                    if (batch.size() % posNegRatio > 0) {
                        batch.add(new Pair(s1, order.get(index + 1), 0));
                        index += 2;
                    } else {
                        batch.add(new Pair(s1, s1, 1));
                        index += 1;
                    }
                    if (batch.size() >= batchSize) {
                        return Collections.unmodifiableList(batch);
                    }
                }
                return null; // an incomplete last batch is dropped
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public List<Pair> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                List<Pair> out = next;
                next = fill();
                return out;
            }
        };
    }

    /** One epoch's batches as a list (a convenience over {@link #iterator()}; also shuffles). */
    public List<List<Pair>> epoch() {
        List<List<Pair>> out = new ArrayList<>();
        iterator().forEachRemaining(out::add);
        return out;
    }
}
