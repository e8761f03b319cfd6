package org.sentence4j.graphs.bert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face names and PyTorch shapes of a bare {@code BertModel}'s parameters (without the pooler,
 * which sentence-transformers never uses); the other architectures of the family use the same names inside
 * sentence4j ({@link EncoderArchitecture#toCheckpointName} gives their own), without the token-type table where
 * they have none and with MPNet's relative-position table. The encoder graph names its variables with these, so weights
 * read from a {@code model.safetensors} go in, and come back out, under the same names.
 *
 * <p>The pooler's names are here too ({@link #poolerShapes}), apart from {@link #shapes}: it is carried from the
 * checkpoint to the saved folder (transformers expects it), never built into the graph nor trained.
 */
public final class BertTensorNames {

    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    public static final String EMBEDDINGS_LAYER_NORM_WEIGHT = "embeddings.LayerNorm.weight";
    public static final String EMBEDDINGS_LAYER_NORM_BIAS = "embeddings.LayerNorm.bias";
    /** The pooler's Linear (same name in BERT, RoBERTa, XLM-R and MPNet checkpoints). */
    public static final String POOLER_WEIGHT = "pooler.dense.weight";
    public static final String POOLER_BIAS = "pooler.dense.bias";

    private BertTensorNames() {
    }

    /** {@code encoder.layer.<layer>.<suffix>}, e.g. {@code layer(0, "attention.self.query.weight")}. */
    public static String layer(int layer, String suffix) {
        return "encoder.layer." + layer + "." + suffix;
    }

    public static String query(int l, String kind) {
        return layer(l, "attention.self.query." + kind);
    }

    public static String key(int l, String kind) {
        return layer(l, "attention.self.key." + kind);
    }

    public static String value(int l, String kind) {
        return layer(l, "attention.self.value." + kind);
    }

    public static String attentionOutput(int l, String kind) {
        return layer(l, "attention.output.dense." + kind);
    }

    public static String attentionLayerNorm(int l, String kind) {
        return layer(l, "attention.output.LayerNorm." + kind);
    }

    public static String intermediate(int l, String kind) {
        return layer(l, "intermediate.dense." + kind);
    }

    public static String output(int l, String kind) {
        return layer(l, "output.dense." + kind);
    }

    public static String outputLayerNorm(int l, String kind) {
        return layer(l, "output.LayerNorm." + kind);
    }

    /**
     * Every parameter of the encoder with its PyTorch shape ({@code [out, in]} for Linear weights), in the
     * order of a {@code BertModel}'s state dict (no pooler: sentence-transformers never uses it). The one list of
     * tensor names: the importers, the savers and the graph all use it.
     */
    public static Map<String, long[]> shapes(BertConfig c) {
        long h = c.hiddenSize();
        long i = c.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        if (c.architecture().modernBlock()) {
            modernBertShapes(c, m);
            addDense(c, m);
            return m;
        }
        m.put(WORD_EMBEDDINGS, new long[] {c.vocabSize(), h});
        m.put(POSITION_EMBEDDINGS, new long[] {c.maxPositionEmbeddings(), h});
        if (c.architecture().tokenTypes()) {
            m.put(TOKEN_TYPE_EMBEDDINGS, new long[] {c.typeVocabSize(), h});
        }
        m.put(EMBEDDINGS_LAYER_NORM_WEIGHT, new long[] {h});
        m.put(EMBEDDINGS_LAYER_NORM_BIAS, new long[] {h});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            m.put(query(l, "weight"), new long[] {h, h});
            m.put(query(l, "bias"), new long[] {h});
            m.put(key(l, "weight"), new long[] {h, h});
            m.put(key(l, "bias"), new long[] {h});
            m.put(value(l, "weight"), new long[] {h, h});
            m.put(value(l, "bias"), new long[] {h});
            m.put(attentionOutput(l, "weight"), new long[] {h, h});
            m.put(attentionOutput(l, "bias"), new long[] {h});
            m.put(attentionLayerNorm(l, "weight"), new long[] {h});
            m.put(attentionLayerNorm(l, "bias"), new long[] {h});
            m.put(intermediate(l, "weight"), new long[] {i, h});
            m.put(intermediate(l, "bias"), new long[] {i});
            m.put(output(l, "weight"), new long[] {h, i});
            m.put(output(l, "bias"), new long[] {h});
            m.put(outputLayerNorm(l, "weight"), new long[] {h});
            m.put(outputLayerNorm(l, "bias"), new long[] {h});
        }
        if (c.architecture().relativeAttentionBias()) {
            m.put(EncoderArchitecture.RELATIVE_ATTENTION_BIAS, new long[] {c.relativeAttentionBuckets(), c.numAttentionHeads()});
        }
        addDense(c, m);
        return m;
    }

    private static void addDense(BertConfig c, Map<String, long[]> m) {
        for (org.sentence4j.graphs.pooling.DenseLayer d : c.dense()) {
            m.put(d.weightName(), new long[] {d.out(), d.in()});
            if (d.bias()) {
                m.put(d.biasName(), new long[] {d.out()});
            }
        }
    }

    // ModernBERT's tensors (no biases): its own names, except the word embeddings (WORD_EMBEDDINGS)
    public static final String MODERN_EMBEDDINGS_NORM = "embeddings.norm.weight";
    public static final String MODERN_FINAL_NORM = "final_norm.weight";

    public static String modern(int layer, String suffix) {
        return "layers." + layer + "." + suffix;
    }

    private static void modernBertShapes(BertConfig c, Map<String, long[]> m) {
        long h = c.hiddenSize();
        long f = c.intermediateSize();
        m.put(WORD_EMBEDDINGS, new long[] {c.vocabSize(), h});
        m.put(MODERN_EMBEDDINGS_NORM, new long[] {h});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            if (l > 0) {
                m.put(modern(l, "attn_norm.weight"), new long[] {h}); // layer 0 has none (identity)
            }
            m.put(modern(l, "attn.Wqkv.weight"), new long[] {3 * h, h});
            m.put(modern(l, "attn.Wo.weight"), new long[] {h, h});
            m.put(modern(l, "mlp_norm.weight"), new long[] {h});
            m.put(modern(l, "mlp.Wi.weight"), new long[] {2 * f, h});
            m.put(modern(l, "mlp.Wo.weight"), new long[] {h, f});
        }
        m.put(MODERN_FINAL_NORM, new long[] {h});
    }

    /**
     * The pooler's tensors with their PyTorch shapes (weight {@code [hidden, hidden]}, then bias {@code [hidden]}, as
     * a state dict has them) for an architecture whose transformers class has a pooler
     * ({@link EncoderArchitecture#hasPooler}); empty for the others. Not in {@link #shapes}: not a parameter here.
     */
    public static Map<String, long[]> poolerShapes(BertConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        if (c.architecture().hasPooler()) {
            m.put(POOLER_WEIGHT, new long[] {c.hiddenSize(), c.hiddenSize()});
            m.put(POOLER_BIAS, new long[] {c.hiddenSize()});
        }
        return m;
    }

    /** Whether a name is one of the pooler's (of any architecture: a source may hold one its class lacks). */
    public static boolean isPooler(String name) {
        return name.equals(POOLER_WEIGHT) || name.equals(POOLER_BIAS);
    }

    /** The parameter names of {@link #shapes}, in order. */
    public static List<String> names(BertConfig c) {
        return new ArrayList<>(shapes(c).keySet());
    }

    /** True for the gains and biases of LayerNorms (initialised to 1 and 0). */
    static boolean isLayerNorm(String name) {
        return name.contains("LayerNorm") || name.endsWith("norm.weight");
    }
}
