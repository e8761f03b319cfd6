/**
 * Hard negative mining, sentence-transformers' {@code util.mine_hard_negatives}:
 * {@link org.sentence4j.trainer.data.mining.HardNegativeMiner} turns (anchor, positive) pairs into triplets,
 * n-tuples, labeled pairs or labeled lists whose negatives are texts the model scores close to the anchor.
 * One class per step (index the pairs, search, filter, sample, write), a record for the checked options and one
 * for the run's statistics.
 */
package org.sentence4j.trainer.data.mining;
