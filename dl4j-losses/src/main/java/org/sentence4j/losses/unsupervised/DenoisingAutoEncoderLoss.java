package org.sentence4j.losses.unsupervised;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.DecoderLoss;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;

/**
 * TSDAE (sentence-transformers {@code DenoisingAutoEncoderLoss}): unsupervised training by reconstructing a
 * sentence from the sentence embedding of a damaged copy of it.
 *
 * <p>Columns {@code (damaged_sentence, original_sentence)}, as {@code DenoisingAutoEncoderDataset} produces them
 * (the trainer does so by itself, per epoch, for a one-column dataset); labels are ignored. The encoder embeds
 * the damaged sentence; a BERT decoder with causal self-attention and a cross-attention block per layer reads
 * the original sentence's ids {@code [:, :-1]} with that embedding as its only memory slot and predicts ids
 * {@code [:, 1:]}; the loss is the token cross-entropy averaged over the label positions that are not
 * {@code [PAD]}. With {@code tie_encoder_decoder} (default) the decoder is built from the model itself and
 * shares its BERT weights (embeddings, self-attention, feed-forward, LayerNorms), so only the cross-attention
 * blocks and the LM head's transform and bias are new; untied, the decoder is loaded from
 * {@code decoder_name_or_path} (a BERT folder with the same hidden size and vocabulary).
 *
 * <p>A model-level loss ({@link DecoderLoss}): it has no embedding-level form, the trainer runs the decoder.
 *
 * <p>Paper: Wang, Reimers and Gurevych, "TSDAE: Using Transformer-based Sequential Denoising Auto-Encoder for
 * Unsupervised Sentence Embedding Learning", Findings of EMNLP 2021.
 */
public final class DenoisingAutoEncoderLoss extends AbstractSentenceLoss implements DecoderLoss {

    private static final InputFormat FORMAT = InputFormat.unlabeled(2, 2, "(damaged_sentence, original_sentence)");

    private final String decoderNameOrPath;
    private final boolean tie;

    /**
     * @param decoderNameOrPath the decoder's BERT folder (required when untied; ignored when tied, as upstream
     *                          which then loads the encoder's own checkpoint)
     * @param tieEncoderDecoder share the encoder's BERT weights with the decoder
     */
    public DenoisingAutoEncoderLoss(String decoderNameOrPath, boolean tieEncoderDecoder) {
        if (!tieEncoderDecoder && (decoderNameOrPath == null || decoderNameOrPath.isBlank())) {
            throw new LossInputException("DenoisingAutoEncoderLoss: tie_encoder_decoder=false needs decoder_name_or_path"
                    + " (a BERT model folder for the decoder).");
        }
        this.decoderNameOrPath = tieEncoderDecoder ? null : decoderNameOrPath;
        this.tie = tieEncoderDecoder;
    }

    public static DenoisingAutoEncoderLoss defaults() {
        return new DenoisingAutoEncoderLoss(null, true);
    }

    /** Options {@code decoder_name_or_path} (null) and {@code tie_encoder_decoder} (true). */
    public static DenoisingAutoEncoderLoss fromConfig(ConfigReader options) {
        String path = options.getString("decoder_name_or_path", null);
        boolean tie = options.getBoolean("tie_encoder_decoder", true);
        return new DenoisingAutoEncoderLoss(path, tie);
    }

    @Override
    public String name() {
        return "DenoisingAutoEncoderLoss";
    }

    @Override
    public InputFormat inputFormat() {
        return FORMAT;
    }

    /** No embedding-level form: the loss needs the decoder's logits, which only the trainer's decoder path computes. */
    @Override
    protected LossOutput compute(LossInputs inputs) {
        throw new LossInputException(name() + " is a model-level loss (a decoder reconstructs the text from the sentence"
                + " embedding): train it with the trainer, which runs the decoder; it cannot be evaluated on embeddings.");
    }

    @Override
    public boolean tieEncoderDecoder() {
        return tie;
    }

    @Override
    public String decoderNameOrPath() {
        return decoderNameOrPath;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("decoder_name_or_path", decoderNameOrPath);
        c.put("tie_encoder_decoder", tie);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.WANG_2021_TSDAE);
    }
}
