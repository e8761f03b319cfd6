package org.sentence4j.graphs.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertWeights;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;
import org.sentence4j.graphs.text.TokenizerJson;

/**
 * Loads and saves sentence-transformers model folders of a BERT encoder with Pooling and optional Normalize.
 *
 * <p><b>Loading</b> accepts what sentence-transformers 6.0.1 accepts for such models: the module type names of
 * version 6 and the older ones ({@code sentence_transformers.models.Pooling}, ...: the last dotted component is
 * the class), new and legacy pooling configurations, module folders that are missing (built with defaults, as old
 * {@code 2_Normalize} folders are), {@code sentence_bert_config.json} and its older siblings, and the
 * max_seq_length rule: {@code max_seq_length} of the sentence config if present, else the tokenizer's
 * {@code model_max_length} capped at {@code max_position_embeddings}. Weights must be in {@code model.safetensors}
 * (a {@code bert.} prefix is stripped; the pooler, unused, is kept aside to be written back); the tokenizer must be
 * a {@code tokenizer.json}.
 * Anything else gets a {@link ModelFormatException} naming the file and what is supported. A folder without
 * {@code modules.json} is a plain Hugging Face model: Transformer + mean pooling, as sentence-transformers does.
 *
 * <p><b>Saving</b> writes the layout and formatting of sentence-transformers 6.0.1 (with transformers 5.18.0):
 * {@code modules.json}, {@code config_sentence_transformers.json}, {@code sentence_bert_config.json},
 * {@code config.json}, {@code model.safetensors}, {@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code 1_Pooling/config.json} and, when normalising, {@code 2_Normalize/config.json}; no model card. The JSON
 * is byte-identical to what that Python version writes for the same model (the version numbers recorded in
 * {@code config_sentence_transformers.json} and {@code config.json} are those of the layout written).
 * {@code model.safetensors} holds the encoder's tensors and, for BERT, RoBERTa, XLM-R and MPNet, the pooler their
 * transformers classes have (the source's bit for bit or, when the source had none, one drawn as transformers would:
 * {@link PoolerTensors}), so that {@code AutoModel.from_pretrained} reports no missing or unexpected weights.
 */
public final class SentenceTransformerFolder {

    static {
        // before ND4J's natives load: they read their settings from the environment once (see NativeSettings)
        org.sentence4j.graphs.runtime.NativeSettings.apply();
    }

    /** Module type names written by sentence-transformers 6. */
    public static final String TRANSFORMER_TYPE = "sentence_transformers.base.modules.transformer.Transformer";
    public static final String POOLING_TYPE = "sentence_transformers.sentence_transformer.modules.pooling.Pooling";
    public static final String NORMALIZE_TYPE = "sentence_transformers.base.modules.normalize.Normalize";
    public static final String DENSE_TYPE = "sentence_transformers.base.modules.dense.Dense";

    /** The versions whose file layout {@link #save} reproduces. */
    public static final String LAYOUT_SENTENCE_TRANSFORMERS_VERSION = "6.0.1";
    public static final String LAYOUT_TRANSFORMERS_VERSION = "5.18.0";
    public static final String LAYOUT_PYTORCH_VERSION = "2.13.0+cpu";

    private static final List<String> SENTENCE_CONFIG_NAMES = List.of("sentence_bert_config.json",
            "sentence_roberta_config.json", "sentence_distilbert_config.json", "sentence_camembert_config.json",
            "sentence_albert_config.json", "sentence_xlm-roberta_config.json", "sentence_xlnet_config.json");

    /** Legacy pooling booleans in the order sentence-transformers concatenates the active ones. */
    private static final List<Map.Entry<String, PoolingMode>> LEGACY_POOLING_KEYS = List.of(
            Map.entry("pooling_mode_cls_token", PoolingMode.CLS),
            Map.entry("pooling_mode_max_tokens", PoolingMode.MAX),
            Map.entry("pooling_mode_mean_tokens", PoolingMode.MEAN),
            Map.entry("pooling_mode_mean_sqrt_len_tokens", PoolingMode.MEAN_SQRT_LEN_TOKENS),
            Map.entry("pooling_mode_weightedmean_tokens", PoolingMode.WEIGHTED_MEAN),
            Map.entry("pooling_mode_lasttoken", PoolingMode.LAST_TOKEN));

    private static final String SUPPORTED_MODULES = "supported: Transformer (BERT, RoBERTa, XLM-RoBERTa, DistilBERT, "
            + "MPNet), then Pooling, then any number of Dense, then optionally Normalize";

    private SentenceTransformerFolder() {
    }

    private record Module(int idx, String name, String path, String type, String className) {
    }

    // ------------------------------------------------------------------------------------------------ loading

    /** Loads a sentence-transformers model folder. */
    public static SentenceTransformerModelFiles load(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new ModelFormatException(folder + " is not a folder (a sentence-transformers model folder is "
                    + "expected)");
        }
        List<Module> modules = readModules(folder);
        Module transformer = modules.get(0);
        Module pooling = modules.get(1);
        boolean normalize = modules.get(modules.size() - 1).className().equals("Normalize");

        Path tdir = folder.resolve(transformer.path()).normalize();
        PromptConfig prompts = readPromptConfig(folder.resolve("config_sentence_transformers.json"));
        BertConfig config = readBertConfig(tdir.resolve("config.json"));

        JsonNode sentenceConfig = null;
        Path sentenceConfigFile = null;
        for (String name : SENTENCE_CONFIG_NAMES) {
            Path p = tdir.resolve(name);
            if (Files.isRegularFile(p)) {
                sentenceConfigFile = p;
                sentenceConfig = readJsonObject(p);
                break;
            }
        }
        boolean doLowerCase = false;
        Integer sentenceMax = null;
        if (sentenceConfig != null) {
            JsonNode task = sentenceConfig.get("transformer_task");
            if (task != null && !task.isNull() && !task.asText().equals("feature-extraction")) {
                throw new ModelFormatException(sentenceConfigFile + ": transformer_task '" + task.asText()
                        + "' is not supported; supported: feature-extraction (sentence embeddings)");
            }
            JsonNode lower = sentenceConfig.get("do_lower_case");
            doLowerCase = lower != null && lower.asBoolean(false);
            JsonNode max = sentenceConfig.get("max_seq_length");
            if (max != null && !max.isNull()) {
                if (!max.canConvertToInt() || max.asInt() < 2) {
                    throw new ModelFormatException(sentenceConfigFile + ": max_seq_length must be an integer >= 2, "
                            + "found " + max);
                }
                sentenceMax = max.asInt();
            }
        }

        PoolingConfig poolingConfig = pooling.path() == null ? PoolingConfig.of(config.hiddenSize(), PoolingMode.MEAN)
                : readPooling(folder.resolve(pooling.path()), config.hiddenSize());
        List<org.sentence4j.graphs.pooling.DenseLayer> dense = new ArrayList<>();
        Map<String, INDArray> denseTensors = new java.util.LinkedHashMap<>();
        int width = poolingConfig.outputDimension();
        boolean pendingNormalize = false;
        for (Module m : modules.subList(2, modules.size())) {
            if (m.className().equals("Normalize")) {
                pendingNormalize = true;
            } else if (m.className().equals("Dense")) {
                org.sentence4j.graphs.pooling.DenseLayer d = readDense(folder, m, width, denseTensors, pendingNormalize);
                pendingNormalize = false;
                dense.add(d);
                width = d.out();
            }
        }
        config = config.withDense(dense);
        BertWeights weights = readWeights(tdir, config, denseTensors);
        Path tokenizerFile = tdir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new ModelFormatException(tokenizerFile + " is missing: only Hugging Face fast tokenizers "
                    + "(tokenizer.json) are supported"
                    + (Files.exists(tdir.resolve("vocab.txt")) ? ", vocab.txt alone is not" : ""));
        }
        byte[] tokenizerBytes = Files.readAllBytes(tokenizerFile);
        TokenizerJson.parse(tokenizerBytes, tokenizerFile.toString());

        int maxSeqLength;
        if (sentenceMax != null) {
            maxSeqLength = sentenceMax; // becomes the tokenizer's model_max_length, uncapped
        } else {
            maxSeqLength = config.maxSequenceLength();
            Path tc = tdir.resolve("tokenizer_config.json");
            if (Files.isRegularFile(tc)) {
                JsonNode mml = readJsonObject(tc).get("model_max_length");
                if (mml != null && mml.isNumber() && mml.doubleValue() < maxSeqLength) {
                    maxSeqLength = (int) mml.doubleValue();
                }
            }
        }
        if (maxSeqLength < 2) {
            throw new ModelFormatException(folder + ": the maximum sequence length " + maxSeqLength + " is too small");
        }

        Path tokenizerConfig = tdir.resolve("tokenizer_config.json");
        TransformerFiles originals = new TransformerFiles(Files.readAllBytes(tdir.resolve("config.json")),
                Files.isRegularFile(tokenizerConfig) ? Files.readAllBytes(tokenizerConfig) : null);
        return new SentenceTransformerModelFiles(config, weights, tokenizerBytes, poolingConfig, normalize,
                maxSeqLength, doLowerCase, prompts, originals);
    }

    private static List<Module> readModules(Path folder) throws IOException {
        Path file = folder.resolve("modules.json");
        if (!Files.isRegularFile(file)) {
            if (Files.isRegularFile(folder.resolve("config.json"))) {
                // a plain Hugging Face model: sentence-transformers adds mean pooling (no config of its own)
                return List.of(new Module(0, "0", "", TRANSFORMER_TYPE, "Transformer"),
                        new Module(1, "1", null, POOLING_TYPE, "Pooling"));
            }
            throw new ModelFormatException(folder + " has neither modules.json nor config.json: not a "
                    + "sentence-transformers or Hugging Face model folder");
        }
        JsonNode root = readJson(file);
        if (!root.isArray() || root.isEmpty()) {
            throw new ModelFormatException(file + " must be a non-empty JSON list of modules");
        }
        List<Module> modules = new ArrayList<>();
        for (JsonNode m : root) {
            JsonNode type = m.get("type");
            if (type == null || !type.isTextual()) {
                throw new ModelFormatException(file + ": every module needs a \"type\"; found " + m);
            }
            String t = type.asText();
            String cls = t.substring(t.lastIndexOf('.') + 1);
            if (!t.startsWith("sentence_transformers.")) {
                throw new ModelFormatException(file + ": module type '" + t + "' is custom code, which is not "
                        + "supported (" + SUPPORTED_MODULES + ")");
            }
            if (!cls.equals("Transformer") && !cls.equals("Pooling") && !cls.equals("Normalize") && !cls.equals("Dense")) {
                throw new ModelFormatException(file + ": module type '" + t + "' (" + cls + ") is not supported ("
                        + SUPPORTED_MODULES + ")");
            }
            String path = m.path("path").asText("");
            if (path.startsWith("/") || Path.of(path).normalize().startsWith("..")) {
                throw new ModelFormatException(file + ": module path '" + path + "' leaves the model folder");
            }
            modules.add(new Module(m.path("idx").asInt(modules.size()), m.path("name").asText(""), path, t, cls));
        }
        List<String> classes = modules.stream().map(Module::className).collect(Collectors.toList());
        // after Pooling: Dense and Normalize modules in any order (a Normalize applies to what precedes it)
        boolean ok = classes.size() >= 2 && classes.get(0).equals("Transformer") && classes.get(1).equals("Pooling")
                && classes.subList(2, classes.size()).stream().allMatch(c -> c.equals("Dense") || c.equals("Normalize"));
        if (!ok) {
            throw new ModelFormatException(file + ": the module sequence " + classes + " is not supported ("
                    + SUPPORTED_MODULES + ")");
        }
        return modules;
    }

    /** The model type check, prompts, default prompt name and similarity function of config_sentence_transformers.json. */
    private static PromptConfig readPromptConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return PromptConfig.defaults();
        }
        JsonNode root = readJsonObject(file);
        JsonNode type = root.get("model_type");
        if (type != null && !type.isNull() && !type.asText().equals("SentenceTransformer")) {
            throw new ModelFormatException(file + ": model_type '" + type.asText() + "' is not supported; "
                    + "supported: SentenceTransformer (embedding models)");
        }
        // no prompts key (folders of older releases): sentence-transformers' defaults, empty query and document prompts
        Map<String, String> prompts = new java.util.LinkedHashMap<>();
        JsonNode p = root.get("prompts");
        if (p == null || p.isNull()) {
            prompts.putAll(PromptConfig.defaults().prompts());
        } else {
            if (!p.isObject()) {
                throw new ModelFormatException(file + ": prompts must be an object of name to prompt text, found " + p);
            }
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new ModelFormatException(file + ": prompt '" + e.getKey() + "' must be a string, found " + e.getValue());
                }
                prompts.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode def = root.get("default_prompt_name");
        JsonNode sim = root.get("similarity_fn_name");
        try {
            return new PromptConfig(prompts, def == null || def.isNull() ? null : def.asText(),
                    sim == null || sim.isNull() ? null : sim.asText());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage());
        }
    }

    /**
     * Reads a Hugging Face {@code config.json} of an encoder of the BERT family (BERT, RoBERTa, XLM-RoBERTa,
     * DistilBERT, MPNet), with transformers' defaults for missing keys and its fixed values where it ignores the
     * file (DistilBERT's LayerNorm eps, MPNet's padding id).
     */
    public static BertConfig readBertConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + " is missing: the Transformer module needs the Hugging Face "
                    + "config.json of its encoder");
        }
        JsonNode c = readJsonObject(file);
        String modelType = c.path("model_type").asText("");
        org.sentence4j.graphs.bert.EncoderArchitecture arch = org.sentence4j.graphs.bert.EncoderArchitecture
                .ofModelType(modelType).orElseThrow(() -> new ModelFormatException(file + ": model_type '" + modelType
                        + "' is not supported; supported: " + String.join(", ",
                        org.sentence4j.graphs.bert.EncoderArchitecture.modelTypes())
));
        String classPrefix = arch.modelClass().substring(0, arch.modelClass().length() - "Model".length());
        for (JsonNode a : c.path("architectures")) {
            if (!a.asText().startsWith(classPrefix)) {
                throw new ModelFormatException(file + ": architecture '" + a.asText() + "' does not match model_type '"
                        + modelType + "'; supported: " + arch.modelClass() + " (and " + classPrefix
                        + "* checkpoints whose encoder is stored under " + arch.checkpointPrefix() + ")");
            }
        }
        if (arch == org.sentence4j.graphs.bert.EncoderArchitecture.DISTILBERT) {
            return readDistilBertConfig(file, c);
        }
        if (arch == org.sentence4j.graphs.bert.EncoderArchitecture.MODERNBERT) {
            return readModernBertConfig(file, c);
        }
        String act = c.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new ModelFormatException(file + ": hidden_act '" + act + "' is not supported; supported: gelu "
                    + "(the exact erf form)");
        }
        String posType = c.path("position_embedding_type").asText("absolute");
        if (!posType.equals("absolute")) {
            throw new ModelFormatException(file + ": position_embedding_type '" + posType + "' is not supported; "
                    + "supported: absolute");
        }
        try {
            // MPNet always pads with id 1 and buckets with 32 (transformers hard-codes both)
            int pad = arch == org.sentence4j.graphs.bert.EncoderArchitecture.MPNET ? 1 : intOf(c, "pad_token_id", 1);
            return new BertConfig(intOf(c, "vocab_size", 30522), intOf(c, "hidden_size", 768),
                    intOf(c, "num_hidden_layers", 12), intOf(c, "num_attention_heads", 12),
                    intOf(c, "intermediate_size", 3072), intOf(c, "max_position_embeddings", 512),
                    arch.tokenTypes() ? intOf(c, "type_vocab_size", 2) : 0, c.path("layer_norm_eps").asDouble(1e-12), act,
                    c.path("hidden_dropout_prob").asDouble(0.1), c.path("attention_probs_dropout_prob").asDouble(0.1),
                    arch, arch.paddingOffsetPositions() ? pad : 0,
                    arch.relativeAttentionBias() ? intOf(c, "relative_attention_num_buckets", 32) : 0, List.of(), null);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * ModernBERT's config.json: sizes, {@code norm_eps}, {@code layer_types} (or {@code global_attn_every_n_layers}),
     * {@code local_attention}, the rotary bases ({@code rope_parameters}, or the older {@code global_rope_theta} /
     * {@code local_rope_theta}). What is not implemented is refused by name: biases, dropout, other activations.
     */
    private static BertConfig readModernBertConfig(Path file, JsonNode c) throws IOException {
        String act = c.path("hidden_activation").asText("gelu");
        if (!act.equals("gelu")) {
            throw new ModelFormatException(file + ": hidden_activation '" + act + "' is not supported; supported: gelu "
                    + "(the exact erf form)");
        }
        for (String key : List.of("attention_bias", "mlp_bias", "norm_bias")) {
            if (c.path(key).asBoolean(false)) {
                throw new ModelFormatException(file + ": " + key + " true is not supported; supported: ModernBERT "
                        + "without biases (false, as every released ModernBERT)");
            }
        }
        for (String key : List.of("embedding_dropout", "attention_dropout", "mlp_dropout")) {
            if (c.path(key).asDouble(0.0) != 0.0) {
                throw new ModelFormatException(file + ": " + key + " " + c.path(key).asDouble() + " is not supported; "
                        + "supported: 0.0 (as every released ModernBERT)");
            }
        }
        int layers = intOf(c, "num_hidden_layers", 22);
        List<Boolean> global = new ArrayList<>();
        JsonNode types = c.get("layer_types");
        if (types != null && types.isArray()) {
            for (JsonNode t : types) {
                switch (t.asText()) {
                    case "full_attention" -> global.add(true);
                    case "sliding_attention" -> global.add(false);
                    default -> throw new ModelFormatException(file + ": layer type '" + t.asText() + "' is not "
                            + "supported; supported: full_attention, sliding_attention");
                }
            }
        } else {
            global.addAll(org.sentence4j.graphs.bert.ModernBertSettings.everyNth(layers,
                    intOf(c, "global_attn_every_n_layers", 3)));
        }
        JsonNode rope = c.path("rope_parameters");
        double globalTheta = rope.path("full_attention").path("rope_theta").asDouble(c.path("global_rope_theta").asDouble(160000.0));
        double localTheta = rope.path("sliding_attention").path("rope_theta").asDouble(c.path("local_rope_theta").asDouble(10000.0));
        try {
            return new BertConfig(intOf(c, "vocab_size", 50368), intOf(c, "hidden_size", 768), layers,
                    intOf(c, "num_attention_heads", 12), intOf(c, "intermediate_size", 1152),
                    intOf(c, "max_position_embeddings", 8192), 0, c.path("norm_eps").asDouble(1e-5), act, 0.0, 0.0,
                    org.sentence4j.graphs.bert.EncoderArchitecture.MODERNBERT, intOf(c, "pad_token_id", 50283), 0,
                    List.of(), new org.sentence4j.graphs.bert.ModernBertSettings(global, intOf(c, "local_attention", 128),
                    globalTheta, localTheta));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** DistilBERT's config.json: its own key names, LayerNorm eps fixed at 1e-12, learned positions only. */
    private static BertConfig readDistilBertConfig(Path file, JsonNode c) throws IOException {
        String act = c.path("activation").asText("gelu");
        if (!act.equals("gelu")) {
            throw new ModelFormatException(file + ": activation '" + act + "' is not supported; supported: gelu "
                    + "(the exact erf form)");
        }
        if (c.path("sinusoidal_pos_embds").asBoolean(false)) {
            throw new ModelFormatException(file + ": sinusoidal_pos_embds true (fixed sinusoidal positions) is not "
                    + "supported; supported: learned position embeddings (false)");
        }
        try {
            return new BertConfig(intOf(c, "vocab_size", 30522), intOf(c, "dim", 768), intOf(c, "n_layers", 6),
                    intOf(c, "n_heads", 12), intOf(c, "hidden_dim", 3072), intOf(c, "max_position_embeddings", 512), 0,
                    1e-12, act, c.path("dropout").asDouble(0.1), c.path("attention_dropout").asDouble(0.1),
                    org.sentence4j.graphs.bert.EncoderArchitecture.DISTILBERT, 0, 0, List.of(), null);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static int intOf(JsonNode c, String key, int dflt) {
        JsonNode v = c.get(key);
        return v == null || v.isNull() ? dflt : v.asInt(dflt);
    }

    /** A Dense module's config.json and weights (its model.safetensors, or the legacy pytorch_model.bin refused). */
    private static org.sentence4j.graphs.pooling.DenseLayer readDense(Path folder, Module m, int width,
                                                                      Map<String, INDArray> tensors,
                                                                      boolean normalizeBefore) throws IOException {
        Path dir = folder.resolve(m.path()).normalize();
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + " is missing: a Dense module needs its config.json");
        }
        JsonNode c = readJsonObject(file);
        org.sentence4j.graphs.pooling.DenseLayer d;
        try {
            d = new org.sentence4j.graphs.pooling.DenseLayer(m.path(), c.path("in_features").asInt(-1),
                    c.path("out_features").asInt(-1), c.path("bias").asBoolean(true),
                    c.path("activation_function").asText("torch.nn.modules.activation.Tanh"), normalizeBefore);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
        if (d.in() != width) {
            throw new ModelFormatException(file + ": in_features " + d.in() + " differs from the " + width
                    + " features the module before it gives");
        }
        for (String key : List.of("module_input_name", "module_output_name")) {
            JsonNode v = c.get(key);
            if (v != null && !v.isNull() && !v.asText().equals("sentence_embedding")) {
                throw new ModelFormatException(file + ": " + key + " '" + v.asText() + "' is not supported; supported: "
                        + "sentence_embedding (a Dense on the pooled embedding)");
            }
        }
        Path st = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(st)) {
            throw new ModelFormatException(st + " is missing" + (Files.exists(dir.resolve("pytorch_model.bin"))
                    ? " (the folder has pytorch_model.bin, which is not supported: re-save it with sentence-transformers >= 3)"
                    : "") + ": a Dense module's weights must be in model.safetensors");
        }
        SafeTensors.read(st).forEach((k, v) -> tensors.put(m.path() + "/" + k, v));
        return d;
    }

    private static BertWeights readWeights(Path tdir, BertConfig config, Map<String, INDArray> moduleTensors)
            throws IOException {
        Path st = tdir.resolve("model.safetensors");
        if (!Files.isRegularFile(st)) {
            List<String> present = new ArrayList<>();
            for (String other : List.of("model.safetensors.index.json", "pytorch_model.bin",
                    "pytorch_model.bin.index.json", "tf_model.h5", "flax_model.msgpack", "model.onnx",
                    "onnx/model.onnx")) {
                if (Files.exists(tdir.resolve(other))) {
                    present.add(other);
                }
            }
            throw new ModelFormatException(st + " is missing" + (present.isEmpty() ? ""
                    : " (the folder has " + String.join(", ", present) + ")") + ": only a single model.safetensors "
                    + "file is supported; convert PyTorch .bin checkpoints with the safetensors library "
                    + "(e.g. model.save_pretrained(dir, safe_serialization=True))");
        }
        Map<String, INDArray> tensors = new java.util.LinkedHashMap<>(SafeTensors.read(st));
        tensors.putAll(moduleTensors);
        return BertTensors.select(config, tensors, st.toString());
    }

    private static PoolingConfig readPooling(Path dir, int hidden) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return PoolingConfig.of(hidden, PoolingMode.MEAN); // sentence-transformers' defaults
        }
        JsonNode c = readJsonObject(file);
        JsonNode dimNode = c.has("embedding_dimension") ? c.get("embedding_dimension")
                : c.get("word_embedding_dimension");
        int dim = dimNode == null || dimNode.isNull() ? hidden : dimNode.asInt();
        if (dim != hidden) {
            throw new ModelFormatException(file + ": embedding dimension " + dim + " differs from the encoder's "
                    + "hidden size " + hidden);
        }
        List<PoolingMode> modes = new ArrayList<>();
        JsonNode mode = c.get("pooling_mode");
        try {
            if (mode != null && !mode.isNull()) {
                if (mode.isTextual()) {
                    modes.add(PoolingMode.fromConfigName(mode.asText()));
                } else if (mode.isArray()) {
                    for (JsonNode m : mode) {
                        modes.add(PoolingMode.fromConfigName(m.asText()));
                    }
                } else {
                    throw new ModelFormatException(file + ": pooling_mode must be a string or a list of strings");
                }
                if (modes.isEmpty()) {
                    throw new ModelFormatException(file + ": pooling_mode is an empty list");
                }
            } else {
                for (Map.Entry<String, PoolingMode> e : LEGACY_POOLING_KEYS) {
                    if (c.path(e.getKey()).asBoolean(false)) {
                        modes.add(e.getValue());
                    }
                }
                if (modes.isEmpty()) {
                    modes.add(PoolingMode.MEAN);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
        JsonNode prompt = c.get("include_prompt");
        boolean includePrompt = prompt == null || prompt.isNull() || prompt.asBoolean(true);
        return new PoolingConfig(dim, modes, includePrompt);
    }

    private static JsonNode readJson(Path file) throws IOException {
        try {
            JsonNode n = PyJson.MAPPER.readTree(file.toFile());
            if (n == null) {
                throw new ModelFormatException(file + " is empty");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelFormatException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode readJsonObject(Path file) throws IOException {
        JsonNode n = readJson(file);
        if (!n.isObject()) {
            throw new ModelFormatException(file + " must hold a JSON object");
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------------- saving

    /**
     * Saves a model in the sentence-transformers 6.0.1 layout. Existing files of those names are replaced, other
     * files in the folder are left alone.
     */
    public static void save(SentenceTransformerModelFiles model, Path folder) throws IOException {
        BertConfig cfg = model.config();
        TokenizerJson tokenizer = TokenizerJson.parse(model.tokenizerJson(), "tokenizer.json");
        Files.createDirectories(folder);

        // modules.json: json.dump(indent=2), no trailing newline
        ArrayNode modules = PyJson.MAPPER.createArrayNode();
        addModule(modules, 0, "", TRANSFORMER_TYPE);
        addModule(modules, 1, "1_Pooling", POOLING_TYPE);
        List<org.sentence4j.graphs.pooling.DenseLayer> dense = cfg.dense();
        List<String> denseFolders = new ArrayList<>();
        List<String> normalizeFolders = new ArrayList<>();
        int idx = 2;
        for (org.sentence4j.graphs.pooling.DenseLayer d : dense) {
            if (d.normalizeBefore()) {
                normalizeFolders.add(idx + "_Normalize");
                addModule(modules, idx, idx + "_Normalize", NORMALIZE_TYPE);
                idx++;
            }
            denseFolders.add(denseFolder(idx));
            addModule(modules, idx, denseFolder(idx), DENSE_TYPE);
            idx++;
        }
        if (model.normalize()) {
            normalizeFolders.add(idx + "_Normalize");
            addModule(modules, idx, idx + "_Normalize", NORMALIZE_TYPE);
        }
        writeText(folder.resolve("modules.json"), PyJson.dumps(modules, 2, false, true));

        ObjectNode st = PyJson.object();
        ObjectNode versions = st.putObject("__version__");
        versions.put("pytorch", LAYOUT_PYTORCH_VERSION);
        versions.put("sentence_transformers", LAYOUT_SENTENCE_TRANSFORMERS_VERSION);
        versions.put("transformers", LAYOUT_TRANSFORMERS_VERSION);
        PromptConfig pc = model.prompts();
        if (pc.defaultPromptName() == null) {
            st.putNull("default_prompt_name");
        } else {
            st.put("default_prompt_name", pc.defaultPromptName());
        }
        st.put("model_type", "SentenceTransformer");
        ObjectNode prompts = st.putObject("prompts");
        pc.prompts().forEach(prompts::put);
        st.put("similarity_fn_name", pc.similarityFunction());
        writeText(folder.resolve("config_sentence_transformers.json"), PyJson.dumps(st, 2, false, true));

        // sentence_bert_config.json (indent 4). Version 6 keeps the length in tokenizer_config.json; the old keys
        // are added only when that cannot express the model (they are still read by sentence-transformers).
        ObjectNode sb = PyJson.object();
        sb.put("transformer_task", "feature-extraction");
        ObjectNode text = sb.putObject("modality_config").putObject("text");
        text.put("method", "forward");
        text.put("method_output_name", "last_hidden_state");
        sb.put("module_output_name", "token_embeddings");
        if (model.maxSeqLength() > cfg.maxSequenceLength()) {
            sb.put("max_seq_length", model.maxSeqLength());
        }
        if (model.doLowerCase()) {
            sb.put("do_lower_case", true);
        }
        writeText(folder.resolve("sentence_bert_config.json"), PyJson.dumps(sb, 4, false, true));

        // transformers' files: indent 2, sorted keys, trailing newline
        TransformerFiles originals = model.originals();
        if (originals.configJson() != null) {
            Files.write(folder.resolve("config.json"), originals.configJson());
        } else if (cfg.architecture() == org.sentence4j.graphs.bert.EncoderArchitecture.BERT) {
            writeText(folder.resolve("config.json"), PyJson.dumps(bertConfigJson(cfg, tokenizer), 2, true, true) + "\n");
        } else {
            throw new ModelFormatException("cannot save a " + cfg.architecture().modelClass() + " without the config.json "
                    + "it was loaded with");
        }
        if (originals.tokenizerConfigJson() != null) {
            // as read, with the length this model truncates at
            ObjectNode tc = (ObjectNode) PyJson.MAPPER.readTree(originals.tokenizerConfigJson());
            tc.put("model_max_length", model.maxSeqLength());
            writeText(folder.resolve("tokenizer_config.json"), PyJson.dumps(tc, 2, true, false) + "\n");
        } else {
            writeText(folder.resolve("tokenizer_config.json"),
                    PyJson.dumps(tokenizerConfigJson(tokenizer, model.maxSeqLength()), 2, true, false) + "\n");
        }
        Files.write(folder.resolve("tokenizer.json"), tokenizer.withoutTruncationAndPadding());
        Map<String, INDArray> named = new java.util.LinkedHashMap<>();
        java.util.Set<String> moduleTensors = new java.util.HashSet<>();
        for (org.sentence4j.graphs.pooling.DenseLayer d : dense) {
            moduleTensors.add(d.weightName());
            moduleTensors.add(d.biasName());
        }
        model.weights().asMap().forEach((k, v) -> {
            if (!moduleTensors.contains(k) && !org.sentence4j.graphs.bert.BertTensorNames.isPooler(k)) {
                named.put(cfg.architecture().toCheckpointName(k), v);
            }
        });
        // after the encoder, as in a transformers state dict: the pooler as read, or drawn (see PoolerTensors)
        PoolerTensors.forSaving(model).forEach((k, v) -> named.put(cfg.architecture().toCheckpointName(k), v));
        SafeTensors.write(folder.resolve("model.safetensors"), named, Map.of("format", "pt"));
        for (int k = 0; k < dense.size(); k++) {
            org.sentence4j.graphs.pooling.DenseLayer d = dense.get(k);
            Path dir = folder.resolve(denseFolders.get(k));
            Files.createDirectories(dir);
            ObjectNode dc = PyJson.object();
            dc.put("in_features", d.in());
            dc.put("out_features", d.out());
            dc.put("bias", d.bias());
            dc.put("activation_function", d.activation());
            dc.put("module_input_name", "sentence_embedding");
            dc.put("module_output_name", "sentence_embedding");
            writeText(dir.resolve("config.json"), PyJson.dumps(dc, 4, false, true));
            Map<String, INDArray> linear = new java.util.LinkedHashMap<>();
            linear.put("linear.weight", model.weights().get(d.weightName()));
            if (d.bias()) {
                linear.put("linear.bias", model.weights().get(d.biasName()));
            }
            SafeTensors.write(dir.resolve("model.safetensors"), linear, Map.of("format", "pt"));
        }

        ObjectNode pool = PyJson.object();
        pool.put("embedding_dimension", model.pooling().embeddingDimension());
        List<PoolingMode> modes = model.pooling().modes();
        if (modes.size() == 1) {
            pool.put("pooling_mode", modes.get(0).configName());
        } else {
            ArrayNode list = pool.putArray("pooling_mode");
            modes.forEach(m -> list.add(m.configName()));
        }
        pool.put("include_prompt", model.pooling().includePrompt());
        Files.createDirectories(folder.resolve("1_Pooling"));
        writeText(folder.resolve("1_Pooling").resolve("config.json"), PyJson.dumps(pool, 4, false, true));

        for (String normalizeFolder : normalizeFolders) {
            ObjectNode norm = PyJson.object();
            norm.put("module_input_name", "sentence_embedding");
            norm.put("module_output_name", "sentence_embedding");
            Path dir = folder.resolve(normalizeFolder);
            Files.createDirectories(dir);
            writeText(dir.resolve("config.json"), PyJson.dumps(norm, 4, false, true));
        }
    }

    private static String denseFolder(int idx) {
        return idx + "_Dense";
    }

    private static void addModule(ArrayNode modules, int idx, String path, String type) {
        ObjectNode m = modules.addObject();
        m.put("idx", idx);
        m.put("name", Integer.toString(idx));
        m.put("path", path);
        m.put("type", type);
    }

    /** config.json as transformers 5.18.0 writes it for a BertModel. */
    static ObjectNode bertConfigJson(BertConfig c, TokenizerJson tokenizer) {
        ObjectNode o = PyJson.object();
        o.put("add_cross_attention", false);
        o.putArray("architectures").add("BertModel");
        o.put("attention_probs_dropout_prob", c.attentionDropoutProb());
        o.putNull("bos_token_id");
        o.putNull("classifier_dropout");
        o.put("dtype", "float32");
        o.putNull("eos_token_id");
        o.put("hidden_act", c.hiddenAct());
        o.put("hidden_dropout_prob", c.hiddenDropoutProb());
        o.put("hidden_size", c.hiddenSize());
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", c.intermediateSize());
        o.put("is_decoder", false);
        o.put("layer_norm_eps", c.layerNormEps());
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("model_type", "bert");
        o.put("num_attention_heads", c.numAttentionHeads());
        o.put("num_hidden_layers", c.numHiddenLayers());
        o.put("pad_token_id", tokenizer.tokenId("[PAD]").orElse(0L));
        o.put("tie_word_embeddings", true);
        o.put("transformers_version", LAYOUT_TRANSFORMERS_VERSION);
        o.put("type_vocab_size", c.typeVocabSize());
        o.put("use_cache", true);
        o.put("vocab_size", c.vocabSize());
        return o;
    }

    /** tokenizer_config.json as transformers 5.18.0 writes it for a BertTokenizer loaded from a local folder. */
    static ObjectNode tokenizerConfigJson(TokenizerJson t, int maxSeqLength) {
        ObjectNode o = PyJson.object();
        o.put("backend", "tokenizers");
        putToken(o, t, "cls_token", "[CLS]");
        boolean bert = t.hasBertNormalizer();
        if (bert) {
            o.put("do_lower_case", t.lowercases());
        }
        o.put("is_local", true);
        o.put("local_files_only", true);
        putToken(o, t, "mask_token", "[MASK]");
        o.put("model_max_length", maxSeqLength);
        putToken(o, t, "pad_token", "[PAD]");
        putToken(o, t, "sep_token", "[SEP]");
        if (bert) {
            t.normalizerFlag("strip_accents").ifPresentOrElse(v -> o.put("strip_accents", v),
                    () -> o.putNull("strip_accents"));
            o.put("tokenize_chinese_chars", t.normalizerFlag("handle_chinese_chars").orElse(true));
        }
        o.put("tokenizer_class", bert ? "BertTokenizer" : "PreTrainedTokenizerFast");
        String unk = t.unkToken().orElse("[UNK]");
        if (t.tokenId(unk).isPresent()) {
            o.put("unk_token", unk);
        }
        return o;
    }

    private static void putToken(ObjectNode o, TokenizerJson t, String key, String token) {
        if (t.hasAddedToken(token)) {
            o.put(key, token);
        }
    }

    private static void writeText(Path file, String text) throws IOException {
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The files {@link #save} writes for a model (relative paths), for checks and tests. */
    public static List<String> savedFiles(boolean normalize) {
        return Stream.concat(Stream.of("modules.json", "config_sentence_transformers.json",
                                "sentence_bert_config.json", "config.json", "model.safetensors", "tokenizer.json",
                                "tokenizer_config.json", "1_Pooling/config.json"),
                        normalize ? Stream.of("2_Normalize/config.json") : Stream.empty())
                .collect(Collectors.toList());
    }
}
