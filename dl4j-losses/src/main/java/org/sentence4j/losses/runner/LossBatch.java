package org.sentence4j.losses.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arrays one loss evaluation takes: one embedding matrix per column, optional labels, and the extra
 * inputs of some losses. Built with {@link #of} and the {@code with...} methods.
 */
public final class LossBatch {

    private final List<INDArray> columns;
    private INDArray labels;
    private List<INDArray> guideEmbeddings;
    private List<List<INDArray>> priorLayerEmbeddings;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();

    private LossBatch(List<INDArray> columns) {
        this.columns = List.copyOf(columns);
    }

    /** A batch of embedding matrices, one per input column. */
    public static LossBatch of(List<INDArray> columns) {
        Objects.requireNonNull(columns, "columns");
        return new LossBatch(columns);
    }

    public static LossBatch of(INDArray... columns) {
        return of(List.of(columns));
    }

    /** Labels: a vector (class ids, scores) or a matrix/tensor (teacher embeddings, teacher scores). */
    public LossBatch withLabels(INDArray labels) {
        this.labels = labels;
        return this;
    }

    /** Frozen guide embeddings, one matrix per column (GIST losses). */
    public LossBatch withGuideEmbeddings(List<INDArray> guide) {
        this.guideEmbeddings = guide == null ? null : List.copyOf(guide);
        return this;
    }

    /**
     * Embeddings of the hidden states before the final one, indexed [hidden state][column]; the final
     * hidden state is {@link #columns()} itself (AdaptiveLayerLoss, Matryoshka2dLoss).
     */
    public LossBatch withPriorLayerEmbeddings(List<List<INDArray>> layers) {
        this.priorLayerEmbeddings = layers == null ? null : layers.stream().map(List::copyOf).toList();
        return this;
    }

    /** Overrides the value of one of the loss's own parameters (by upstream name, e.g. {@code logit_scale}). */
    public LossBatch withParameter(String name, INDArray value) {
        parameters.put(name, value);
        return this;
    }

    public List<INDArray> columns() {
        return columns;
    }

    public INDArray labels() {
        return labels;
    }

    public List<INDArray> guideEmbeddings() {
        return guideEmbeddings;
    }

    public List<List<INDArray>> priorLayerEmbeddings() {
        return priorLayerEmbeddings;
    }

    public Map<String, INDArray> parameters() {
        return parameters;
    }

    /** Every array of the batch, for NaN checks. */
    List<INDArray> allArrays() {
        List<INDArray> all = new ArrayList<>(columns);
        if (labels != null) {
            all.add(labels);
        }
        if (guideEmbeddings != null) {
            all.addAll(guideEmbeddings);
        }
        if (priorLayerEmbeddings != null) {
            priorLayerEmbeddings.forEach(all::addAll);
        }
        return all;
    }
}
