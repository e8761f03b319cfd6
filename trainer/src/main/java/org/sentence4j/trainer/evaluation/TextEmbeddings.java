package org.sentence4j.trainer.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.graphs.progress.ProgressBar;

/**
 * The embeddings of a set of texts, each distinct text embedded once. Evaluation sets repeat texts a lot (one
 * anchor with many pairs, STS sentences reused), so deduplicating saves most of the encoding time.
 */
final class TextEmbeddings {

    /** Cosine similarity treats norms below this as this, so a zero vector scores 0 (as torch's normalize). */
    static final double NORM_EPS = 1e-12;

    private final Map<String, Integer> index;
    private final float[][] rows;

    private TextEmbeddings(Map<String, Integer> index, float[][] rows) {
        this.index = index;
        this.rows = rows;
    }

    /**
     * Embeds the distinct texts of {@code texts} in batches of {@code batchSize}, keeping the first
     * {@code truncateDim} dimensions of each embedding (0: all).
     *
     * @param owner used in error messages, e.g. "EmbeddingSimilarityEvaluator 'sts-dev'"
     */
    static TextEmbeddings embed(SentenceEmbedder model, Collection<String> texts, int batchSize, boolean showProgressBar,
                                int truncateDim, String owner) {
        if (model == null) {
            throw new IllegalArgumentException(owner + ": the model is null");
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(texts));
        // Longest first, as sentence-transformers' encode: batches of similar length waste less padding.
        distinct.sort(Comparator.comparingInt(String::length).reversed());
        Map<String, Integer> index = new HashMap<>(distinct.size() * 2);
        float[][] rows = new float[distinct.size()][];
        int dim = -1;
        try (ProgressBar bar = showProgressBar ? new ProgressBar(owner + " encode", distinct.size(), "texts") : null) {
            for (int start = 0; start < distinct.size(); start += batchSize) {
                List<String> batch = distinct.subList(start, Math.min(distinct.size(), start + batchSize));
                INDArray out = model.embed(batch);
                if (out == null || out.rank() != 2 || out.rows() != batch.size()) {
                    throw new IllegalStateException(owner + ": the model returned "
                            + (out == null ? "null" : "shape " + java.util.Arrays.toString(out.shape()))
                            + " for a batch of " + batch.size() + " texts; expected [" + batch.size() + ", dim]");
                }
                if (truncateDim > 0) {
                    if (truncateDim > out.columns()) {
                        throw new IllegalArgumentException(owner + ": truncateDim " + truncateDim
                                + " exceeds the model's embedding width " + out.columns());
                    }
                    out = out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(0, truncateDim)).dup();
                }
                if (dim < 0) {
                    dim = (int) out.columns();
                } else if (out.columns() != dim) {
                    throw new IllegalStateException(owner + ": the model returned embeddings of width " + out.columns()
                            + " after width " + dim);
                }
                float[][] batchRows = out.castTo(DataType.FLOAT).toFloatMatrix();
                for (int i = 0; i < batch.size(); i++) {
                    index.put(batch.get(i), start + i);
                    rows[start + i] = batchRows[i];
                }
                if (bar != null) {
                    bar.advance(batch.size());
                }
            }
        }
        return new TextEmbeddings(index, rows);
    }

    /** The embedding of {@code text}, which must have been embedded. */
    float[] row(String text) {
        Integer i = index.get(text);
        if (i == null) {
            throw new IllegalArgumentException("text was not embedded: " + text);
        }
        return rows[i];
    }

    /** Unit-norm rows (norm clamped at {@link #NORM_EPS}) of {@code texts[from, to)} as a DOUBLE matrix [to-from, dim]. */
    INDArray normalizedMatrix(List<String> texts, int from, int to) {
        double[][] m = new double[to - from][];
        for (int i = from; i < to; i++) {
            float[] r = row(texts.get(i));
            double norm = Math.max(Math.sqrt(dot(r, r)), NORM_EPS);
            double[] d = new double[r.length];
            for (int j = 0; j < r.length; j++) {
                d[j] = r[j] / norm;
            }
            m[i - from] = d;
        }
        return Nd4j.createFromArray(m);
    }

    /** Cosine similarity of two embeddings, in double; 0 when either is a zero vector. */
    static double cosine(float[] a, float[] b) {
        double na = Math.max(Math.sqrt(dot(a, a)), NORM_EPS);
        double nb = Math.max(Math.sqrt(dot(b, b)), NORM_EPS);
        return dot(a, b) / (na * nb);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
