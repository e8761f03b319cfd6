package org.sentence4j.trainer.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEmbedder;

/**
 * Retrieval quality: every query is scored against the whole corpus by cosine similarity, the top documents are
 * ranked, and the ranking is compared with the query's relevant documents, as sentence-transformers'
 * InformationRetrievalEvaluator (binary relevance). Per query, averaged over queries:
 * <ul>
 * <li>{@code cosine_accuracy@k}: 1 if a relevant document is in the top k;</li>
 * <li>{@code cosine_precision@k}: relevant documents in the top k, divided by k;</li>
 * <li>{@code cosine_recall@k}: relevant documents in the top k, divided by the number of relevant documents;</li>
 * <li>{@code cosine_ndcg@k}: DCG of the top k (gain 1 per relevant document at rank r, discounted by log2(r+1))
 *     divided by the ideal DCG, that of min(k, #relevant) relevant documents at the top;</li>
 * <li>{@code cosine_mrr@k}: 1/rank of the first relevant document in the top k, else 0;</li>
 * <li>{@code cosine_map@k}: the sum of precision@r over the ranks {@code r <= k} holding a relevant document, divided by
 *     min(k, #relevant).</li>
 * </ul>
 * Defaults as sentence-transformers: accuracy/precision/recall at 1, 3, 5, 10, MRR and NDCG at 10, MAP at 100;
 * keys in that family order (accuracy, precision, recall, ndcg, mrr, map); primary metric {@code cosine_ndcg@K}
 * for the largest NDCG cut-off K.
 *
 * <p>Differences from sentence-transformers: a query with no relevant documents, or whose relevant documents are
 * all missing from the corpus, is an error here instead of being skipped silently (it is almost always an id
 * mismatch). Relevant ids missing from the corpus next to present ones are accepted and count as relevant
 * documents never retrieved (as upstream). Equal scores are ranked in corpus order (the map's iteration order);
 * upstream's order among exact ties is an artefact of its heap. Queries and documents are embedded together, each
 * distinct text once, the optional prompts prepended to the text.
 */
public final class InformationRetrievalEvaluator extends AbstractEvaluator {

    private final List<String> queryIds;
    private final List<String> queryTexts;
    private final List<String> corpusIds;
    private final List<String> corpusTexts;
    private final List<Set<String>> relevant;
    private final int[] accuracyAtK;
    private final int[] precisionRecallAtK;
    private final int[] mrrAtK;
    private final int[] ndcgAtK;
    private final int[] mapAtK;
    private final int corpusChunkSize;

    private InformationRetrievalEvaluator(Builder b) {
        super(b, 32);
        String owner = describe();
        if (b.queries == null || b.corpus == null || b.relevantDocs == null) {
            throw new IllegalArgumentException(owner + ": queries, corpus and relevantDocs must not be null");
        }
        requireNonEmpty(owner, "queries", b.queries.size());
        requireNonEmpty(owner, "corpus", b.corpus.size());
        String queryPrompt = b.queryPrompt == null ? "" : b.queryPrompt;
        String corpusPrompt = b.corpusPrompt == null ? "" : b.corpusPrompt;

        corpusIds = new ArrayList<>(b.corpus.size());
        corpusTexts = new ArrayList<>(b.corpus.size());
        b.corpus.forEach((id, text) -> {
            if (id == null || text == null) {
                throw new IllegalArgumentException(owner + ": corpus has a null id or text (id " + id + ")");
            }
            corpusIds.add(id);
            corpusTexts.add(corpusPrompt + text);
        });
        Set<String> corpusIdSet = new HashSet<>(corpusIds);

        queryIds = new ArrayList<>(b.queries.size());
        queryTexts = new ArrayList<>(b.queries.size());
        relevant = new ArrayList<>(b.queries.size());
        List<String> withoutRelevant = new ArrayList<>();
        List<String> allMissing = new ArrayList<>();
        b.queries.forEach((id, text) -> {
            if (id == null || text == null) {
                throw new IllegalArgumentException(owner + ": queries has a null id or text (id " + id + ")");
            }
            Set<String> rel = b.relevantDocs.get(id);
            if (rel == null || rel.isEmpty()) {
                withoutRelevant.add(id);
                return;
            }
            if (rel.stream().noneMatch(corpusIdSet::contains)) {
                allMissing.add(id);
                return;
            }
            queryIds.add(id);
            queryTexts.add(queryPrompt + text);
            relevant.add(Set.copyOf(rel));
        });
        if (!withoutRelevant.isEmpty()) {
            throw new IllegalArgumentException(owner + ": " + withoutRelevant.size()
                    + " queries have no relevant documents, e.g. " + sample(withoutRelevant)
                    + "; relevantDocs must give every query at least one relevant corpus id");
        }
        if (!allMissing.isEmpty()) {
            throw new IllegalArgumentException(owner + ": " + allMissing.size()
                    + " queries have relevant documents none of which is in the corpus, e.g. " + sample(allMissing)
                    + "; check that relevantDocs uses the corpus ids");
        }
        accuracyAtK = cutoffs(owner, "accuracyAtK", b.accuracyAtK);
        precisionRecallAtK = cutoffs(owner, "precisionRecallAtK", b.precisionRecallAtK);
        mrrAtK = cutoffs(owner, "mrrAtK", b.mrrAtK);
        ndcgAtK = cutoffs(owner, "ndcgAtK", b.ndcgAtK);
        mapAtK = cutoffs(owner, "mapAtK", b.mapAtK);
        if (b.corpusChunkSize < 1) {
            throw new IllegalArgumentException(owner + ": corpusChunkSize must be >= 1, got " + b.corpusChunkSize);
        }
        corpusChunkSize = b.corpusChunkSize;
    }

    /**
     * @param queries      query id to text; iteration order is the query order
     * @param corpus       document id to text; iteration order breaks ties between equal scores (use a
     *                     LinkedHashMap for a reproducible order)
     * @param relevantDocs query id to the ids of its relevant documents (at least one per query)
     */
    public static Builder builder(Map<String, String> queries, Map<String, String> corpus,
                                  Map<String, ? extends Set<String>> relevantDocs) {
        return new Builder(queries, corpus, relevantDocs);
    }

    @Override
    protected String unprefixedPrimaryMetric() {
        return "cosine_ndcg@" + ndcgAtK[ndcgAtK.length - 1];
    }

    @Override
    public Map<String, Double> evaluate(SentenceEmbedder model) {
        List<String> all = new ArrayList<>(queryTexts);
        all.addAll(corpusTexts);
        TextEmbeddings emb = embed(model, all);
        int[][] ranked = topK(emb, maxK());

        int nq = queryIds.size();
        double[] accuracy = new double[accuracyAtK.length];
        double[] precision = new double[precisionRecallAtK.length];
        double[] recall = new double[precisionRecallAtK.length];
        double[] ndcg = new double[ndcgAtK.length];
        double[] mrr = new double[mrrAtK.length];
        double[] map = new double[mapAtK.length];
        for (int q = 0; q < nq; q++) {
            Set<String> rel = relevant.get(q);
            boolean[] hit = new boolean[ranked[q].length];
            for (int r = 0; r < hit.length; r++) {
                hit[r] = rel.contains(corpusIds.get(ranked[q][r]));
            }
            for (int i = 0; i < accuracyAtK.length; i++) {
                accuracy[i] += hitsInTop(hit, accuracyAtK[i]) > 0 ? 1 : 0;
            }
            for (int i = 0; i < precisionRecallAtK.length; i++) {
                int k = precisionRecallAtK[i];
                int hits = hitsInTop(hit, k);
                precision[i] += (double) hits / k; // divided by k even if the corpus is smaller, as upstream
                recall[i] += (double) hits / rel.size();
            }
            for (int i = 0; i < ndcgAtK.length; i++) {
                int k = ndcgAtK[i];
                double dcg = 0;
                for (int r = 0; r < Math.min(k, hit.length); r++) {
                    dcg += hit[r] ? 1 / log2(r + 2) : 0;
                }
                double ideal = 0;
                for (int r = 0; r < Math.min(k, rel.size()); r++) {
                    ideal += 1 / log2(r + 2);
                }
                ndcg[i] += dcg / ideal;
            }
            for (int i = 0; i < mrrAtK.length; i++) {
                int k = mrrAtK[i];
                for (int r = 0; r < Math.min(k, hit.length); r++) {
                    if (hit[r]) {
                        mrr[i] += 1.0 / (r + 1);
                        break;
                    }
                }
            }
            for (int i = 0; i < mapAtK.length; i++) {
                int k = mapAtK[i];
                int found = 0;
                double sum = 0;
                for (int r = 0; r < Math.min(k, hit.length); r++) {
                    if (hit[r]) {
                        found++;
                        sum += (double) found / (r + 1);
                    }
                }
                map[i] += sum / Math.min(k, rel.size());
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        put(m, "cosine_accuracy@", accuracyAtK, accuracy, nq);
        put(m, "cosine_precision@", precisionRecallAtK, precision, nq);
        put(m, "cosine_recall@", precisionRecallAtK, recall, nq);
        put(m, "cosine_ndcg@", ndcgAtK, ndcg, nq);
        put(m, "cosine_mrr@", mrrAtK, mrr, nq);
        put(m, "cosine_map@", mapAtK, map, nq);
        return prefixed(m);
    }

    /**
     * Per query, the indices of the {@code k} best corpus documents by cosine similarity, best first, equal scores
     * in corpus order. The score matrix is computed in blocks (queries x corpus chunk) to bound memory.
     */
    private int[][] topK(TextEmbeddings emb, int k) {
        int nq = queryTexts.size();
        int nc = corpusTexts.size();
        int keep = Math.min(k, nc);
        TopK[] best = new TopK[nq];
        for (int q = 0; q < nq; q++) {
            best[q] = new TopK(keep);
        }
        // about 8M doubles (64 MB) per score block
        int queryBlock = (int) Math.max(1, Math.min(nq, 8_000_000L / Math.min(corpusChunkSize, nc)));
        for (int c0 = 0; c0 < nc; c0 += corpusChunkSize) {
            int c1 = Math.min(nc, c0 + corpusChunkSize);
            INDArray docs = emb.normalizedMatrix(corpusTexts, c0, c1);
            for (int q0 = 0; q0 < nq; q0 += queryBlock) {
                int q1 = Math.min(nq, q0 + queryBlock);
                INDArray queries = emb.normalizedMatrix(queryTexts, q0, q1);
                double[][] scores = queries.mmul(docs.transpose()).toDoubleMatrix();
                for (int q = q0; q < q1; q++) {
                    double[] row = scores[q - q0];
                    for (int c = 0; c < row.length; c++) {
                        best[q].offer(row[c], c0 + c);
                    }
                }
            }
        }
        int[][] ranked = new int[nq][];
        for (int q = 0; q < nq; q++) {
            ranked[q] = best[q].ranked();
        }
        return ranked;
    }

    private int maxK() {
        int k = 0;
        for (int[] ks : new int[][] {accuracyAtK, precisionRecallAtK, mrrAtK, ndcgAtK, mapAtK}) {
            k = Math.max(k, ks[ks.length - 1]);
        }
        return k;
    }

    private static int hitsInTop(boolean[] hit, int k) {
        int n = 0;
        for (int r = 0; r < Math.min(k, hit.length); r++) {
            n += hit[r] ? 1 : 0;
        }
        return n;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static void put(Map<String, Double> m, String key, int[] ks, double[] sums, int nq) {
        for (int i = 0; i < ks.length; i++) {
            m.put(key + ks[i], sums[i] / nq);
        }
    }

    /** Sorted distinct positive cut-offs; an empty or non-positive list is an error. */
    private static int[] cutoffs(String owner, String option, List<Integer> ks) {
        if (ks == null || ks.isEmpty()) {
            throw new IllegalArgumentException(owner + ": " + option + " must list at least one cut-off");
        }
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer k : ks) {
            if (k == null || k < 1) {
                throw new IllegalArgumentException(owner + ": " + option + " cut-offs must be >= 1, got " + ks);
            }
            sorted.add(k);
        }
        return sorted.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String sample(List<String> ids) {
        return ids.size() <= 5 ? ids.toString() : ids.subList(0, 5) + " ...";
    }

    /** The best {@code capacity} (score, index) pairs; higher score first, then lower index. */
    private static final class TopK {
        private final double[] scores;
        private final int[] indices;
        private int size;

        TopK(int capacity) {
            scores = new double[capacity];
            indices = new int[capacity];
        }

        /** Insertion into a sorted array: k is small (100 by default), so this beats a heap in practice. */
        void offer(double score, int index) {
            int cap = scores.length;
            if (size == cap && !better(score, index, scores[cap - 1], indices[cap - 1])) {
                return;
            }
            int pos = size == cap ? cap - 1 : size++;
            while (pos > 0 && better(score, index, scores[pos - 1], indices[pos - 1])) {
                scores[pos] = scores[pos - 1];
                indices[pos] = indices[pos - 1];
                pos--;
            }
            scores[pos] = score;
            indices[pos] = index;
        }

        private static boolean better(double s, int i, double s2, int i2) {
            return s > s2 || (s == s2 && i < i2);
        }

        int[] ranked() {
            return Arrays.copyOf(indices, size);
        }
    }

    /** Builder; defaults as sentence-transformers. */
    public static final class Builder extends AbstractEvaluator.Builder<Builder> {
        private final Map<String, String> queries;
        private final Map<String, String> corpus;
        private final Map<String, ? extends Set<String>> relevantDocs;
        private List<Integer> accuracyAtK = List.of(1, 3, 5, 10);
        private List<Integer> precisionRecallAtK = List.of(1, 3, 5, 10);
        private List<Integer> mrrAtK = List.of(10);
        private List<Integer> ndcgAtK = List.of(10);
        private List<Integer> mapAtK = List.of(100);
        private int corpusChunkSize = 50_000;
        private String queryPrompt;
        private String corpusPrompt;

        private Builder(Map<String, String> queries, Map<String, String> corpus,
                        Map<String, ? extends Set<String>> relevantDocs) {
            this.queries = queries;
            this.corpus = corpus;
            this.relevantDocs = relevantDocs;
        }

        /** Default [1, 3, 5, 10]. */
        public Builder accuracyAtK(List<Integer> ks) {
            this.accuracyAtK = ks;
            return this;
        }

        /** Default [1, 3, 5, 10]. */
        public Builder precisionRecallAtK(List<Integer> ks) {
            this.precisionRecallAtK = ks;
            return this;
        }

        /** Default [10]. */
        public Builder mrrAtK(List<Integer> ks) {
            this.mrrAtK = ks;
            return this;
        }

        /** Default [10]; the largest gives the primary metric. */
        public Builder ndcgAtK(List<Integer> ks) {
            this.ndcgAtK = ks;
            return this;
        }

        /** Default [100]. */
        public Builder mapAtK(List<Integer> ks) {
            this.mapAtK = ks;
            return this;
        }

        /** Documents scored at once; default 50000. */
        public Builder corpusChunkSize(int corpusChunkSize) {
            this.corpusChunkSize = corpusChunkSize;
            return this;
        }

        /** Text prepended to every query before embedding (e.g. "query: "); default none. */
        public Builder queryPrompt(String queryPrompt) {
            this.queryPrompt = queryPrompt;
            return this;
        }

        /** Text prepended to every document before embedding (e.g. "passage: "); default none. */
        public Builder corpusPrompt(String corpusPrompt) {
            this.corpusPrompt = corpusPrompt;
            return this;
        }

        public InformationRetrievalEvaluator build() {
            return new InformationRetrievalEvaluator(this);
        }
    }
}
