package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.TestData;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.BertInitializer;
import org.sentence4j.graphs.bert.BertWeights;

/**
 * A saved folder's {@code model.safetensors} holds what transformers' bare model class expects, no more and no less:
 * the check {@code AutoModel.from_pretrained} makes (missing, unexpected and mismatched keys), made here against
 * folders that transformers itself wrote (sentence-transformers 6.0.1 fixtures), so that Python reports nothing.
 * The pooler is the tensor at stake: kept and written back bit for bit when the source has one, drawn as transformers
 * would draw it when the source has none (the embedded ONNX models), never trained.
 */
class PoolerRoundTripTest {

    private static final String WEIGHT = "pooler.dense.weight";
    private static final String BIAS = "pooler.dense.bias";
    private static final List<String> TEXTS = List.of("A man is playing a guitar.", "The cat sleeps on the mat.",
            "naïve café", "");

    /** Every folder written by sentence-transformers (BERT, RoBERTa, XLM-R, MPNet, DistilBERT, ModernBERT). */
    static Stream<Path> transformersWrittenFolders() {
        return Stream.concat(Stream.of("tiny-bert-dense", "tiny-bert-prompts", "tiny-distilbert-mean",
                        "tiny-modernbert-mean", "tiny-mpnet-mean", "tiny-roberta-cls", "tiny-xlm-roberta-mean")
                        .map(PoolerRoundTripTest::arch),
                Stream.of("tiny-bert-mean", "tiny-bert-cls", "tiny-bert-legacy-pooling").map(n -> TestData.stModels().resolve(n)));
    }

    private static Path arch(String name) {
        return TestData.fixtures("st-architectures").resolve(name);
    }

    // ------------------------------------------------------------------------- sources with (or without) a pooler

    @ParameterizedTest
    @MethodSource("transformersWrittenFolders")
    void savedTensorsAreExactlyThoseTransformersWrote(Path source, @TempDir Path dir) throws Exception {
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(source);
        SentenceTransformerFolder.save(m, dir);
        Map<String, INDArray> expected = SafeTensors.read(source.resolve("model.safetensors"));
        Map<String, INDArray> saved = SafeTensors.read(dir.resolve("model.safetensors"));
        // the fixtures are what they are said to be: a pooler exactly where the transformers class has one
        assertEquals(m.config().architecture().hasPooler(), expected.containsKey(WEIGHT) && expected.containsKey(BIAS),
                source + ": fixture pooler");
        // no missing, no unexpected, no mismatched key
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(saved.keySet()), source.toString());
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            assertArrayEquals(e.getValue().shape(), saved.get(e.getKey()).shape(), source + ": " + e.getKey());
        }
        if (m.config().architecture().hasPooler()) {
            assertBitIdentical(expected.get(WEIGHT), saved.get(WEIGHT), source + ": " + WEIGHT);
            assertBitIdentical(expected.get(BIAS), saved.get(BIAS), source + ": " + BIAS);
        }
        // nothing was re-encoded on the way: the whole file is the one the Rust serializer wrote
        assertArrayEquals(Files.readAllBytes(source.resolve("model.safetensors")),
                Files.readAllBytes(dir.resolve("model.safetensors")), source + ": model.safetensors bytes");
    }

    @Test
    void theEmbeddedModelsGetThePoolerTransformersWouldDraw(@TempDir Path dir) throws Exception {
        Set<String> bertKeys = bertKeyPattern(TestData.stModels().resolve("tiny-bert-mean"), 6);
        SentenceTransformerModelFiles model = DefaultModel.allMiniLmL6V2();
        assertFalse(model.weights().contains(WEIGHT), "the ONNX export has no pooler (else this test proves nothing)");
        SentenceTransformerFolder.save(model, dir.resolve("a"));
        Map<String, INDArray> saved = SafeTensors.read(dir.resolve("a/model.safetensors"));
        assertEquals(bertKeys, new TreeSet<>(saved.keySet()), "the key set of a transformers-saved 6-layer BertModel");
        assertDrawnPooler(saved, 384, 0.02);

        // reproducible: another save, and a save of a freshly imported copy, write the same bytes
        SentenceTransformerFolder.save(model, dir.resolve("b"));
        SentenceTransformerFolder.save(DefaultModel.allMiniLmL6V2(), dir.resolve("c"));
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b/model.safetensors")));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("c/model.safetensors")));

        // the pooler is not in the sentence embedding: the saved folder embeds as the original does
        try (SentenceEncoder original = SentenceEncoder.of(model);
             SentenceEncoder loaded = SentenceEncoder.load(dir.resolve("a"))) {
            INDArray e = original.encode(TEXTS, EncodeOptions.defaults());
            assertEquals(0.0, e.sub(loaded.encode(TEXTS, EncodeOptions.defaults())).amaxNumber().doubleValue(), 1e-6);
            // and from now on the pooler is the folder's own: saved again, bit for bit
            loaded.save(dir.resolve("again"));
        }
        Map<String, INDArray> again = SafeTensors.read(dir.resolve("again/model.safetensors"));
        assertBitIdentical(saved.get(WEIGHT), again.get(WEIGHT), "re-saved " + WEIGHT);
        assertBitIdentical(saved.get(BIAS), again.get(BIAS), "re-saved " + BIAS);
    }

    @Test
    void bgeSmallGetsAPoolerToo(@TempDir Path dir) throws Exception {
        SentenceTransformerModelFiles model = DefaultModel.bgeSmallEnV15();
        assertFalse(model.weights().contains(WEIGHT));
        SentenceTransformerFolder.save(model, dir);
        Map<String, INDArray> saved = SafeTensors.read(dir.resolve("model.safetensors"));
        assertEquals(bertKeyPattern(TestData.stModels().resolve("tiny-bert-mean"), 12), new TreeSet<>(saved.keySet()));
        assertDrawnPooler(saved, 384, 0.02);
    }

    @Test
    void aMissingPoolerIsDrawnWithTheConfigsInitializerRange(@TempDir Path dir) throws Exception {
        // the architecture fixtures say initializer_range 0.2: transformers would draw with that, not 0.02
        Path folder = TestData.copyTree(arch("tiny-roberta-cls"), dir.resolve("in"));
        Map<String, INDArray> tensors = new LinkedHashMap<>(SafeTensors.read(folder.resolve("model.safetensors")));
        tensors.keySet().removeIf(n -> n.startsWith("pooler."));
        SafeTensors.write(folder.resolve("model.safetensors"), tensors);
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(folder);
        assertEquals(0.2, PoolerTensors.initializerRange(m.originals()), 0.0);
        SentenceTransformerFolder.save(m, dir.resolve("out"));
        Map<String, INDArray> saved = SafeTensors.read(dir.resolve("out/model.safetensors"));
        assertEquals(new TreeSet<>(SafeTensors.read(arch("tiny-roberta-cls").resolve("model.safetensors")).keySet()),
                new TreeSet<>(saved.keySet()));
        assertDrawnPooler(saved, 32, 0.2);
    }

    // ----------------------------------------------------------------------------- the pooler is never trained

    @Test
    void changedWeightsStillWriteTheSourcesPooler(@TempDir Path dir) throws Exception {
        Path source = arch("tiny-roberta-cls");
        Map<String, INDArray> original = SafeTensors.read(source.resolve("model.safetensors"));
        String query = "encoder.layer.0.attention.self.query.weight";

        // 1. parameters overwritten in place (as a restored checkpoint or an optimizer does), the pooler offered too
        try (SentenceEncoder model = SentenceEncoder.load(source)) {
            Map<String, INDArray> moved = new LinkedHashMap<>();
            model.encoder().weights().asMap().forEach((k, v) -> moved.put(k, v.add(0.01f)));
            model.encoder().loadWeights(new BertWeights(moved));
            model.save(dir.resolve("loaded"));
        }
        // 2. other weights without a pooler (e.g. drawn afresh)
        SentenceTransformerModelFiles files = SentenceTransformerFolder.load(source);
        SentenceTransformerFolder.save(files.withWeights(BertInitializer.huggingFace(files.config(), 3)),
                dir.resolve("fresh"));
        // 3. a student with fewer layers
        SentenceTransformerFolder.save(files.withLayers(0), dir.resolve("first-layer"));

        for (String out : List.of("loaded", "fresh", "first-layer")) {
            Map<String, INDArray> saved = SafeTensors.read(dir.resolve(out).resolve("model.safetensors"));
            assertBitIdentical(original.get(WEIGHT), saved.get(WEIGHT), out + ": " + WEIGHT);
            assertBitIdentical(original.get(BIAS), saved.get(BIAS), out + ": " + BIAS);
            Set<String> expectedKeys = new TreeSet<>(original.keySet());
            if (out.equals("first-layer")) {
                expectedKeys.removeIf(k -> k.startsWith("encoder.layer.1."));
            }
            assertEquals(expectedKeys, new TreeSet<>(saved.keySet()), out);
        }
        Map<String, INDArray> loaded = SafeTensors.read(dir.resolve("loaded/model.safetensors"));
        assertEquals(0.01, loaded.get(query).sub(original.get(query)).amaxNumber().doubleValue(), 1e-6,
                "the parameters did change");
    }

    @Test
    void thePoolerIsNoParameterOfTheEncoder() throws Exception {
        SentenceTransformerModelFiles files = SentenceTransformerFolder.load(arch("tiny-mpnet-mean"));
        assertTrue(files.weights().contains(WEIGHT));
        BertEncoder encoder = BertEncoder.builder(files.config()).weights(files.weights()).pooling(files.pooling()).build();
        assertTrue(encoder.graphParameterVariables().stream().noneMatch(n -> n.contains("pooler")),
                "no graph variable, so no SameDiff gradient");
        assertTrue(encoder.eager().zeroGradients().keySet().stream().noneMatch(n -> n.contains("pooler")),
                "no eager gradient, so the optimizer never sees it");
        assertBitIdentical(files.weights().get(WEIGHT), encoder.weights().get(WEIGHT), "given back as it came");
    }

    // ------------------------------------------------------------------------------------ errors and strays

    @Test
    void aPoolerOfTheWrongShapeIsAClearError(@TempDir Path dir) throws Exception {
        Path folder = TestData.copyTree(TestData.stModels().resolve("tiny-bert-mean"), dir);
        Map<String, INDArray> tensors = new LinkedHashMap<>(SafeTensors.read(folder.resolve("model.safetensors")));
        tensors.put(WEIGHT, Nd4j.zeros(DataType.FLOAT, 32, 16));
        SafeTensors.write(folder.resolve("model.safetensors"), tensors);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformerFolder.load(folder));
        assertTrue(e.getMessage().contains(WEIGHT) && e.getMessage().contains("[32, 16]")
                && e.getMessage().contains("[32, 32]") && e.getMessage().contains(folder.resolve("model.safetensors").toString()),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-distilbert-mean", "tiny-modernbert-mean"})
    void architecturesWithoutAPoolerDropAStrayOne(String name, @TempDir Path dir) throws Exception {
        Path folder = TestData.copyTree(arch(name), dir.resolve("in"));
        Map<String, INDArray> original = SafeTensors.read(folder.resolve("model.safetensors"));
        Map<String, INDArray> tensors = new LinkedHashMap<>(original);
        SentenceTransformerModelFiles m = SentenceTransformerFolder.load(folder);
        int h = m.config().hiddenSize();
        tensors.put(WEIGHT, Nd4j.ones(DataType.FLOAT, h, h));
        tensors.put(BIAS, Nd4j.ones(DataType.FLOAT, h));
        SafeTensors.write(folder.resolve("model.safetensors"), tensors);
        SentenceTransformerModelFiles withStray = SentenceTransformerFolder.load(folder);
        assertFalse(withStray.weights().contains(WEIGHT), name + " has no pooler in transformers");
        SentenceTransformerFolder.save(withStray, dir.resolve("out"));
        assertEquals(new TreeSet<>(original.keySet()),
                new TreeSet<>(SafeTensors.read(dir.resolve("out/model.safetensors")).keySet()));
    }

    @Test
    void taskCheckpointsKeepTheirPoolerAndDropTheRest(@TempDir Path dir) throws Exception {
        Path source = TestData.stModels().resolve("tiny-bert-mean");
        Path folder = TestData.copyTree(source, dir.resolve("in"));
        Map<String, INDArray> original = SafeTensors.read(source.resolve("model.safetensors"));
        Map<String, INDArray> prefixed = new LinkedHashMap<>();
        original.forEach((k, v) -> prefixed.put("bert." + k, v));
        prefixed.put("cls.predictions.bias", Nd4j.zeros(DataType.FLOAT, 30522));
        prefixed.put("bert.embeddings.position_ids", Nd4j.arange(512).castTo(DataType.LONG).reshape(1, 512));
        SafeTensors.write(folder.resolve("model.safetensors"), prefixed);
        SentenceTransformerFolder.save(SentenceTransformerFolder.load(folder), dir.resolve("out"));
        Map<String, INDArray> saved = SafeTensors.read(dir.resolve("out/model.safetensors"));
        assertEquals(new TreeSet<>(original.keySet()), new TreeSet<>(saved.keySet()),
                "bert. stripped, pooler kept, position_ids and the task head dropped");
        assertBitIdentical(original.get(WEIGHT), saved.get(WEIGHT), WEIGHT);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /**
     * The key set of a transformers-saved BertModel with {@code layers} layers, generalised from a fixture's: its
     * keys outside {@code encoder.layer.N.}, and its layer 0's suffixes for every layer.
     */
    private static Set<String> bertKeyPattern(Path fixture, int layers) throws IOException {
        Pattern layer = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.(.+)$");
        Set<String> keys = new TreeSet<>();
        Set<String> suffixes = new TreeSet<>();
        Set<String> fixtureKeys = SafeTensors.read(fixture.resolve("model.safetensors")).keySet();
        for (String k : fixtureKeys) {
            Matcher m = layer.matcher(k);
            if (!m.matches()) {
                keys.add(k);
            } else if (m.group(1).equals("0")) {
                suffixes.add(m.group(2));
            }
        }
        assertTrue(keys.containsAll(List.of(WEIGHT, BIAS)) && suffixes.size() == 16, "fixture " + fixtureKeys);
        for (int l = 0; l < layers; l++) {
            for (String s : suffixes) {
                keys.add("encoder.layer." + l + "." + s);
            }
        }
        return keys;
    }

    /** A pooler as transformers draws a missing one: weight ~ N(0, std) of shape [h, h], bias 0 of shape [h]. */
    private static void assertDrawnPooler(Map<String, INDArray> saved, int h, double std) {
        INDArray w = saved.get(WEIGHT);
        INDArray b = saved.get(BIAS);
        assertNotNull(w, WEIGHT);
        assertNotNull(b, BIAS);
        assertArrayEquals(new long[]{h, h}, w.shape());
        assertArrayEquals(new long[]{h}, b.shape());
        assertEquals(DataType.FLOAT, w.dataType());
        // the sample std of N = h^2 draws has a relative standard error of 1/sqrt(2N): 0.18 % for h = 384, 2.2 % for
        // h = 32 (the draw is seeded: the outcome is fixed, these margins only make it independent of the seed)
        double tolerance = h >= 384 ? 0.03 : 0.08;
        assertEquals(std, w.stdNumber().doubleValue(), std * tolerance, "std of " + WEIGHT);
        assertEquals(0.0, w.meanNumber().doubleValue(), 6 * std / h, "mean of " + WEIGHT);
        assertEquals(0.0, b.amaxNumber().doubleValue(), 0.0, BIAS + " is zero");
    }

    private static void assertBitIdentical(INDArray expected, INDArray actual, String what) {
        assertNotNull(actual, what + " is missing");
        assertEquals(expected.dataType(), actual.dataType(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertArrayEquals(expected.dup('c').data().asBytes(), actual.dup('c').data().asBytes(), what);
    }
}
