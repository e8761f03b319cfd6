package org.sentence4j.losses.runner;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sentence4j.losses.InputShapes;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.SentenceLoss;

/**
 * Checks a real batch before it reaches a loss: shapes against the loss's rules (column count, label rank,
 * equal batch sizes, empty batch), integer class labels, and no NaN or infinity anywhere.
 */
public final class BatchValidator {

    private BatchValidator() {
    }

    /** The shapes of a batch of arrays, with the integrality of the labels. */
    public static InputShapes shapesOf(List<INDArray> columns, INDArray labels) {
        List<long[]> shapes = new ArrayList<>();
        for (INDArray c : columns) {
            shapes.add(c.shape());
        }
        Boolean integral = null;
        if (labels != null) {
            INDArray asDouble = labels.castTo(DataType.DOUBLE);
            integral = labels.length() == 0 || asDouble.sub(Transforms.round(asDouble, true)).amaxNumber().doubleValue() == 0.0;
        }
        return new InputShapes(shapes, labels == null ? null : labels.shape(), integral);
    }

    /** Throws {@link LossInputException} naming the loss and the problem if the batch is unusable. */
    public static void validate(SentenceLoss loss, LossBatch batch) {
        if (batch.columns().isEmpty()) {
            throw new LossInputException(loss.name() + ": the batch has no embedding columns.");
        }
        for (int c = 0; c < batch.columns().size(); c++) {
            INDArray col = batch.columns().get(c);
            if (col == null) {
                throw new LossInputException(loss.name() + ": embedding column " + c + " is missing (null).");
            }
        }
        loss.validate(shapesOf(batch.columns(), batch.labels()));
        loss.validateValues(batch.columns(), batch.labels());
        checkFinite(loss.name(), "embedding column", batch.columns());
        if (batch.labels() != null) {
            checkFinite(loss.name(), "labels", List.of(batch.labels()));
        }
        if (batch.guideEmbeddings() != null) {
            checkFinite(loss.name(), "guide embedding column", batch.guideEmbeddings());
        }
        if (batch.priorLayerEmbeddings() != null) {
            for (List<INDArray> layer : batch.priorLayerEmbeddings()) {
                checkFinite(loss.name(), "layer embedding column", layer);
            }
        }
    }

    private static void checkFinite(String loss, String what, List<INDArray> arrays) {
        for (int i = 0; i < arrays.size(); i++) {
            INDArray a = arrays.get(i);
            if (a.length() > 0 && (a.isNaN().any() || a.isInfinite().any())) {
                throw new LossInputException(loss + ": " + what + (arrays.size() > 1 ? " " + i : "")
                        + " contains NaN or infinite values.");
            }
        }
    }
}
