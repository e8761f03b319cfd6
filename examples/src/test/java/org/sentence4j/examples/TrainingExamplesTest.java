package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.examples.training.DistillationExample;
import org.sentence4j.examples.training.TrainingExample;
import org.sentence4j.examples.training.TrainingExamples;
import org.sentence4j.graphs.EncodeOptions;
import org.sentence4j.graphs.SentenceEncoder;

/**
 * The training examples ({@code ./sentence4j example <name>}), shortened: each reads the repository's real data,
 * evaluates, trains, evaluates, saves a model that loads and differs from the base model, and prints the metric
 * before and after; the NLI example's accuracy rises after 15 steps.
 */
class TrainingExamplesTest {

    private static TrainingExample.Outcome run(String name, Path dir, long steps, int evalRows, StringBuilder printed)
            throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TrainingExample.Outcome o;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            o = TrainingExamples.named(name).orElseThrow().run(dir.resolve("model"), steps, evalRows, out);
        }
        printed.append(buf.toString(StandardCharsets.UTF_8));
        return o;
    }

    /** Every registered example. */
    static List<String> names() {
        return TrainingExamples.all().stream().map(TrainingExample::name).toList();
    }

    @ParameterizedTest
    @MethodSource("names")
    void runsShortenedAndSavesATrainedModel(String name, @TempDir Path dir) throws Exception {
        StringBuilder printed = new StringBuilder();
        TrainingExample.Outcome o = run(name, dir, 2, 40, printed);
        assertEquals(2, o.steps());
        assertTrue(Double.isFinite(o.before()) && Double.isFinite(o.after()), o.toString());
        assertTrue(printed.toString().contains(o.metric() + ": "), printed.toString());
        if (name.startsWith("distill-")) {
            assertTrue(printed.toString().contains("teacher bge-small-en-v1.5: "), "the teacher's own score is shown");
        }
        if (name.equals("nli-mined-hard-negatives")) {
            assertTrue(printed.toString().contains("Negatives per anchor-positive pair"), "the miner's statistics are shown");
        }
        Path model = dir.resolve("model");
        assertTrue(Files.isRegularFile(model.resolve("model.safetensors")) && Files.isRegularFile(model.resolve("README.md")));
        assertTrue(Files.notExists(model.resolve("data")), "the converted data stay out of the model folder");
        List<String> texts = List.of("A man is playing a guitar.");
        // the distillation examples train a 3-layer student: compared with the student before training
        boolean student = name.startsWith("distill-");
        if (student) {
            assertTrue(Files.readString(model.resolve("config.json")).contains("\"num_hidden_layers\": 3"),
                    "the student is saved with its 3 layers");
        }
        try (SentenceEncoder base = student ? DistillationExample.student() : SentenceEncoder.defaultModel();
             SentenceEncoder trained = SentenceEncoder.load(model)) {
            assertEquals(base.files().config().numHiddenLayers(), trained.files().config().numHiddenLayers());
            INDArray a = base.encode(texts, EncodeOptions.defaults());
            INDArray b = trained.encode(texts, EncodeOptions.defaults());
            assertTrue(a.sub(b).amaxNumber().doubleValue() > 1e-6, "training changed the model");
        }
    }

    @Test
    void theNliExampleImprovesTripletAccuracy(@TempDir Path dir) throws Exception {
        TrainingExample.Outcome o = run("nli-mnrl-hard-negatives", dir, 15, 300, new StringBuilder());
        System.out.printf("nli-mnrl-hard-negatives, 15 steps: %s %.4f -> %.4f%n", o.metric(), o.before(), o.after());
        assertTrue(o.after() > o.before(), o.metric() + ": " + o.before() + " -> " + o.after());
    }

    @Test
    void listsTheExamplesAndRejectsAnUnknownName() throws Exception {
        // one example per row of the loss table, plus distillation, the modifiers and a custom loss
        assertEquals(List.of("sts-sources-batch-hard", "sts-sources-batch-all", "sentences-tsdae",
                "sentences-contrastive-tension", "nli-pairs-mnrl", "nli-pairs-cached-mnrl", "nli-pairs-gist", "nli-mined-hard-negatives", "sts-cosent",
                "sts-angle", "sts-cosine-similarity", "nli-online-contrastive", "nli-softmax", "nli-mnrl-hard-negatives",
                "nli-cached-mnrl", "nli-triplet-loss", "nli-mnrl-gor", "distill-mse", "distill-margin-mse", "distill-kl-div",
                "nli-matryoshka", "nli-adaptive-layer", "nli-matryoshka2d", "custom-alignment-uniformity"), names());
        Cli.Result e = Cli.fails("example", "nope");
        assertTrue(e.err().contains("unknown example 'nope'") && e.err().contains("sts-cosent"), e::toString);
        Cli.Result steps = Cli.fails("example", "sts-cosent", "--max-steps", "-3");
        assertTrue(steps.err().contains("--max-steps"), steps::toString);
    }
}
