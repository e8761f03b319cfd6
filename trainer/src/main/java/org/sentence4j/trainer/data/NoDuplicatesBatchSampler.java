package org.sentence4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Batches in which no text appears in two rows, across all input columns (labels are not texts): with
 * in-batch negatives (MultipleNegativesRankingLoss and friends) another row's text equal to a positive would
 * be a false negative. As upstream's {@code NoDuplicatesBatchSampler}: rows are visited in a shuffled order;
 * a row that shares a text with the batch being filled is deferred, in order, to a later batch. When the rows
 * left cannot fill a batch, the batch is emitted incomplete (or dropped with {@code dropLast}) and the next
 * one starts from the first deferred row. Texts are compared exactly (as written). A row may repeat a text
 * within itself (anchor equal to positive); that is not a duplicate between rows.
 */
public final class NoDuplicatesBatchSampler extends AbstractBatchSampler {

    /** Per row, the distinct ids of its texts. */
    private final int[][] textIds;
    private final int distinctTexts;

    public NoDuplicatesBatchSampler(Dataset dataset, int batchSize, boolean dropLast, long seed) {
        super(dataset, batchSize, dropLast, seed);
        Map<String, Integer> ids = new HashMap<>();
        int n = dataset.size();
        int cols = dataset.columns().size();
        textIds = new int[n][];
        for (int r = 0; r < n; r++) {
            int[] row = new int[cols];
            int k = 0;
            for (int c = 0; c < cols; c++) {
                Integer id = ids.computeIfAbsent(dataset.text(c, r), t -> ids.size());
                boolean seen = false;
                for (int j = 0; j < k; j++) {
                    seen |= row[j] == id;
                }
                if (!seen) {
                    row[k++] = id;
                }
            }
            textIds[r] = Arrays.copyOf(row, k);
        }
        distinctTexts = ids.size();
    }

    @Override
    public List<int[]> batches(int epoch) {
        Random rnd = Seeds.random(seed, epoch, Seeds.NO_DUPLICATES_STREAM);
        int n = dataset.size();
        int[] order = Seeds.permutation(n, rnd);
        // A singly linked list over the positions of `order` still to be placed: deferral keeps their order
        // and placing a row unlinks it in O(1).
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        int head = n > 0 ? 0 : -1;
        // stamp[text] == batch number <=> the text is in the batch being filled (no clearing between batches)
        int[] stamp = new int[distinctTexts];
        int batchNo = 0;
        List<int[]> out = new ArrayList<>(n / batchSize + 1);
        int[] batch = new int[batchSize];
        while (head != -1) {
            batchNo++;
            int size = 0;
            int cur = head;
            int prev = -1;
            while (cur != -1 && size < batchSize) {
                int nxt = next[cur];
                int row = order[cur];
                int[] ids = textIds[row];
                boolean clash = false;
                for (int id : ids) {
                    if (stamp[id] == batchNo) {
                        clash = true;
                        break;
                    }
                }
                if (clash) {
                    prev = cur; // deferred: stays in the list
                } else {
                    batch[size++] = row;
                    for (int id : ids) {
                        stamp[id] = batchNo;
                    }
                    if (prev == -1) {
                        head = nxt;
                    } else {
                        next[prev] = nxt;
                    }
                }
                cur = nxt;
            }
            if (size == batchSize || !dropLast) {
                out.add(Arrays.copyOf(batch, size));
            }
        }
        return out;
    }

    @Override
    public BatchSamplers kind() {
        return BatchSamplers.NO_DUPLICATES;
    }
}
