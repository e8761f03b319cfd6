package org.sentence4j.losses;

/**
 * A model-level loss that reconstructs a text with a decoder reading the sentence embedding
 * (sentence-transformers' {@code DenoisingAutoEncoderLoss}, TSDAE): not a function of embeddings, so it has
 * no embedding-level fragment. This declaration tells the trainer to run the decoder path instead: column
 * {@link #encoderColumn} through the encoder (the sentence embedding, with dropout and gradient), column
 * {@link #targetColumn}'s token ids through the decoder with that embedding as its one cross-attention memory
 * slot, the token-level cross-entropy as the loss, then the encoder's backward pass with the gradient of the
 * sentence embedding.
 *
 * <p>The decoder's own parameters (with tying: the cross-attention blocks and the LM head's transform and bias;
 * untied: the whole decoder) are the loss's parameters, named {@link #DECODER_PREFIX} + their
 * {@code BertLMHeadModel} state-dict name: trained, checkpointed and restored with the loss, never saved with
 * the model.
 */
public interface DecoderLoss extends SentenceLoss {

    /** Name prefix of the decoder's parameters among the loss's parameters (upstream's attribute name). */
    String DECODER_PREFIX = "decoder.";

    /** Whether the decoder shares the encoder's BERT weights (the same arrays, so their gradients add). */
    boolean tieEncoderDecoder();

    /** The decoder's BERT folder when untied; {@code null} (and unused) when tied. */
    String decoderNameOrPath();

    /** The dataset column the encoder reads (the damaged sentence). */
    default int encoderColumn() {
        return 0;
    }

    /** The dataset column the decoder reconstructs (the original sentence). */
    default int targetColumn() {
        return 1;
    }

    /** Seed of the randomly initialised decoder parameters (a run is reproducible). */
    default long initSeed() {
        return 42L;
    }
}
