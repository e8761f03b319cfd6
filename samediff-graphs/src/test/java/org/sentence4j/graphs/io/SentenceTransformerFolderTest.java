package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.TestData;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.pooling.PoolingConfig;
import org.sentence4j.graphs.pooling.PoolingMode;

class SentenceTransformerFolderTest {

    private static final BertConfig TINY = new BertConfig(30522, 32, 2, 4, 64, 512, 2, 1e-12, "gelu", 0.1, 0.1);

    @TempDir
    Path tmp;

    private static Path reference(String name) {
        return TestData.stModels().resolve(name);
    }

    // ---------------------------------------------------------------------------------------------- loading

    @Test
    void loadsTheMeanFolder() throws Exception {
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(reference("tiny-bert-mean"));
        assertEquals(TINY, m.config());
        assertEquals(PoolingConfig.of(32, PoolingMode.MEAN), m.pooling());
        assertTrue(m.normalize());
        assertEquals(256, m.maxSeqLength());
        assertFalse(m.doLowerCase());
        assertEquals(39, m.weights().names().size(), "37 encoder tensors and the pooler");
        assertTrue(m.weights().contains("pooler.dense.weight") && m.weights().contains("pooler.dense.bias"),
                "the unused pooler is kept, to be written back");
        assertEquals(BertTensors.expectedShapes(TINY).keySet(), m.weights().names().stream()
                .filter(n -> !n.startsWith("pooler.")).collect(Collectors.toCollection(java.util.LinkedHashSet::new)));
        assertArrayEquals(Files.readAllBytes(reference("tiny-bert-mean").resolve("tokenizer.json")), m.tokenizerJson());
        try (var t = m.newTokenizer()) {
            assertArrayEquals(new long[]{101, 7592, 2088, 999, 102}, t.encode("Hello world!"));
        }
    }

    @Test
    void loadsTheClsFolder() throws Exception {
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(reference("tiny-bert-cls"));
        assertEquals(TINY, m.config());
        assertEquals(PoolingConfig.of(32, PoolingMode.CLS), m.pooling());
        assertFalse(m.normalize());
        assertEquals(256, m.maxSeqLength());
    }

    @Test
    void loadsTheLegacyFolderAsTheMeanOne() throws Exception {
        SentenceTransformerModelFiles legacy = SentenceTransformerFolder.load(reference("tiny-bert-legacy-pooling"));
        SentenceTransformerModelFiles mean = SentenceTransformerFolder.load(reference("tiny-bert-mean"));
        assertEquals(mean.config(), legacy.config());
        assertEquals(mean.pooling(), legacy.pooling());
        assertTrue(legacy.normalize(), "Normalize is listed although 2_Normalize/ does not exist");
        assertEquals(256, legacy.maxSeqLength());
        assertFalse(legacy.doLowerCase());
        for (String n : mean.weights().names()) {
            assertEquals(mean.weights().get(n), legacy.weights().get(n), n);
        }
    }

    // ----------------------------------------------------------------------------------------------- saving

    @Test
    void savesTheMeanFolderByteForByte() throws Exception {
        assertSavedLikeReference("tiny-bert-mean", "tiny-bert-mean");
    }

    @Test
    void savesTheClsFolderByteForByte() throws Exception {
        assertSavedLikeReference("tiny-bert-cls", "tiny-bert-cls");
    }

    @Test
    void savesTheLegacyFolderInTheNewLayout() throws Exception {
        assertSavedLikeReference("tiny-bert-legacy-pooling", "tiny-bert-mean");
    }

    private void assertSavedLikeReference(String source, String expectedLayout) throws IOException {
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(reference(source));
        Path out = tmp.resolve(source);
        SentenceTransformerFolder.save(m, out);
        Path ref = reference(expectedLayout);
        assertEquals(relativeFiles(ref).stream().filter(f -> !f.equals("README.md")).collect(Collectors.toSet()),
                relativeFiles(out));
        assertEquals(new TreeSet<>(SentenceTransformerFolder.savedFiles(m.normalize())), relativeFiles(out));
        for (String f : relativeFiles(out)) {
            if (f.equals("model.safetensors")) {
                continue;
            }
            assertEquals(Files.readString(ref.resolve(f), StandardCharsets.UTF_8),
                    Files.readString(out.resolve(f), StandardCharsets.UTF_8), f);
            assertArrayEquals(Files.readAllBytes(ref.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        // tensors exactly equal, the unused pooler included
        Map<String, INDArray> refTensors = SafeTensors.read(ref.resolve("model.safetensors"));
        SafeTensors.Contents saved = SafeTensors.readContents(out.resolve("model.safetensors"));
        assertEquals(Map.of("format", "pt"), saved.metadata());
        Map<String, INDArray> refEncoder = new LinkedHashMap<>(refTensors);
        assertTrue(refEncoder.containsKey("pooler.dense.weight"));
        assertEquals(new TreeSet<>(refEncoder.keySet()), new TreeSet<>(saved.tensors().keySet()));
        for (Map.Entry<String, INDArray> e : refEncoder.entrySet()) {
            INDArray s = saved.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), s.shape(), e.getKey());
            assertArrayEquals(e.getValue().data().asFloat(), s.data().asFloat(), 0f, e.getKey());
        }
        // and it loads back bit-identically
        SentenceTransformerModelFiles back = SentenceTransformerFolder.load(out);
        assertEquals(m.config(), back.config());
        assertEquals(m.pooling(), back.pooling());
        assertEquals(m.normalize(), back.normalize());
        assertEquals(m.maxSeqLength(), back.maxSeqLength());
        assertEquals(m.doLowerCase(), back.doLowerCase());
        assertArrayEquals(m.tokenizerJson(), back.tokenizerJson());
        for (String n : m.weights().names()) {
            assertEquals(m.weights().get(n), back.weights().get(n), n);
        }
    }

    private static TreeSet<String> relativeFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void savedOptionsThatV6CannotExpressOtherwiseSurviveTheRoundTrip() throws Exception {
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(reference("tiny-bert-mean"));
        SentenceTransformerModelFiles changed = new SentenceTransformerModelFiles(m.config(), m.weights(),
                m.tokenizerJson(), new PoolingConfig(32, List.of(PoolingMode.CLS, PoolingMode.MEAN), false), false,
                128, true);
        Path out = tmp.resolve("changed");
        SentenceTransformerFolder.save(changed, out);
        assertFalse(Files.exists(out.resolve("2_Normalize")));
        assertEquals("{\n    \"embedding_dimension\": 32,\n    \"pooling_mode\": [\n        \"cls\",\n        \"mean\"\n"
                + "    ],\n    \"include_prompt\": false\n}", Files.readString(out.resolve("1_Pooling/config.json")));
        SentenceTransformerModelFiles back = SentenceTransformerFolder.load(out);
        assertEquals(changed.pooling(), back.pooling());
        assertFalse(back.normalize());
        assertEquals(128, back.maxSeqLength());
        assertTrue(back.doLowerCase());
        assertTrue(Files.readString(out.resolve("sentence_bert_config.json")).contains("\"do_lower_case\": true"));
    }

    // ---------------------------------------------------------------------------------------- loader rules

    /** A writable copy of a reference folder. */
    private Path copy(String name) throws IOException {
        return org.sentence4j.graphs.TestData.copyTree(reference(name), tmp.resolve("copy-" + name + "-" + System.nanoTime()));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void legacyAndNewPoolingConfigurations() throws Exception {
        Path dir = copy("tiny-bert-legacy-pooling");
        Path pool = dir.resolve("1_Pooling/config.json");
        write(pool, "{\"word_embedding_dimension\": 32, \"pooling_mode_mean_tokens\": true, "
                + "\"pooling_mode_cls_token\": true, \"pooling_mode_lasttoken\": true, \"pooling_mode_max_tokens\": false}");
        assertEquals(new PoolingConfig(32, List.of(PoolingMode.CLS, PoolingMode.MEAN, PoolingMode.LAST_TOKEN), true),
                SentenceTransformerFolder.load(dir).pooling(), "active legacy modes in the order cls, max, mean, ...");
        write(pool, "{\"word_embedding_dimension\": 32, \"pooling_mode_mean_tokens\": false}");
        assertEquals(PoolingConfig.of(32, PoolingMode.MEAN), SentenceTransformerFolder.load(dir).pooling(),
                "none active -> mean");
        write(pool, "{\"word_embedding_dimension\": 32, \"pooling_mode_max_tokens\": true, "
                + "\"pooling_mode_mean_sqrt_len_tokens\": true, \"pooling_mode_weightedmean_tokens\": true}");
        assertEquals(List.of(PoolingMode.MAX, PoolingMode.MEAN_SQRT_LEN_TOKENS, PoolingMode.WEIGHTED_MEAN),
                SentenceTransformerFolder.load(dir).pooling().modes());
        write(pool, "{\"embedding_dimension\": 32, \"pooling_mode\": [\"mean\", \"max\"], \"include_prompt\": false}");
        assertEquals(new PoolingConfig(32, List.of(PoolingMode.MEAN, PoolingMode.MAX), false),
                SentenceTransformerFolder.load(dir).pooling());
        write(pool, "{\"embedding_dimension\": 32, \"pooling_mode\": \"lasttoken\"}");
        assertEquals(PoolingConfig.of(32, PoolingMode.LAST_TOKEN), SentenceTransformerFolder.load(dir).pooling());
        Files.delete(pool);
        assertEquals(PoolingConfig.of(32, PoolingMode.MEAN), SentenceTransformerFolder.load(dir).pooling(),
                "missing pooling config -> defaults");
    }

    @Test
    void moduleTypeNamesOldAndNew() throws Exception {
        Path dir = copy("tiny-bert-cls");
        for (String[] types : new String[][]{
                {"sentence_transformers.models.Transformer.Transformer", "sentence_transformers.models.Pooling.Pooling",
                        "sentence_transformers.sentence_transformer.modules.normalize.Normalize"},
                {"sentence_transformers.base.modules.Transformer", "sentence_transformers.sentence_transformer.modules.Pooling",
                        "sentence_transformers.base.modules.Normalize"}}) {
            write(dir.resolve("modules.json"), "[{\"idx\": 0, \"name\": \"0\", \"path\": \"\", \"type\": \"" + types[0]
                    + "\"}, {\"idx\": 1, \"name\": \"1\", \"path\": \"1_Pooling\", \"type\": \"" + types[1]
                    + "\"}, {\"idx\": 2, \"name\": \"2\", \"path\": \"2_Normalize\", \"type\": \"" + types[2] + "\"}]");
            SentenceTransformerModelFiles m = SentenceTransformerFolder.load(dir);
            assertTrue(m.normalize());
            assertEquals(PoolingMode.CLS, m.pooling().modes().get(0));
        }
    }

    @Test
    void maxSeqLengthRules() throws Exception {
        Path dir = copy("tiny-bert-mean");
        Path tc = dir.resolve("tokenizer_config.json");
        Path sb = dir.resolve("sentence_bert_config.json");
        String tokenizerConfig = Files.readString(tc);
        write(tc, tokenizerConfig.replace("\"model_max_length\": 256", "\"model_max_length\": 1000"));
        assertEquals(512, SentenceTransformerFolder.load(dir).maxSeqLength(), "capped at max_position_embeddings");
        write(tc, tokenizerConfig.replace("\"model_max_length\": 256", "\"model_max_length\": 1000000000000000019884624838656"));
        assertEquals(512, SentenceTransformerFolder.load(dir).maxSeqLength(), "transformers' 'no limit' value");
        write(tc, tokenizerConfig.replace("\"model_max_length\": 256", "\"model_max_length\": 128"));
        assertEquals(128, SentenceTransformerFolder.load(dir).maxSeqLength());
        write(sb, "{\"max_seq_length\": 600, \"do_lower_case\": true}");
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(dir);
        assertEquals(600, m.maxSeqLength(), "the sentence config's value is not capped");
        assertTrue(m.doLowerCase());
        write(sb, "{\"max_seq_length\": null}");
        assertEquals(128, SentenceTransformerFolder.load(dir).maxSeqLength());
        Files.delete(tc);
        Files.delete(sb);
        assertEquals(512, SentenceTransformerFolder.load(dir).maxSeqLength(), "nothing given -> max positions");
        // an older sentence config name is found too
        write(dir.resolve("sentence_distilbert_config.json"), "{\"max_seq_length\": 64}");
        assertEquals(64, SentenceTransformerFolder.load(dir).maxSeqLength());
    }

    @Test
    void bertPrefixIsStrippedAndExtrasIgnored() throws Exception {
        Path dir = copy("tiny-bert-mean");
        Map<String, INDArray> prefixed = new LinkedHashMap<>();
        SafeTensors.read(dir.resolve("model.safetensors")).forEach((k, v) -> prefixed.put("bert." + k, v));
        prefixed.put("cls.predictions.bias", org.nd4j.linalg.factory.Nd4j.zeros(30522));
        prefixed.put("bert.embeddings.position_ids",
                org.nd4j.linalg.factory.Nd4j.arange(512).castTo(org.nd4j.linalg.api.buffer.DataType.LONG).reshape(1, 512));
        SafeTensors.write(dir.resolve("model.safetensors"), prefixed);
        write(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"BertModel\"", "\"BertForMaskedLM\""));
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(dir);
        java.util.Set<String> expected = new java.util.LinkedHashSet<>(BertTensors.expectedShapes(TINY).keySet());
        expected.addAll(List.of("pooler.dense.weight", "pooler.dense.bias")); // bert.pooler.*: kept, unprefixed
        assertEquals(expected, m.weights().names());
    }

    @Test
    void plainHuggingFaceFolderGetsMeanPooling() throws Exception {
        Path dir = copy("tiny-bert-cls");
        Files.delete(dir.resolve("modules.json"));
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(dir);
        assertEquals(PoolingConfig.of(32, PoolingMode.MEAN), m.pooling());
        assertFalse(m.normalize());
    }

    // ---------------------------------------------------------------------------------------------- errors

    private ModelFormatException loadFails(Path dir, String... mustMention) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformerFolder.load(dir));
        for (String s : mustMention) {
            assertTrue(e.getMessage().contains(s), "message should mention '" + s + "': " + e.getMessage());
        }
        return e;
    }

    @Test
    void unsupportedArchitecture() throws Exception {
        Path dir = copy("tiny-bert-mean");
        write(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"model_type\": \"bert\"", "\"model_type\": \"albert\""));
        loadFails(dir, "config.json", "albert", "supported: bert, roberta, xlm-roberta, distilbert, mpnet");
        write(dir.resolve("config.json"), Files.readString(reference("tiny-bert-mean").resolve("config.json"))
                .replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\""));
        loadFails(dir, "config.json", "BertModel", "does not match model_type 'roberta'");
        write(dir.resolve("config.json"), Files.readString(reference("tiny-bert-mean").resolve("config.json"))
                .replace("\"BertModel\"", "\"RobertaModel\""));
        loadFails(dir, "config.json", "RobertaModel", "BertModel");
        write(dir.resolve("config.json"), Files.readString(reference("tiny-bert-mean").resolve("config.json"))
                .replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\""));
        loadFails(dir, "config.json", "relu", "gelu");
    }

    @Test
    void onlyPytorchBin() throws Exception {
        Path dir = copy("tiny-bert-mean");
        Files.move(dir.resolve("model.safetensors"), dir.resolve("pytorch_model.bin"));
        loadFails(dir, "model.safetensors", "pytorch_model.bin", "supported");
    }

    @Test
    void unknownOrUnsupportedModules() throws Exception {
        Path dir = copy("tiny-bert-mean");
        Path modules = dir.resolve("modules.json");
        String original = Files.readString(modules);
        write(modules, original.replace("sentence_transformers.base.modules.normalize.Normalize",
                "sentence_transformers.models.CNN"));
        loadFails(dir, "modules.json", "sentence_transformers.models.CNN", "CNN", "supported: Transformer");
        // a Dense module whose folder holds no Dense config
        write(modules, original.replace("sentence_transformers.base.modules.normalize.Normalize",
                "sentence_transformers.models.Dense"));
        loadFails(dir, "2_Normalize", "in_features");
        write(modules, original.replace("sentence_transformers.base.modules.normalize.Normalize", "my_code.Normalize"));
        loadFails(dir, "modules.json", "my_code.Normalize", "custom");
        write(modules, "[{\"idx\": 0, \"name\": \"0\", \"path\": \"\", \"type\": "
                + "\"sentence_transformers.models.Transformer\"}, {\"idx\": 1, \"name\": \"1\", \"path\": \"2_Normalize\", "
                + "\"type\": \"sentence_transformers.models.Normalize\"}, {\"idx\": 2, \"name\": \"2\", "
                + "\"path\": \"1_Pooling\", \"type\": \"sentence_transformers.models.Pooling\"}]");
        loadFails(dir, "modules.json", "[Transformer, Normalize, Pooling]");
        write(modules, "{}");
        loadFails(dir, "modules.json", "list");
        write(modules, "[{\"idx\": 0, \"name\": \"0\", \"path\": \"../elsewhere\", \"type\": "
                + "\"sentence_transformers.models.Transformer\"}, {\"idx\": 1, \"name\": \"1\", \"path\": \"1_Pooling\", "
                + "\"type\": \"sentence_transformers.models.Pooling\"}]");
        loadFails(dir, "modules.json", "leaves the model folder");
        write(modules, "not json");
        loadFails(dir, "modules.json", "not valid JSON");
    }

    @Test
    void badPoolingTokenizerOrWeights() throws Exception {
        Path dir = copy("tiny-bert-mean");
        Path pool = dir.resolve("1_Pooling/config.json");
        write(pool, "{\"embedding_dimension\": 32, \"pooling_mode\": \"median\"}");
        loadFails(dir, "1_Pooling", "median", "Supported");
        write(pool, "{\"embedding_dimension\": 64, \"pooling_mode\": \"mean\"}");
        loadFails(dir, "1_Pooling", "64", "hidden size 32");
        Files.copy(reference("tiny-bert-mean").resolve("1_Pooling/config.json"), pool,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Files.delete(dir.resolve("tokenizer.json"));
        write(dir.resolve("vocab.txt"), "[PAD]\n");
        loadFails(dir, "tokenizer.json", "vocab.txt");
        Files.copy(reference("tiny-bert-mean").resolve("tokenizer.json"), dir.resolve("tokenizer.json"));

        Map<String, INDArray> t = new LinkedHashMap<>(SafeTensors.read(dir.resolve("model.safetensors")));
        t.remove("encoder.layer.1.output.dense.weight");
        t.put("encoder.layer.0.intermediate.dense.bias", org.nd4j.linalg.factory.Nd4j.zeros(65));
        SafeTensors.write(dir.resolve("model.safetensors"), t);
        loadFails(dir, "model.safetensors", "missing encoder.layer.1.output.dense.weight",
                "encoder.layer.0.intermediate.dense.bias has shape [65]");

        write(dir.resolve("config_sentence_transformers.json"), "{\"model_type\": \"SparseEncoder\"}");
        loadFails(dir, "config_sentence_transformers.json", "SparseEncoder");

        loadFails(tmp.resolve("does-not-exist"), "does-not-exist", "not a folder");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        loadFails(empty, "neither modules.json nor config.json");
    }
}
