package org.sentence4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.sentence4j.losses.LabelKind;

/**
 * Batches for the batch triplet losses (BatchAllTripletLoss, BatchHardTripletLoss, ...), which need
 * positives and negatives inside every batch: each batch holds at least two labels, each with at least two
 * rows. As upstream's {@code GroupByLabelBatchSampler}: labels with fewer than two rows are dropped; every
 * epoch the rows of each label are shuffled and trimmed to an even count; then labels take turns, in a
 * reshuffled order every round, to add a pair of their rows to a stream that is cut into batches; the stream
 * stops when fewer than two labels have rows left (the largest label's tail is left out of that epoch).
 * The batch size must be even and at least 4, so batches hold whole pairs.
 *
 * <p>Two sensible departures from upstream: a label's odd row out is chosen anew every epoch (upstream always
 * leaves out the same last row), and a round never starts with the label that ended the previous round, so
 * no two consecutive pairs share a label: that is what makes a batch of 4 always hold two labels (upstream
 * can emit a batch of four rows of one label at a round boundary). An incomplete last batch is kept, unless
 * {@code dropLast}, only if it has at least 4 rows.
 */
public final class GroupByLabelBatchSampler extends AbstractBatchSampler {

    private final int[][] groups; // rows of each usable label, in order of first appearance
    private final int usableRows;

    public GroupByLabelBatchSampler(Dataset dataset, int batchSize, boolean dropLast, long seed) {
        super(dataset, batchSize, dropLast, seed);
        if (batchSize < 4 || batchSize % 2 != 0) {
            throw new IllegalArgumentException("GROUP_BY_LABEL needs an even batch size >= 4, got " + batchSize);
        }
        LabelKind kind = dataset.labelKind();
        if (kind != LabelKind.CLASS && kind != LabelKind.BINARY) {
            throw new IllegalArgumentException("GROUP_BY_LABEL needs class labels; dataset '" + dataset.name()
                    + "' has " + (kind == LabelKind.NONE ? "no labels" : kind.name().toLowerCase() + " labels") + ".");
        }
        Map<Integer, List<Integer>> byLabel = new LinkedHashMap<>();
        for (int r = 0; r < dataset.size(); r++) {
            byLabel.computeIfAbsent(dataset.classLabel(r), k -> new ArrayList<>()).add(r);
        }
        List<int[]> g = new ArrayList<>();
        int usable = 0;
        for (List<Integer> rows : byLabel.values()) {
            if (rows.size() >= 2) {
                g.add(rows.stream().mapToInt(Integer::intValue).toArray());
                usable += rows.size() / 2 * 2;
            }
        }
        if (g.size() < 2) {
            throw new IllegalArgumentException("GROUP_BY_LABEL needs at least 2 labels with >= 2 rows each; dataset '"
                    + dataset.name() + "' has " + g.size() + " (of " + byLabel.size() + " labels).");
        }
        this.groups = g.toArray(new int[0][]);
        this.usableRows = usable;
    }

    /** The number of labels with at least two rows. */
    public int usableLabels() {
        return groups.length;
    }

    @Override
    public List<int[]> batches(int epoch) {
        Random rnd = Seeds.random(seed, epoch, Seeds.GROUP_BY_LABEL_STREAM);
        int L = groups.length;
        int[][] queue = new int[L][];
        int[] taken = new int[L];
        for (int l = 0; l < L; l++) {
            int[] rows = groups[l].clone();
            Seeds.shuffle(rows, rnd);
            queue[l] = Arrays.copyOf(rows, rows.length / 2 * 2);
        }
        int[] remaining = new int[L];
        Arrays.setAll(remaining, i -> i);
        int left = L;
        int last = -1;
        List<int[]> out = new ArrayList<>(usableRows / batchSize + 1);
        int[] batch = new int[batchSize];
        int size = 0;
        while (left >= 2) {
            int[] order = Arrays.copyOf(remaining, left);
            Seeds.shuffle(order, rnd);
            if (order[0] == last) { // never two consecutive pairs of one label
                order[0] = order[1];
                order[1] = last;
            }
            for (int l : order) {
                batch[size++] = queue[l][taken[l]++];
                batch[size++] = queue[l][taken[l]++];
                last = l;
                if (size == batchSize) {
                    out.add(batch.clone());
                    size = 0;
                }
            }
            int k = 0;
            for (int i = 0; i < left; i++) {
                int l = remaining[i];
                if (taken[l] < queue[l].length) {
                    remaining[k++] = l;
                }
            }
            left = k;
        }
        if (!dropLast && size >= 4) {
            out.add(Arrays.copyOf(batch, size));
        }
        return out;
    }

    @Override
    public BatchSamplers kind() {
        return BatchSamplers.GROUP_BY_LABEL;
    }
}
