package org.sentence4j.graphs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.io.DefaultModel;
import org.sentence4j.graphs.io.SentenceTransformerFolder;
import org.sentence4j.graphs.io.SentenceTransformerModelFiles;
import org.sentence4j.graphs.progress.ProgressBar;
import org.sentence4j.graphs.text.SentenceTokenizer;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * A sentence-embedding model: tokenizer, BERT encoder, pooling and optional normalisation, loaded from a
 * sentence-transformers folder or the embedded default (all-MiniLM-L6-v2), and saved back in the same
 * layout. {@link #encode} is sentence-transformers' {@code model.encode}: texts are sorted by length so that
 * batches carry little padding, and the embeddings come back in input order.
 *
 * <p><b>Threads.</b> One instance may serve many threads: {@link #encode} and {@link #embed} can be called
 * concurrently, and each call returns the same embeddings, bit for bit, as the same call made alone. Calls
 * run side by side: each forward pass borrows buffers of its own from the encoder (at most
 * {@code -Dsentence4j.encoder.maxConcurrentPasses} passes at once, default the number of processors; further
 * calls wait for a free set), the tokenizer is the Rust Hugging Face tokenizer, whose encode only reads its
 * state, and a progress bar belongs to its call. Bit-identical means "once the JIT has compiled the vector
 * kernels": in the first few calls of a fresh JVM the vector API's interpreted form rounds some operations
 * differently in the last bit, alone or not. Through the SameDiff graph
 * ({@code -Dsentence4j.encoder.graph=true}) calls take turns on a lock. Not supported: encoding while the
 * same model trains (the optimizer changes the weights under a running pass), and {@link #close} while a
 * call is running.
 */
public final class SentenceEncoder implements SentenceEmbedder, AutoCloseable {

    static {
        // before ND4J's natives load: they read their settings from the environment once (see NativeSettings)
        org.sentence4j.graphs.runtime.NativeSettings.apply();
    }

    /** Inputs of more texts than this show a progress bar when asked for none explicitly. */
    private static final int PROGRESS_THRESHOLD = 1024;

    private final SentenceTransformerModelFiles files;
    private final BertEncoder encoder;
    private final SentenceTokenizer tokenizer;

    private SentenceEncoder(SentenceTransformerModelFiles files, BertEncoder encoder, SentenceTokenizer tokenizer) {
        this.files = files;
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        org.sentence4j.graphs.runtime.FastRouteHint.onFirstUse();
    }

    /** A model from its files, encoder weights in float32. */
    public static SentenceEncoder of(SentenceTransformerModelFiles files) {
        return of(files, DataType.FLOAT);
    }

    /** A model from its files, computing in {@code dataType}. */
    public static SentenceEncoder of(SentenceTransformerModelFiles files, DataType dataType) {
        Objects.requireNonNull(files, "files");
        BertEncoder encoder = BertEncoder.builder(files.config()).weights(files.weights()).pooling(files.pooling())
                .normalize(files.normalize()).dataType(dataType).build();
        try {
            return new SentenceEncoder(files, encoder, files.newTokenizer());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model's tokenizer.json: " + e.getMessage(), e);
        }
    }

    /** The embedded default model, all-MiniLM-L6-v2 (mean pooling, normalised, 256 tokens); no path needed. */
    public static SentenceEncoder defaultModel() throws IOException {
        return of(DefaultModel.allMiniLmL6V2());
    }

    /**
     * The second embedded model, BAAI's bge-small-en-v1.5 (BERT, 12 layers, CLS pooling, normalised, 384
     * dimensions, 512 tokens), from the jar's ONNX file: a real CLS-pooled model for GIST guides, distillation
     * teachers and AdaptiveLayer runs. Also {@code load("BAAI/bge-small-en-v1.5")} when the Hugging Face cache does
     * not hold it.
     */
    public static SentenceEncoder bgeSmallEnV15() throws IOException {
        return of(DefaultModel.bgeSmallEnV15());
    }

    /** A sentence-transformers model folder (config.json, model.safetensors, tokenizer.json, modules.json, ...). */
    public static SentenceEncoder load(Path folder) throws IOException {
        return of(SentenceTransformerFolder.load(folder));
    }

    /**
     * A model by folder or by Hugging Face name: an existing folder is loaded as it is; a name such as
     * {@code sentence-transformers/all-MiniLM-L6-v2} is looked up in the Hugging Face cache that Python's
     * huggingface_hub fills ({@link org.sentence4j.graphs.io.HubCache#fromEnvironment()}: {@code HF_HUB_CACHE}, {@code HF_HOME}, ...), at
     * its {@code main} revision; the two embedded models ({@code sentence-transformers/all-MiniLM-L6-v2},
     * {@code BAAI/bge-small-en-v1.5}) come from the jars when the cache lacks them; any other name that is not
     * cached is downloaded into the cache ({@link org.sentence4j.graphs.io.HubDownloader}: {@code HF_ENDPOINT},
     * {@code HF_TOKEN}) unless {@code HF_HUB_OFFLINE=1}.
     */
    public static SentenceEncoder load(String folderOrName) throws IOException {
        return load(folderOrName, org.sentence4j.graphs.io.HubCache.fromEnvironment());
    }

    /** {@link #load(String)} with a given cache. */
    public static SentenceEncoder load(String folderOrName, org.sentence4j.graphs.io.HubCache cache) throws IOException {
        Path folder = Path.of(folderOrName);
        if (java.nio.file.Files.isDirectory(folder)) {
            return load(folder);
        }
        if (!org.sentence4j.graphs.io.HubCache.isRepoId(folderOrName)) {
            throw new java.nio.file.NoSuchFileException(folderOrName + " is neither a model folder nor a Hugging Face model name");
        }
        java.util.Optional<Path> snapshot = cache.snapshot(folderOrName, "main");
        if (snapshot.isEmpty() && folderOrName.equals("sentence-transformers/all-MiniLM-L6-v2")) {
            return defaultModel();
        }
        if (snapshot.isEmpty() && folderOrName.equals("BAAI/bge-small-en-v1.5")) {
            return bgeSmallEnV15();
        }
        if (snapshot.isEmpty() && cache.downloader() != null) {
            try {
                snapshot = java.util.Optional.of(cache.downloader().download(cache, folderOrName, "main"));
            } catch (IOException e) {
                throw new java.nio.file.NoSuchFileException("no folder '" + folderOrName + "', the Hugging Face cache "
                        + cache.root() + " has no snapshot of it (" + cache.repoFolder(folderOrName) + "/refs/main), and the"
                        + " download failed: " + e.getMessage());
            }
        }
        if (snapshot.isEmpty()) {
            throw new java.nio.file.NoSuchFileException("no folder '" + folderOrName + "', and the Hugging Face cache "
                    + cache.root() + " has no snapshot of it (looked for " + cache.repoFolder(folderOrName)
                    + "/refs/main); it is offline (HF_HUB_OFFLINE): download it once or give a folder");
        }
        return load(snapshot.get());
    }

    /** Saves the model, with its current weights, as a sentence-transformers folder. */
    public void save(Path folder) throws IOException {
        SentenceTransformerFolder.save(files(), folder);
    }

    /** The model's files with the encoder's current weights. */
    public SentenceTransformerModelFiles files() {
        return files.withWeights(encoder.weights());
    }

    /** Embeddings [texts, dim] in input order, with the default options (progress shown for long inputs). */
    @Override
    public INDArray embed(List<String> texts) {
        return encode(texts, EncodeOptions.defaults().withProgress(texts.size() > PROGRESS_THRESHOLD));
    }

    /** Embeddings [texts, dim] in input order. */
    public INDArray encode(List<String> texts, EncodeOptions options) {
        return encode(texts, options, encoder.config().numHiddenLayers());
    }

    /** {@link #encode(List, EncodeOptions)} from the hidden state after the first {@code numLayers} layers. */
    private INDArray encode(List<String> texts, EncodeOptions options, int numLayers) {
        Objects.requireNonNull(texts, "texts");
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
        }
        int dim = embeddingDimension();
        if (options.truncateDim() > dim) {
            throw new IllegalArgumentException("truncateDim " + options.truncateDim() + " exceeds the embedding width " + dim);
        }
        int outDim = options.truncateDim() == 0 ? dim : options.truncateDim();
        String prompt = files.prompts().resolve(options.prompt(), options.promptName());
        int promptLength = 0;
        if (!prompt.isEmpty()) {
            if (!files.pooling().includePrompt()) {
                // as sentence-transformers: the prompt's tokens with the leading special token (its tokenization
                // without the closing one) are left out of the pooled embedding
                promptLength = (int) tokenizer.tokenize(List.of(prompt)).attentionMask().sumNumber().longValue() - 1;
            }
            List<String> prompted = new ArrayList<>(texts.size());
            for (String t : texts) {
                prompted.add(prompt + t);
            }
            texts = prompted;
        }
        final List<String> inputs = texts;
        INDArray out = Nd4j.create(DataType.FLOAT, texts.size(), outDim);
        // longest first, as sentence-transformers: similar lengths share a batch, so little padding
        int[] order = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -inputs.get(i).length())).mapToInt(Integer::intValue).toArray();
        ProgressBar bar = options.showProgress() ? new ProgressBar("encode", texts.size(), "texts") : null;
        try {
            for (int start = 0; start < order.length; start += options.batchSize()) {
                int end = Math.min(order.length, start + options.batchSize());
                List<String> batch = new ArrayList<>(end - start);
                for (int k = start; k < end; k++) {
                    batch.add(inputs.get(order[k]));
                }
                INDArray emb = encoder.embed(tokenizer.tokenize(batch).withPromptLength(promptLength), numLayers)
                        .castTo(DataType.FLOAT);
                for (int k = start; k < end; k++) {
                    out.putRow(order[k], emb.get(NDArrayIndex.point(k - start), NDArrayIndex.interval(0, outDim)));
                }
                if (bar != null) {
                    bar.advance(end - start);
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        return out;
    }


    /**
     * This model cut to its first {@code numLayers} transformer layers, for evaluation: each text's embedding is
     * the model's pooling (and normalisation) of the hidden state after layer {@code numLayers}, as
     * AdaptiveLayerLoss trains it and as removing the later layers from sentence-transformers' model gives. A
     * view: it shares this model's weights (and sees them change as it trains) and needs no closing.
     */
    public SentenceEmbedder firstLayers(int numLayers) {
        encoder.config().checkLayerCount(numLayers);
        if (numLayers == 0) {
            throw new IllegalArgumentException("numLayers must be at least 1 (0 is the embedding layer alone)");
        }
        return texts -> encode(texts, EncodeOptions.defaults(), numLayers);
    }

    /**
     * Sentence embeddings [rows, dim] of an already tokenized batch, in row order, in inference mode: for a
     * model that reads another model's token ids (the guide of the GIST losses, as sentence-transformers
     * feeds it the trained model's features). The ids must come from a tokenizer with this model's vocabulary.
     */
    public INDArray embed(TokenBatch tokens) {
        return encoder.embed(tokens).castTo(DataType.FLOAT);
    }

    /** The model's prompts, default prompt name and similarity function ({@code config_sentence_transformers.json}). */
    public org.sentence4j.graphs.io.PromptConfig prompts() {
        return files.prompts();
    }

    /** The similarity function the model's embeddings are meant for: cosine, dot, euclidean or manhattan. */
    public String similarityFunction() {
        return files.prompts().similarityFunction();
    }

    /**
     * The similarity matrix [a rows, b rows] under the model's similarity function, as sentence-transformers'
     * {@code model.similarity}: cosine, dot product, or the negative euclidean or manhattan distance.
     */
    public INDArray similarity(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.FLOAT);
        INDArray y = b.castTo(DataType.FLOAT);
        switch (similarityFunction()) {
            case "dot":
                return x.mmul(y.transpose());
            case "cosine": {
                INDArray xn = x.divColumnVector(x.norm2(1).reshape(-1, 1).addi(1e-12));
                INDArray yn = y.divColumnVector(y.norm2(1).reshape(-1, 1).addi(1e-12));
                return xn.mmul(yn.transpose());
            }
            default: {
                boolean euclidean = similarityFunction().equals("euclidean");
                INDArray out = Nd4j.create(DataType.FLOAT, x.size(0), y.size(0));
                for (int i = 0; i < x.size(0); i++) {
                    INDArray d = y.subRowVector(x.getRow(i));
                    INDArray dist = euclidean ? d.norm2(1) : Nd4j.math().abs(d).sum(1);
                    out.putRow(i, dist.neg().reshape(1, -1));
                }
                return out;
            }
        }
    }

    /** Width of the sentence embedding. */
    public int embeddingDimension() {
        return files.embeddingDimension();
    }

    /** Inputs are truncated to this many tokens, [CLS] and [SEP] included. */
    public int maxSeqLength() {
        return files.maxSeqLength();
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public SentenceTokenizer tokenizer() {
        return tokenizer;
    }

    /** Frees the tokenizer's native handle; call it after the last {@link #encode} has returned. */
    @Override
    public void close() {
        tokenizer.close();
    }
}
