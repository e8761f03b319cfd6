/**
 * TSDAE's training data: sentence-transformers 6.0.1's deletion noise and the NLTK 3.10.3 tokenizer and
 * detokenizer it uses, ported rule for rule so that the damaged sentences are the ones the Python library
 * would make from the same deletions.
 *
 * <p>{@link org.sentence4j.trainer.data.tsdae.TreebankWordTokenizer} (NLTK's {@code word_tokenize} on one
 * sentence) and {@link org.sentence4j.trainer.data.tsdae.TreebankWordDetokenizer} reproduce NLTK exactly;
 * {@link org.sentence4j.trainer.data.tsdae.DenoisingNoise} deletes words (default ratio 0.6, at least one
 * kept) with a caller's seeded generator; {@link org.sentence4j.trainer.data.tsdae.DenoisingAutoEncoderDataset}
 * turns a dataset of sentences into (damaged, original) pairs, fresh and reproducible for every epoch.
 */
package org.sentence4j.trainer.data.tsdae;
