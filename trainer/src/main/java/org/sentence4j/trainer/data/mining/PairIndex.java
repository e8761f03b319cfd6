package org.sentence4j.trainer.data.mining;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sentence4j.trainer.data.Dataset;

/**
 * The (anchor, positive) rows of a dataset as the miner sees them, and nothing else: each distinct anchor once
 * (an anchor that repeats is one query whose positives are all its rows' positives), the corpus of candidate
 * texts, and each anchor's positives as corpus positions.
 *
 * <p>As in sentence-transformers: the corpus is the given corpus followed by the positives, each distinct text
 * once at its first place, so a text equal to a positive is that positive and is never mined for its anchor;
 * anchors keep the order of their first row; a positive repeated for the same anchor counts once (one output
 * group), while {@link #maxPositives()} counts rows, repeats included, as sentence-transformers' group count does.
 */
final class PairIndex {

    private final List<String> queries;
    private final List<String> corpus;
    private final int[][] positives;
    private final int maxPositives;
    private final int rows;

    private PairIndex(List<String> queries, List<String> corpus, int[][] positives, int maxPositives, int rows) {
        this.queries = queries;
        this.corpus = corpus;
        this.positives = positives;
        this.maxPositives = maxPositives;
        this.rows = rows;
    }

    static PairIndex of(Dataset dataset, String anchorColumn, String positiveColumn, List<String> extraCorpus) {
        List<String> anchors = dataset.column(anchorColumn);
        List<String> positiveTexts = dataset.column(positiveColumn);

        Map<String, Integer> corpusIndex = new LinkedHashMap<>();
        if (extraCorpus != null) {
            for (String t : extraCorpus) {
                corpusIndex.putIfAbsent(t, corpusIndex.size());
            }
        }
        for (String t : positiveTexts) {
            corpusIndex.putIfAbsent(t, corpusIndex.size());
        }

        Map<String, Integer> queryIndex = new LinkedHashMap<>();
        List<List<Integer>> groups = new ArrayList<>();
        Map<String, Integer> rowsPerAnchor = new HashMap<>();
        for (int r = 0; r < anchors.size(); r++) {
            String a = anchors.get(r);
            int q = queryIndex.computeIfAbsent(a, k -> {
                groups.add(new ArrayList<>());
                return groups.size() - 1;
            });
            int p = corpusIndex.get(positiveTexts.get(r));
            if (!groups.get(q).contains(p)) {
                groups.get(q).add(p);
            }
            rowsPerAnchor.merge(a, 1, Integer::sum);
        }
        int[][] pos = new int[groups.size()][];
        for (int q = 0; q < pos.length; q++) {
            pos[q] = groups.get(q).stream().mapToInt(Integer::intValue).toArray();
        }
        int maxPositives = rowsPerAnchor.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new PairIndex(List.copyOf(queryIndex.keySet()), List.copyOf(corpusIndex.keySet()), pos, maxPositives,
                anchors.size());
    }

    /** The distinct anchors, in the order of their first row. */
    List<String> queries() {
        return queries;
    }

    /** The candidate texts, distinct: the given corpus, then the positives not in it. */
    List<String> corpus() {
        return corpus;
    }

    /** The corpus positions of query {@code q}'s distinct positives, in the order of their rows. */
    int[] positives(int q) {
        return positives[q];
    }

    /** The (anchor, positive) groups: distinct positives summed over the queries. */
    int pairCount() {
        int n = 0;
        for (int[] p : positives) {
            n += p.length;
        }
        return n;
    }

    /** The most rows any one anchor has (repeats included). */
    int maxPositives() {
        return maxPositives;
    }

    /** The dataset's row count. */
    int rows() {
        return rows;
    }
}
