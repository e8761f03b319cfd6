package org.sentence4j.graphs.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tokenizes sentences the way sentence-transformers' {@code Transformer.tokenize} does, with the Hugging Face
 * tokenizers library (Rust, through DJL; its native library ships inside the jar, so this works offline).
 *
 * <ul>
 *   <li>The tokenizer.json's own truncation and padding settings are overridden: truncation at
 *       {@code maxSeqLength} tokens <em>including</em> {@code [CLS]} and {@code [SEP]}, no fixed padding (the
 *       langchain4j copy of all-MiniLM-L6-v2's tokenizer.json pads and truncates to 128 by itself).</li>
 *   <li>Each batch is padded to its longest sequence (attention mask 0 on padding).</li>
 *   <li>{@code doLowerCase} lowercases the text before tokenizing (sentence-transformers' {@code do_lower_case},
 *       independent of the tokenizer's own normalizer; locale-independent).</li>
 * </ul>
 * Holds a native handle: close it when done, after the last call has returned.
 *
 * <p>Threads: {@link #tokenize}, {@link #encode} and {@link #tokens} may be called from many threads at once.
 * The Rust tokenizer behind DJL's {@code HuggingFaceTokenizer} encodes through a shared (read-only) reference,
 * and DJL changes its settings (truncation, padding) only while creating it; nothing here is mutable.
 */
public final class SentenceTokenizer implements AutoCloseable {

    static {
        // DJL otherwise probes the EC2 metadata address on first use ("telemetry"); never wanted here
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxSeqLength;
    private final boolean doLowerCase;
    private final long padId;
    private final com.fasterxml.jackson.databind.JsonNode vocabulary;

    private SentenceTokenizer(HuggingFaceTokenizer tokenizer, int maxSeqLength, boolean doLowerCase, long padId,
                              com.fasterxml.jackson.databind.JsonNode vocabulary) {
        this.tokenizer = tokenizer;
        this.maxSeqLength = maxSeqLength;
        this.doLowerCase = doLowerCase;
        this.padId = padId;
        this.vocabulary = vocabulary;
    }

    /** From a tokenizer.json file. */
    public static SentenceTokenizer fromFile(Path tokenizerJson, int maxSeqLength, boolean doLowerCase)
            throws IOException {
        return fromBytes(Files.readAllBytes(tokenizerJson), tokenizerJson.toString(), maxSeqLength, doLowerCase);
    }

    /** From a classpath resource (e.g. {@code all-minilm-l6-v2-tokenizer.json} of the langchain4j jar). */
    public static SentenceTokenizer fromResource(String resource, int maxSeqLength, boolean doLowerCase)
            throws IOException {
        return fromBytes(readResource(resource), "classpath:" + resource, maxSeqLength, doLowerCase);
    }

    /**
     * From the bytes of a tokenizer.json.
     *
     * @param source named in error messages
     */
    public static SentenceTokenizer fromBytes(byte[] tokenizerJson, String source, int maxSeqLength,
                                              boolean doLowerCase) throws IOException {
        return fromBytes(tokenizerJson, source, maxSeqLength, doLowerCase, null);
    }

    /**
     * From the bytes of a tokenizer.json, padding with the given token (tokenizer_config.json's {@code pad_token});
     * null to take the file's own padding id, {@code [PAD]} or {@code <pad>}.
     *
     * @param source named in error messages
     */
    public static SentenceTokenizer fromBytes(byte[] tokenizerJson, String source, int maxSeqLength,
                                              boolean doLowerCase, String padToken) throws IOException {
        if (maxSeqLength < 2) {
            throw new IllegalArgumentException("maxSeqLength must leave room for [CLS] and [SEP]: " + maxSeqLength);
        }
        TokenizerJson json = TokenizerJson.parse(tokenizerJson, source);
        // the file's truncation/padding are replaced by ours; DJL caps maxLength at modelMaxLength (default 512)
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "padding", "false",
                "maxLength", Integer.toString(maxSeqLength),
                "modelMaxLength", Integer.toString(maxSeqLength),
                "stride", "0");
        HuggingFaceTokenizer hf;
        try (InputStream in = new ByteArrayInputStream(json.withoutTruncationAndPadding())) {
            hf = HuggingFaceTokenizer.newInstance(in, options);
        } catch (RuntimeException e) {
            throw new IOException(source + " could not be loaded by the tokenizers library: " + e.getMessage(), e);
        }
        long padId = json.padId();
        if (padToken != null) {
            padId = json.tokenId(padToken).orElseThrow(() -> new IOException(source + ": the padding token '" + padToken
                    + "' of tokenizer_config.json is not in the vocabulary"));
        }
        return new SentenceTokenizer(hf, maxSeqLength, doLowerCase, padId, json.vocabulary());
    }

    static byte[] readResource(String resource) throws IOException {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = SentenceTokenizer.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("classpath resource '" + name + "' not found");
            }
            return in.readAllBytes();
        }
    }

    public int maxSeqLength() {
        return maxSeqLength;
    }

    public boolean doLowerCase() {
        return doLowerCase;
    }

    /** The id written at padding positions. */
    public long padId() {
        return padId;
    }

    /** The ids of one text: {@code [CLS] ... [SEP]}, truncated to {@code maxSeqLength}, no padding. */
    public long[] encode(String text) {
        return tokenizer.encode(prepare(text)).getIds();
    }

    /** The word-piece tokens of one text (with the special tokens), for inspection. */
    public String[] tokens(String text) {
        return tokenizer.encode(prepare(text)).getTokens();
    }

    /** Tokenizes a batch, padded to its longest sequence: ids, attention mask and token types as INT64 [batch, seq]. */
    public TokenBatch tokenize(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("cannot tokenize an empty batch");
        }
        String[] prepared = new String[texts.size()];
        for (int i = 0; i < prepared.length; i++) {
            prepared[i] = prepare(texts.get(i));
        }
        Encoding[] enc = tokenizer.batchEncode(prepared);
        int rows = enc.length;
        int seq = 0;
        for (Encoding e : enc) {
            seq = Math.max(seq, e.getIds().length);
        }
        long[] ids = new long[rows * seq];
        long[] mask = new long[rows * seq];
        long[] types = new long[rows * seq];
        for (int r = 0; r < rows; r++) {
            long[] id = enc[r].getIds();
            long[] m = enc[r].getAttentionMask();
            long[] t = enc[r].getTypeIds();
            int base = r * seq;
            for (int j = 0; j < seq; j++) {
                if (j < id.length) {
                    ids[base + j] = id[j];
                    mask[base + j] = m[j];
                    types[base + j] = t[j];
                } else {
                    ids[base + j] = padId;
                }
            }
        }
        long[] shape = {rows, seq};
        INDArray idArr = Nd4j.create(ids, shape, DataType.LONG);
        INDArray maskArr = Nd4j.create(mask, shape, DataType.LONG);
        INDArray typeArr = Nd4j.create(types, shape, DataType.LONG);
        return new TokenBatch(idArr, maskArr, typeArr);
    }

    /**
     * Whether the other tokenizer has the same vocabulary (the same token ids for the same pieces and added
     * tokens): then one model's ids can be fed to the other, as sentence-transformers' GIST losses do with the
     * guide model.
     */
    public boolean sameVocabulary(SentenceTokenizer other) {
        return vocabulary.equals(other.vocabulary);
    }

    /**
     * The texts of a batch's rows rebuilt from their ids (padding and special tokens left out), as
     * Hugging Face's {@code batch_decode(..., skip_special_tokens=True)}: for re-tokenizing a batch with
     * another model's tokenizer. A truncated row decodes to its truncated text.
     */
    public List<String> decode(TokenBatch batch) {
        long[][] ids = batch.inputIds().toLongMatrix();
        long[][] mask = batch.attentionMask().castTo(DataType.LONG).toLongMatrix();
        List<String> out = new java.util.ArrayList<>(ids.length);
        for (int r = 0; r < ids.length; r++) {
            int n = 0;
            for (long m : mask[r]) {
                n += m != 0 ? 1 : 0;
            }
            long[] real = new long[n];
            for (int t = 0, k = 0; t < ids[r].length; t++) {
                if (mask[r][t] != 0) {
                    real[k++] = ids[r][t];
                }
            }
            out.add(tokenizer.decode(real, true));
        }
        return out;
    }

    private String prepare(String text) {
        if (text == null) {
            throw new IllegalArgumentException("cannot tokenize a null text");
        }
        return doLowerCase ? text.toLowerCase(Locale.ROOT) : text;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
