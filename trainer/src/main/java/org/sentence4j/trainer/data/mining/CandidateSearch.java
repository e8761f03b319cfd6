package org.sentence4j.trainer.data.mining;

import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEmbedder;

/**
 * Embeds the anchors and the corpus and finds, for each anchor, its best-scoring corpus texts: exact
 * (brute-force) search, the {@code use_faiss=False} route of sentence-transformers. One job: turn texts into a
 * ranked candidate list per anchor, plus the score of each (anchor, positive) pair.
 *
 * <p>Embeddings are L2-normalised (norm clamped at 1e-12, as {@code normalize_embeddings=True}). Each anchor keeps
 * its {@code width} = range_max + max_positives best candidates, best first, so that after its positives are
 * taken out range_max remain; a corpus smaller than that is padded with empty slots (position -1, score -inf),
 * as sentence-transformers 6 does. Equal scores rank the earlier corpus text first (torch's {@code topk} leaves
 * their order unspecified). A NaN score counts as -inf. The anchors are scored in chunks so that a chunk's score
 * matrix stays under {@value #CHUNK_CELLS} cells.
 */
final class CandidateSearch {

    /** The largest chunk score matrix, in cells (64 MiB of floats). */
    static final int CHUNK_CELLS = 1 << 24;

    private CandidateSearch() {
    }

    /** What the search found: per anchor, {@code width} corpus positions and their scores, and the positive scores. */
    static final class Candidates {
        /** [query][rank]: corpus position, -1 for an empty slot. */
        final int[][] indices;
        /** [query][rank]: score, -inf for an empty slot or a candidate taken out. */
        final float[][] scores;
        /** [query][i]: the score of the query and its i-th positive. */
        final float[][] positiveScores;

        Candidates(int[][] indices, float[][] scores, float[][] positiveScores) {
            this.indices = indices;
            this.scores = scores;
            this.positiveScores = positiveScores;
        }

        int width() {
            return indices.length == 0 ? 0 : indices[0].length;
        }
    }

    static Candidates search(SentenceEmbedder model, ModelSimilarity similarity, PairIndex pairs, int width,
                             int batchSize) {
        // the corpus first, then the anchors, as sentence-transformers encodes them
        float[][] corpus = embed(model, pairs.corpus(), batchSize, "corpus");
        float[][] queries = embed(model, pairs.queries(), batchSize, "anchor");
        if (corpus[0].length != queries[0].length) {
            throw new IllegalStateException("The model gave corpus embeddings of width " + corpus[0].length
                    + " but anchor embeddings of width " + queries[0].length);
        }
        int nq = queries.length;
        int nc = corpus.length;
        int k = Math.min(width, nc);
        int[][] indices = new int[nq][];
        float[][] scores = new float[nq][];

        int chunk = Math.max(1, CHUNK_CELLS / nc);
        INDArray corpusT = similarity.isDotProduct() ? Nd4j.create(corpus).castTo(DataType.FLOAT).transpose() : null;
        for (int start = 0; start < nq; start += chunk) {
            int end = Math.min(nq, start + chunk);
            float[][] block;
            if (corpusT != null) {
                INDArray q = Nd4j.create(Arrays.copyOfRange(queries, start, end)).castTo(DataType.FLOAT);
                block = q.mmul(corpusT).toFloatMatrix();
            } else {
                block = new float[end - start][nc];
                for (int i = start; i < end; i++) {
                    for (int c = 0; c < nc; c++) {
                        block[i - start][c] = similarity.score(queries[i], corpus[c]);
                    }
                }
            }
            for (int i = start; i < end; i++) {
                float[] row = block[i - start];
                for (int c = 0; c < nc; c++) {
                    if (Float.isNaN(row[c])) {
                        row[c] = Float.NEGATIVE_INFINITY;
                    }
                }
                int[] best = topK(row, k);
                int[] idx = new int[width];
                float[] sc = new float[width];
                Arrays.fill(idx, -1);
                Arrays.fill(sc, Float.NEGATIVE_INFINITY);
                for (int r = 0; r < best.length; r++) {
                    idx[r] = best[r];
                    sc[r] = row[best[r]];
                }
                indices[i] = idx;
                scores[i] = sc;
            }
        }

        float[][] positiveScores = new float[nq][];
        for (int q = 0; q < nq; q++) {
            int[] pos = pairs.positives(q);
            positiveScores[q] = new float[pos.length];
            for (int i = 0; i < pos.length; i++) {
                float s = similarity.score(queries[q], corpus[pos[i]]);
                positiveScores[q][i] = Float.isNaN(s) ? Float.NEGATIVE_INFINITY : s;
            }
        }
        return new Candidates(indices, scores, positiveScores);
    }

    /** Normalised embeddings of {@code texts}, {@code batchSize} texts per call of the model. */
    static float[][] embed(SentenceEmbedder model, List<String> texts, int batchSize, String what) {
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < texts.size(); start += batchSize) {
            int end = Math.min(texts.size(), start + batchSize);
            INDArray e = model.embed(texts.subList(start, end));
            if (e == null || e.rank() != 2 || e.size(0) != end - start) {
                throw new IllegalStateException("The model returned " + (e == null ? "null" : "shape "
                        + Arrays.toString(e.shape())) + " for " + (end - start) + " " + what
                        + " texts; expected a [texts, dim] matrix");
            }
            float[][] m = e.castTo(DataType.FLOAT).toFloatMatrix();
            for (int i = 0; i < m.length; i++) {
                out[start + i] = normalize(m[i]);
            }
        }
        return out;
    }

    static float[] normalize(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        float norm = (float) Math.max(Math.sqrt(sq), 1e-12);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / norm;
        }
        return out;
    }

    /** The positions of the {@code k} best scores, best first; equal scores: the lower position first. */
    static int[] topK(float[] s, int k) {
        int n = s.length;
        k = Math.min(k, n);
        // a heap of the k best seen so far, its root the worst of them
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                int c = size++;
                while (c > 0) {
                    int p = (c - 1) / 2;
                    if (better(s, heap[p], heap[c])) {
                        int t = heap[p];
                        heap[p] = heap[c];
                        heap[c] = t;
                        c = p;
                    } else {
                        break;
                    }
                }
            } else if (k > 0 && better(s, i, heap[0])) {
                heap[0] = i;
                int c = 0;
                while (true) {
                    int l = 2 * c + 1;
                    int r = l + 1;
                    int w = c;
                    if (l < k && better(s, heap[w], heap[l])) {
                        w = l;
                    }
                    if (r < k && better(s, heap[w], heap[r])) {
                        w = r;
                    }
                    if (w == c) {
                        break;
                    }
                    int t = heap[w];
                    heap[w] = heap[c];
                    heap[c] = t;
                    c = w;
                }
            }
        }
        return Arrays.stream(heap).boxed()
                .sorted((a, b) -> better(s, a, b) ? -1 : better(s, b, a) ? 1 : 0)
                .mapToInt(Integer::intValue).toArray();
    }

    /** Whether position {@code a} ranks before position {@code b}. */
    private static boolean better(float[] s, int a, int b) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }
}
