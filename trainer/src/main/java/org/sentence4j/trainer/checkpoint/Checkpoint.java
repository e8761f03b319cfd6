package org.sentence4j.trainer.checkpoint;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.io.SentenceTransformerModelFiles;
import org.sentence4j.trainer.TrainerState;

/**
 * A checkpoint read back by {@link CheckpointManager#load}: everything a resumed run needs.
 *
 * @param folder         the {@code checkpoint-<step>} folder (itself a sentence-transformers model folder)
 * @param step           the step in the folder name
 * @param model          the model with the weights at that step
 * @param optimizerState the optimizer state as saved (for {@code AdamW.load}: {@code m/*}, {@code v/*}, {@code step})
 * @param lossParameters trainable parameters of the loss (e.g. a SoftmaxLoss classifier); empty if none
 * @param trainerState   step, epoch, position in the epoch, seeds and the log
 */
public record Checkpoint(Path folder, long step, SentenceTransformerModelFiles model,
                         Map<String, INDArray> optimizerState, Map<String, INDArray> lossParameters,
                         TrainerState trainerState) {

    public Checkpoint {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(trainerState, "trainerState");
        optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
        lossParameters = Collections.unmodifiableMap(new LinkedHashMap<>(lossParameters));
    }
}
