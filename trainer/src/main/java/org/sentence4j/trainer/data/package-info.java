/**
 * Training data: datasets and batch samplers.
 *
 * <p>A {@link org.sentence4j.trainer.data.Dataset} is a table of named text columns plus an optional label
 * column ({@code label} or {@code score}), loaded with {@link org.sentence4j.trainer.data.Datasets} from JSON
 * Lines, CSV/TSV (delimiter, header and quoting options, so files load unmodified) or line-aligned files, or
 * built in code. Its {@link org.sentence4j.trainer.data.Dataset#format() format} is checked against a loss
 * with the loss library's {@code LossTable}. Every data error is a
 * {@link org.sentence4j.trainer.data.DatasetException} naming file and line.
 *
 * <p>Batch samplers ({@link org.sentence4j.trainer.data.BatchSamplers}: DEFAULT, NO_DUPLICATES,
 * GROUP_BY_LABEL) and the {@link org.sentence4j.trainer.data.MultiDatasetBatchSampler} (PROPORTIONAL,
 * ROUND_ROBIN) compute an epoch's batches as a pure function of (seed, epoch);
 * {@link org.sentence4j.trainer.data.SamplerCursor} walks them and gives the
 * {@link org.sentence4j.trainer.data.SamplerState} a checkpoint stores to resume mid-epoch exactly.
 */
package org.sentence4j.trainer.data;
