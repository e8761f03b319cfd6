/**
 * Training checkpoints: {@link org.sentence4j.trainer.checkpoint.CheckpointManager} writes
 * {@code checkpoint-<step>} folders atomically (hidden temporary folder, fsync, one rename, a checksummed
 * {@code COMPLETE} marker last), keeps the last K and finds the newest intact one;
 * {@link org.sentence4j.trainer.checkpoint.Checkpoint} is what a resumed run reads back (model, optimizer state,
 * loss parameters, {@link org.sentence4j.trainer.TrainerState});
 * {@link org.sentence4j.trainer.checkpoint.TrainerStateJson} is the NaN-safe JSON form of the trainer state and its log.
 */
package org.sentence4j.trainer.checkpoint;
