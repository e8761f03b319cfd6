package org.sentence4j.losses;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training loss for sentence embeddings, written as a SameDiff graph fragment.
 *
 * <p>This is the contract every built-in loss follows and every custom loss implements. Given the graph
 * and one embedding variable per input column (batch × dim, in the data format's column order), plus an
 * optional labels variable, {@link #build} adds the loss's ops to the graph and returns a
 * {@link LossOutput}: a single scalar or named components whose sum is the loss the trainer
 * back-propagates (each component is logged on its own).
 *
 * <p>Names follow sentence-transformers: {@link #name()} is the Python class name, {@link #config()} the
 * {@code get_config_dict()} keyed by the original snake_case names, {@link #citation()} the BibTeX a model
 * card cites. Hyperparameters are set through each loss's builder, with the same defaults as upstream.
 */
public interface SentenceLoss {

    /** The sentence-transformers class name, e.g. {@code MultipleNegativesRankingLoss}. */
    String name();

    /**
     * What this loss accepts: how many embedding columns, whether labels are required, and their rank.
     * {@link #build} checks the inputs against it before adding any op.
     */
    InputFormat inputFormat();

    /**
     * Checks inputs whose shapes are known (statically when the graph is built, or the real arrays of a
     * batch) and throws {@link LossInputException} naming the problem. The default checks
     * {@link #inputFormat()}; losses with further rules (label shape tied to the column count, widths)
     * extend it.
     */
    default void validate(InputShapes shapes) {
        inputFormat().check(name(), shapes);
    }

    /**
     * Checks the values of a real batch that shapes cannot reveal (e.g. class ids within range) and throws
     * {@link LossInputException} naming the problem. Called for every batch before it is fed; the default
     * accepts everything.
     */
    default void validateValues(List<INDArray> columns, INDArray labels) {
    }

    /**
     * Whether this loss needs every hidden state's embeddings ({@link LossInputs#layerEmbeddings()}), as the
     * layer-wise modifiers do; the trainer then wires the encoder's per-layer outputs in.
     */
    default boolean usesLayerEmbeddings() {
        return false;
    }

    /**
     * Whether this loss needs a frozen guide model's embeddings ({@link LossInputs#guideEmbeddings()}), as
     * the GIST losses do; the trainer then embeds every column with the guide, without gradient.
     */
    default boolean usesGuideEmbeddings() {
        return false;
    }

    /** Adds this loss to {@code inputs.sd()} and returns the scalar (or named components). */
    LossOutput build(LossInputs inputs);

    /** Hyperparameters under sentence-transformers' snake_case names, in constructor order. */
    Map<String, Object> config();

    /** The BibTeX entry of the paper behind this loss, if upstream cites one. */
    Optional<String> citation();
}
