package org.sentence4j.losses;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a loss fragment is given: the graph, one embedding variable per input column, optional labels, and
 * the extra inputs some losses need (a guide model's embeddings for GIST, every layer's embeddings for the
 * layer-wise modifiers). Immutable; modifiers derive new inputs with the {@code with...} methods.
 */
public final class LossInputs {

    private final SameDiff sd;
    private final List<SDVariable> columns;
    private final SDVariable labels;
    private final long[] labelShape;
    private final Boolean labelsIntegral;
    private final List<SDVariable> guideEmbeddings;
    private final List<List<SDVariable>> layerEmbeddings;
    private final StepInputs stepInputs;
    private final List<long[]> columnShapes;

    private LossInputs(Builder b) {
        this.sd = Objects.requireNonNull(b.sd, "sd");
        this.columns = List.copyOf(b.columns);
        this.labels = b.labels;
        this.labelShape = b.labels == null ? null
                : b.labelShape != null ? b.labelShape.clone() : b.labels.getShape();
        if (this.labels != null && this.labelShape == null) {
            throw new LossInputException("The labels variable '" + labels.name()
                    + "' has no known rank; give its shape with Builder.labels(variable, shape).");
        }
        this.labelsIntegral = b.labelsIntegral;
        this.guideEmbeddings = b.guideEmbeddings == null ? null : List.copyOf(b.guideEmbeddings);
        this.layerEmbeddings = b.layerEmbeddings == null ? null
                : b.layerEmbeddings.stream().map(List::copyOf).toList();
        this.stepInputs = b.stepInputs == null ? new StepInputs() : b.stepInputs;
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            long[] s = b.columnShapes != null && i < b.columnShapes.size() ? b.columnShapes.get(i) : columns.get(i).getShape();
            shapes.add(s == null ? new long[] {-1, -1} : s.clone());
        }
        this.columnShapes = List.copyOf(shapes);
    }

    public static Builder builder(SameDiff sd) {
        return new Builder(sd);
    }

    /** A builder preloaded with everything of these inputs, to derive modified inputs. */
    public Builder toBuilder() {
        Builder b = new Builder(sd);
        b.columns = new ArrayList<>(columns);
        b.labels = labels;
        b.labelShape = labelShape;
        b.labelsIntegral = labelsIntegral;
        b.guideEmbeddings = guideEmbeddings;
        b.layerEmbeddings = layerEmbeddings;
        b.stepInputs = stepInputs;
        b.columnShapes = columnShapes;
        return b;
    }

    public SameDiff sd() {
        return sd;
    }

    /** One [batch, dim] embedding variable per input column, in the data format's order. */
    public List<SDVariable> columns() {
        return columns;
    }

    public SDVariable column(int i) {
        return columns.get(i);
    }

    public int columnCount() {
        return columns.size();
    }

    public Optional<SDVariable> labels() {
        return Optional.ofNullable(labels);
    }

    /** The labels variable; throws a {@link LossInputException} naming {@code loss} when there is none. */
    public SDVariable requireLabels(String loss) {
        if (labels == null) {
            throw new LossInputException(loss + " needs labels, but none were given.");
        }
        return labels;
    }

    /** Shape of the labels with -1 for sizes known only at run time, or {@code null} without labels. */
    public long[] labelShape() {
        return labelShape == null ? null : labelShape.clone();
    }

    /** Frozen guide-model embeddings, one per column (GIST losses). */
    public Optional<List<SDVariable>> guideEmbeddings() {
        return Optional.ofNullable(guideEmbeddings);
    }

    /**
     * Sentence embeddings computed from every hidden state, indexed [hidden state][column]: entry 0 is the
     * embedding-layer output, the last entry the final output (the same variables as {@link #columns()}).
     */
    public Optional<List<List<SDVariable>>> layerEmbeddings() {
        return Optional.ofNullable(layerEmbeddings);
    }

    /** Per-step inputs (sampled dims or layers) the runner feeds at every step. */
    public StepInputs stepInputs() {
        return stepInputs;
    }

    /** Floating-point type of the embeddings. */
    public DataType dataType() {
        return columns.get(0).dataType();
    }

    /** The embedding width (must be known when the graph is built). */
    public long embeddingDim() {
        long[] shape = columnShapes.get(0);
        if (shape == null || shape.length != 2 || shape[1] <= 0) {
            throw new LossInputException("The embedding width of column 0 ('" + columns.get(0).name()
                    + "') must be known when the loss is built; declare the variable as [batch, dim].");
        }
        return shape[1];
    }

    /** Shapes of all inputs, for validation. */
    public InputShapes shapes() {
        return new InputShapes(columnShapes, labelShape, labelsIntegral);
    }

    /** Builder of {@link LossInputs}. */
    public static final class Builder {
        private final SameDiff sd;
        private List<SDVariable> columns = new ArrayList<>();
        private SDVariable labels;
        private long[] labelShape;
        private Boolean labelsIntegral;
        private List<SDVariable> guideEmbeddings;
        private List<List<SDVariable>> layerEmbeddings;
        private StepInputs stepInputs;
        private List<long[]> columnShapes;

        private Builder(SameDiff sd) {
            this.sd = sd;
        }

        /** The embedding columns; their shapes are taken from SameDiff where it knows them. */
        public Builder columns(List<SDVariable> columns) {
            this.columns = new ArrayList<>(columns);
            this.columnShapes = null;
            return this;
        }

        /** The embedding columns with their shapes ([-1, dim] for a dynamic batch), for op outputs. */
        public Builder columns(List<SDVariable> columns, List<long[]> shapes) {
            if (shapes.size() != columns.size()) {
                throw new IllegalArgumentException("one shape per column expected");
            }
            this.columns = new ArrayList<>(columns);
            this.columnShapes = new ArrayList<>(shapes);
            return this;
        }

        public Builder columns(SDVariable... columns) {
            return columns(List.of(columns));
        }

        public Builder labels(SDVariable labels) {
            this.labels = labels;
            this.labelShape = null;
            return this;
        }

        /** Labels with an explicit shape (-1 for the batch), for placeholders whose shape SameDiff does not know. */
        public Builder labels(SDVariable labels, long[] shape) {
            this.labels = labels;
            this.labelShape = shape == null ? null : shape.clone();
            return this;
        }

        /** Declares whether all label values are integers (checked for class labels). */
        public Builder labelsIntegral(Boolean integral) {
            this.labelsIntegral = integral;
            return this;
        }

        public Builder guideEmbeddings(List<SDVariable> guide) {
            this.guideEmbeddings = guide;
            return this;
        }

        public Builder layerEmbeddings(List<List<SDVariable>> layers) {
            this.layerEmbeddings = layers;
            return this;
        }

        public Builder stepInputs(StepInputs stepInputs) {
            this.stepInputs = stepInputs;
            return this;
        }

        public LossInputs build() {
            if (columns.isEmpty()) {
                throw new LossInputException("A loss needs at least one embedding column, but none were given.");
            }
            return new LossInputs(this);
        }
    }
}
