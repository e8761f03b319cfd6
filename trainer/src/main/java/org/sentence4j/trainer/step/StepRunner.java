package org.sentence4j.trainer.step;

import java.util.Random;

/**
 * Where the forward and backward pass of a training batch runs. The trainer hands every micro-batch to its
 * runner and applies the returned gradients itself (accumulation, clipping, AdamW, checkpoints), so a runner
 * decides only <em>where</em> the pass runs, never what the step is: {@link #LOCAL} runs it in this process,
 * the {@code spark} module's runner across the tasks of a Spark cluster. A runner must return the step that
 * {@link DatasetStep#run(int[], int, long, Random)} would return for the same arguments (up to the summation
 * order of floating-point sums).
 */
public interface StepRunner {

    /** The pass in this process: {@link DatasetStep#run(int[], int, long, Random)}. */
    StepRunner LOCAL = DatasetStep::run;

    /**
     * Forward and backward on the given rows of the step's dataset.
     *
     * @param step        the dataset's training computation (model, loss, tokenizer, guide)
     * @param rows        row indices of the batch, in batch order
     * @param epoch       the training epoch (decides TSDAE's noise)
     * @param dropoutSeed seed of the step's dropout masks
     * @param rng         draws the loss's per-step inputs
     */
    StepResult run(DatasetStep step, int[] rows, int epoch, long dropoutSeed, Random rng);

    /**
     * Called when the trainable parameters have changed in place (after each optimizer step and after a
     * checkpoint was restored), before the next {@link #run}: a runner that copies the parameters elsewhere
     * copies them again. {@code version} grows with every change.
     */
    default void parametersChanged(long version) {
    }
}
