package org.sentence4j.trainer.data.tsdae;

import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;

import org.sentence4j.trainer.data.Dataset;

/**
 * Sentences to TSDAE's (damaged, original) pairs, as sentence-transformers' {@code DenoisingAutoEncoderDataset}:
 * each row becomes ({@link DenoisingNoise#apply noise(sentence)}, sentence), with new noise every epoch. The
 * pairs have the columns {@value #DAMAGED} and {@value #ORIGINAL} and no labels, the format of the loss table's
 * row "(damaged sentence, original sentence) pairs" for DenoisingAutoEncoderLoss.
 *
 * <pre>{@code
 * Dataset sentences = Datasets.jsonLines(Path.of("sentences.jsonl")).read();   // one text column
 * DenoisingAutoEncoderDataset tsdae = DenoisingAutoEncoderDataset.of(sentences, 42);
 * Dataset epoch0 = tsdae.epoch(0);        // damaged, original
 * String d = tsdae.damaged(3, 17);        // row 17's damaged text in epoch 3, without building the table
 * }</pre>
 *
 * <p><b>Reproducible.</b> The damaged text of a row is a pure function of (seed, epoch, row, noise): the row's
 * words are drawn from a {@link java.util.Random} seeded by mixing the three numbers with SplitMix64's
 * finalizer, so every epoch differs, rows do not share a stream, and a resumed run or another thread computes
 * the same text. {@code java.util.Random} is used because the JDK specifies its algorithm (the same numbers on
 * every JVM), which {@link java.util.SplittableRandom} only promises within one program run. Upstream draws
 * from NumPy's global generator on every access ({@code __getitem__}), so its noise is not reproducible and a
 * row read twice in one epoch gets two damaged versions; here it gets the same one within an epoch.
 *
 * <p>Immutable and thread-safe.
 */
public final class DenoisingAutoEncoderDataset {

    /** The column of damaged sentences (first: the loss table keys on a first column containing "damaged"). */
    public static final String DAMAGED = "damaged";
    /** The column of the original sentences. */
    public static final String ORIGINAL = "original";

    /** Separates this generator's seeds from the batch samplers' streams for the same run seed. */
    private static final long STREAM = 0x75dae0001L;

    private final Dataset sentences;
    private final int column;
    private final DenoisingNoise noise;
    private final long seed;

    private DenoisingAutoEncoderDataset(Dataset sentences, int column, DenoisingNoise noise, long seed) {
        this.sentences = sentences;
        this.column = column;
        this.noise = noise;
        this.seed = seed;
    }

    /**
     * Pairs from a dataset with a single input column, with the default noise ({@code delRatio} 0.6). A label
     * column is ignored (the pairs have none).
     *
     * @throws IllegalArgumentException if the dataset has several input columns: name one with
     *         {@link #of(Dataset, String, DenoisingNoise, long)}
     */
    public static DenoisingAutoEncoderDataset of(Dataset sentences, long seed) {
        if (sentences.columns().size() != 1) {
            throw new IllegalArgumentException("Dataset '" + sentences.name() + "' has the input columns "
                    + sentences.columns() + "; TSDAE needs one column of sentences: name it, or select it with "
                    + "selectColumns.");
        }
        return new DenoisingAutoEncoderDataset(sentences, 0, DenoisingNoise.defaults(), seed);
    }

    /** Pairs from the named input column of {@code sentences}, with the given noise. */
    public static DenoisingAutoEncoderDataset of(Dataset sentences, String column, DenoisingNoise noise, long seed) {
        return new DenoisingAutoEncoderDataset(sentences, sentences.columnIndex(column),
                Objects.requireNonNull(noise, "noise"), seed);
    }

    /**
     * The (damaged, original) pairs of one epoch of a single-column dataset, default noise:
     * {@code of(sentences, seed).epoch(epoch)}.
     */
    public static Dataset denoisingPairs(Dataset sentences, long seed, int epoch) {
        return of(sentences, seed).epoch(epoch);
    }

    public int size() {
        return sentences.size();
    }

    public DenoisingNoise noise() {
        return noise;
    }

    public long seed() {
        return seed;
    }

    /** The original sentence of {@code row}. */
    public String original(int row) {
        return sentences.text(column, row);
    }

    /** The damaged sentence of {@code row} in {@code epoch} (0-based), the same on every call. */
    public String damaged(int epoch, int row) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, not " + epoch);
        }
        Objects.checkIndex(row, size());
        return noise.apply(original(row), new Random(rowSeed(seed, epoch, row)));
    }

    /**
     * The pairs of {@code epoch}: columns {@value #DAMAGED} and {@value #ORIGINAL}, one row per sentence in the
     * dataset's order, no labels, the dataset's name. Rows are computed in parallel; the result does not
     * depend on it.
     */
    public Dataset epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, not " + epoch);
        }
        List<String> damaged = IntStream.range(0, size()).parallel().mapToObj(r -> damaged(epoch, r)).toList();
        return Dataset.builder(sentences.name())
                .column(DAMAGED, damaged)
                .column(ORIGINAL, sentences.column(sentences.columns().get(column)))
                // a blank sentence is only there if its dataset allowed it, and the noise returns it unchanged
                .allowEmptyText(true)
                .build();
    }

    /** The seed of one row's generator: SplitMix64 mixing of (seed, epoch, row), as the samplers do. */
    static long rowSeed(long seed, int epoch, int row) {
        long s = mix64(seed + 0x9E3779B97F4A7C15L);
        s = mix64(s ^ (epoch * 0xD1B54A32D192ED03L + STREAM));
        return mix64(s ^ (row * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "DenoisingAutoEncoderDataset[" + sentences.name() + ", " + size() + " sentences, " + noise
                + ", seed " + seed + "]";
    }
}
