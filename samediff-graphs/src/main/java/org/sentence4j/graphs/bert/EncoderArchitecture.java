package org.sentence4j.graphs.bert;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The post-LayerNorm encoders of the BERT family that share one computation here (self-attention, GELU
 * feed-forward, each followed by residual and LayerNorm) and differ only in a few details of their embeddings
 * and attention and in the names of their tensors.
 *
 * <p>Why one enum rather than one class per model: the differences are data (which position ids, whether token
 * types exist, whether attention adds a relative-position bias, how tensors are named), so the eager kernels,
 * the optimizer, GradCache and the per-layer losses stay one code path. A model whose layer is built differently
 * (pre-LayerNorm, rotary positions, gated feed-forward) is a different block, not a value here.
 *
 * <p>Inside sentence4j every encoder's parameters carry BERT's Hugging Face names ({@link BertTensorNames});
 * {@link #toCheckpointName} and {@link #fromCheckpointName} translate at load and save, so a folder is written
 * back under the names its architecture uses.
 */
public enum EncoderArchitecture {

    /** {@code BertModel}: absolute positions 0..T-1, token-type embeddings. */
    BERT("bert", "BertModel", "bert.", true, false, false),
    /** {@code RobertaModel}: positions offset past the padding id, one token-type row that is always added. */
    ROBERTA("roberta", "RobertaModel", "roberta.", true, true, false),
    /** {@code XLMRobertaModel}: computed exactly as RoBERTa (its own vocabulary and tokenizer). */
    XLM_ROBERTA("xlm-roberta", "XLMRobertaModel", "roberta.", true, true, false),
    /** {@code DistilBertModel}: absolute positions, no token types, LayerNorm eps fixed at 1e-12, own names. */
    DISTILBERT("distilbert", "DistilBertModel", "distilbert.", false, false, false),
    /**
     * {@code MPNetModel}: positions offset past padding id 1 (fixed in transformers), no token types, and a
     * relative-position bias shared by every layer's attention scores.
     */
    MPNET("mpnet", "MPNetModel", "mpnet.", false, true, true),
    /**
     * {@code ModernBertModel}: a different block (pre-LayerNorm, rotary positions with a theta per layer type,
     * alternating global and sliding-window attention, gated GELU feed-forward, no biases, a final LayerNorm);
     * its tensors keep their own names inside sentence4j, except the word embeddings.
     */
    MODERNBERT("modernbert", "ModernBertModel", "model.", false, false, false);

    /** MPNet's bucketing of relative distances; transformers fixes both, whatever the config says. */
    public static final int MPNET_NUM_BUCKETS = 32;
    public static final int MPNET_MAX_DISTANCE = 128;
    /** The relative-position table's Hugging Face (and internal) name. */
    public static final String RELATIVE_ATTENTION_BIAS = "encoder.relative_attention_bias.weight";

    private final String modelType;
    private final String modelClass;
    private final String checkpointPrefix;
    private final boolean tokenTypes;
    private final boolean paddingOffsetPositions;
    private final boolean relativeAttentionBias;

    EncoderArchitecture(String modelType, String modelClass, String checkpointPrefix, boolean tokenTypes,
                        boolean paddingOffsetPositions, boolean relativeAttentionBias) {
        this.modelType = modelType;
        this.modelClass = modelClass;
        this.checkpointPrefix = checkpointPrefix;
        this.tokenTypes = tokenTypes;
        this.paddingOffsetPositions = paddingOffsetPositions;
        this.relativeAttentionBias = relativeAttentionBias;
    }

    /** The {@code model_type} of a Hugging Face {@code config.json}. */
    public String modelType() {
        return modelType;
    }

    /** The transformers class of the bare encoder ({@code architectures} in config.json). */
    public String modelClass() {
        return modelClass;
    }

    /** The prefix of the encoder's tensors inside task checkpoints (e.g. {@code roberta.} in a classifier). */
    public String checkpointPrefix() {
        return checkpointPrefix;
    }

    /** Whether the embeddings add a token-type row (BERT, RoBERTa, XLM-R) or have no such table. */
    public boolean tokenTypes() {
        return tokenTypes;
    }

    /**
     * Whether position ids count real tokens from {@code pad + 1} (padding and literal pad tokens get {@code pad})
     * rather than running 0..T-1.
     */
    public boolean paddingOffsetPositions() {
        return paddingOffsetPositions;
    }

    /** Whether attention scores get MPNet's bucketed relative-position bias. */
    public boolean relativeAttentionBias() {
        return relativeAttentionBias;
    }

    /** The architecture of a {@code model_type}, if it is one of these. */
    public static Optional<EncoderArchitecture> ofModelType(String modelType) {
        return Arrays.stream(values()).filter(a -> a.modelType.equals(modelType)).findFirst();
    }

    /** The supported {@code model_type} values, for error messages. */
    public static List<String> modelTypes() {
        return Arrays.stream(values()).map(EncoderArchitecture::modelType).toList();
    }

    /**
     * Whether the bare transformers class ({@link #modelClass}) is built with a pooler ({@code pooler.dense}, a
     * Linear of {@code [hidden, hidden]} on the first token) by default: BERT, RoBERTa, XLM-R and MPNet are,
     * DistilBERT and ModernBERT have none. sentence-transformers never uses it, but {@code AutoModel.from_pretrained}
     * reports a folder without it as MISSING weights, so a saved folder must carry it (see
     * {@code io.PoolerTensors}).
     */
    public boolean hasPooler() {
        return switch (this) {
            case BERT, ROBERTA, XLM_ROBERTA, MPNET -> true;
            case DISTILBERT, MODERNBERT -> false;
        };
    }

    /** Whether this is the pre-LayerNorm rotary block (ModernBERT) rather than the post-LayerNorm BERT block. */
    public boolean modernBlock() {
        return this == MODERNBERT;
    }

    /** The name a checkpoint of this architecture gives the parameter sentence4j calls {@code internal}. */
    public String toCheckpointName(String internal) {
        return switch (this) {
            case BERT, ROBERTA, XLM_ROBERTA -> internal;
            case MODERNBERT -> internal.equals(BertTensorNames.WORD_EMBEDDINGS) ? MODERNBERT_WORD_EMBEDDINGS : internal;
            case DISTILBERT -> distilBertName(internal);
            case MPNET -> mpnetName(internal);
        };
    }

    /** The internal (BERT) name of a checkpoint tensor of this architecture, or the name itself if it has none. */
    public String fromCheckpointName(String checkpoint) {
        return switch (this) {
            case BERT, ROBERTA, XLM_ROBERTA -> checkpoint;
            case MODERNBERT -> checkpoint.equals(MODERNBERT_WORD_EMBEDDINGS) ? BertTensorNames.WORD_EMBEDDINGS : checkpoint;
            case DISTILBERT -> reverse(checkpoint, DISTIL);
            case MPNET -> reverse(checkpoint, MPNET_NAMES);
        };
    }

    /** ModernBERT's name of the word-embedding table. */
    static final String MODERNBERT_WORD_EMBEDDINGS = "embeddings.tok_embeddings.weight";

    /** Layer-relative suffix pairs: BERT's name, the architecture's name. */
    private static final String[][] DISTIL = {
            {"attention.self.query.", "attention.q_lin."},
            {"attention.self.key.", "attention.k_lin."},
            {"attention.self.value.", "attention.v_lin."},
            {"attention.output.dense.", "attention.out_lin."},
            {"attention.output.LayerNorm.", "sa_layer_norm."},
            {"intermediate.dense.", "ffn.lin1."},
            {"output.dense.", "ffn.lin2."},
            {"output.LayerNorm.", "output_layer_norm."}};

    private static final String[][] MPNET_NAMES = {
            {"attention.self.query.", "attention.attn.q."},
            {"attention.self.key.", "attention.attn.k."},
            {"attention.self.value.", "attention.attn.v."},
            {"attention.output.dense.", "attention.attn.o."},
            {"attention.output.LayerNorm.", "attention.LayerNorm."},
            {"intermediate.dense.", "intermediate.dense."},
            {"output.dense.", "output.dense."},
            {"output.LayerNorm.", "output.LayerNorm."}};

    private static String distilBertName(String internal) {
        String layerPrefix = "encoder.layer.";
        if (!internal.startsWith(layerPrefix)) {
            return internal; // the embeddings are named as BERT's
        }
        return "transformer.layer." + renameSuffix(internal.substring(layerPrefix.length()), DISTIL, false);
    }

    private static String mpnetName(String internal) {
        String layerPrefix = "encoder.layer.";
        if (!internal.startsWith(layerPrefix)) {
            return internal;
        }
        return layerPrefix + renameSuffix(internal.substring(layerPrefix.length()), MPNET_NAMES, false);
    }

    /** {@code "<l>.<suffix>"} with its suffix renamed (BERT → architecture, or back when {@code back}). */
    private static String renameSuffix(String layerAndSuffix, String[][] pairs, boolean back) {
        int dot = layerAndSuffix.indexOf('.');
        String layer = layerAndSuffix.substring(0, dot + 1);
        String suffix = layerAndSuffix.substring(dot + 1);
        for (String[] p : pairs) {
            String from = back ? p[1] : p[0];
            String to = back ? p[0] : p[1];
            if (suffix.startsWith(from)) {
                return layer + to + suffix.substring(from.length());
            }
        }
        return layerAndSuffix;
    }

    private String reverse(String checkpoint, String[][] pairs) {
        String layerPrefix = this == DISTILBERT ? "transformer.layer." : "encoder.layer.";
        if (!checkpoint.startsWith(layerPrefix)) {
            return checkpoint;
        }
        return "encoder.layer." + renameSuffix(checkpoint.substring(layerPrefix.length()), pairs, true);
    }
}
