package org.sentence4j.trainer.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.LossSpec;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.LogEntry;

class ModelCardTest {

    private static final LossRegistry REGISTRY = LossRegistry.defaults();

    private static SentenceLoss matryoshkaMnrl() {
        return REGISTRY.create(new LossSpec("MatryoshkaLoss", Map.of("matryoshka_dims", List.of(384, 128, 64)),
                LossSpec.of("MultipleNegativesRankingLoss", Map.of("scale", 20.0))));
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static List<LogEntry> sampleLog() {
        List<LogEntry> log = new ArrayList<>();
        for (int step = 10; step <= 100; step += 10) {
            double loss = 2.0 / (1 + step / 20.0);
            log.add(new LogEntry(step, step / 100.0, loss,
                    Map.of("nli/loss", loss * 0.7, "sts/loss", loss * 0.3), 2e-5 * (1 - step / 100.0), Map.of()));
            if (step % 50 == 0) {
                // evaluation rows carry NaN loss and are merged into the training row of the same step
                log.add(new LogEntry(step, step / 100.0, Double.NaN, Map.of(), 0,
                        Map.of("sts-dev_spearman_cosine", 0.7 + step / 1000.0, "sts-dev_pearson_cosine", 0.69 + step / 1000.0)));
            }
        }
        return log;
    }

    private static ModelCardData sampleData() {
        return ModelCardData.builder()
                .modelId("my-org/minilm-nli-sts")
                .baseModel("sentence-transformers/all-MiniLM-L6-v2")
                .architecture("BertModel, 6 layers, hidden 384, max 256 tokens, mean pooling, normalized, 384 dims")
                .dataset("nli", 10_000, List.of("anchor", "positive"), List.of(
                        row("anchor", "A man is playing a guitar.", "positive", "A person plays | an instrument."),
                        row("anchor", "Two dogs run.", "positive", "Animals are moving."),
                        row("anchor", "A woman cooks.", "positive", "Someone prepares food."),
                        row("anchor", "dropped", "positive", "fourth row is dropped")),
                        matryoshkaMnrl())
                .dataset("sts", 5_749, List.of("sentence1", "sentence2", "score"), List.of(
                        row("sentence1", "A plane is taking off.", "sentence2", "An air plane is taking off.", "score", 1.0)),
                        REGISTRY.create("CoSENTLoss", Map.of("scale", 20.0)))
                .hyperparameter("per_device_train_batch_size", 64)
                .hyperparameter("learning_rate", 2e-5)
                .hyperparameter("batch_sampler", "no_duplicates")
                .log(sampleLog())
                .finalEvaluation(Map.of("sts-test_spearman_cosine", 0.8123))
                .version("sentence4j", "0.1.0").version("ND4J", "1.0.0-M2.1").version("Java", "17.0.15")
                .build();
    }

    @Test
    void rendersEverySection() {
        String md = ModelCard.render(sampleData());
        assertTrue(md.startsWith("---\n"), md);
        String front = md.substring(0, md.indexOf("\n---\n", 4));
        for (String line : List.of("- sentence-transformers", "- sentence-similarity", "- feature-extraction",
                "- loss:MatryoshkaLoss", "- loss:MultipleNegativesRankingLoss", "- loss:CoSENTLoss",
                "- dataset_size:15749", "library_name: sentence4j",
                "base_model: sentence-transformers/all-MiniLM-L6-v2", "pipeline_tag: sentence-similarity")) {
            assertTrue(front.contains(line + "\n"), "front matter lacks " + line + ":\n" + front);
        }
        for (String heading : List.of("# my-org/minilm-nli-sts", "## Model Details", "## Usage", "## Training Details",
                "### Training Datasets", "#### nli", "#### sts", "### Training Hyperparameters",
                "#### Non-Default Hyperparameters", "### Training Logs", "## Evaluation", "### Framework Versions",
                "## Citation", "### BibTeX")) {
            assertTrue(md.contains("\n" + heading + "\n"), "missing " + heading + ":\n" + md);
        }
        assertTrue(md.contains("- **Base model:** [sentence-transformers/all-MiniLM-L6-v2]"
                + "(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)"));
        assertTrue(md.contains("- **Architecture:** BertModel, 6 layers, hidden 384, max 256 tokens, mean pooling, "
                + "normalized, 384 dims"));
        assertTrue(md.contains("SentenceEncoder.load(Path.of(\"my-org/minilm-nli-sts\"))"));
        assertTrue(md.contains("model.encode(sentences, EncodeOptions.defaults())"));
        assertTrue(md.contains("\"A man is playing a guitar.\""), "usage sentences come from the examples");
        assertTrue(md.contains("* Size: 10,000 training samples"));
        assertTrue(md.contains("* Columns: <code>anchor</code> and <code>positive</code>"));
        assertTrue(md.contains("* Columns: <code>sentence1</code>, <code>sentence2</code> and <code>score</code>"));
        assertTrue(md.contains("- `per_device_train_batch_size`: 64\n"));
        assertTrue(md.contains("- `batch_sampler`: no_duplicates\n"));
        assertTrue(md.contains("- `learning_rate`: 2e-05\n"), "floats as Python prints them");
        assertTrue(md.contains("| sts-test_spearman_cosine | 0.8123 |"));
        assertTrue(md.contains("- sentence4j: 0.1.0\n- ND4J: 1.0.0-M2.1\n- Java: 17.0.15\n"));
        assertFalse(md.contains("fourth row is dropped"), "at most three examples");
    }

    @Test
    void showsEachLossWithFullClassNameAndConfigJson() {
        String md = ModelCard.render(sampleData());
        assertTrue(md.contains("* Loss: [<code>org.sentence4j.losses.modifiers.MatryoshkaLoss</code>]"
                + "(https://sbert.net/docs/package_reference/sentence_transformer/losses.html#matryoshkaloss)"
                + " with these parameters:"), md);
        assertTrue(md.contains("* Loss: [<code>org.sentence4j.losses.pair.CoSENTLoss</code>]"), md);
        String matryoshka = """
                  ```json
                  {
                      "loss": "MultipleNegativesRankingLoss",
                      "matryoshka_dims": [
                          384,
                          128,
                          64
                      ],
                      "matryoshka_weights": [
                          1,
                          1,
                          1
                      ],
                      "n_dims_per_step": -1
                  }
                  ```
                """;
        assertTrue(md.contains(matryoshka), md);
        String cosent = """
                  ```json
                  {
                      "scale": 20.0,
                      "similarity_fct": "pairwise_cos_sim"
                  }
                  ```
                """;
        assertTrue(md.contains(cosent), md);
    }

    @Test
    void configJsonMatchesPythonIndent4() {
        SentenceLoss empty = REGISTRY.create("ContrastiveTensionLoss", Map.of());
        assertEquals("{}", ModelCard.configJson(empty));
        assertEquals("{\n    \"scale\": 20.0,\n    \"similarity_fct\": \"pairwise_cos_sim\"\n}",
                ModelCard.configJson(REGISTRY.create("CoSENTLoss", Map.of())));
    }

    @Test
    void citesSentenceTransformersAndEachLossOnce() {
        ModelCardData data = sampleData();
        List<SentenceLoss> losses = ModelCard.losses(data);
        assertEquals(List.of("MatryoshkaLoss", "MultipleNegativesRankingLoss", "CoSENTLoss"),
                losses.stream().map(SentenceLoss::name).toList());
        Map<String, String> cites = ModelCard.citations(losses);
        assertEquals(List.of("Sentence Transformers", "MatryoshkaLoss", "MultipleNegativesRankingLoss", "CoSENTLoss"),
                List.copyOf(cites.keySet()));
        String md = ModelCard.render(data);
        assertTrue(md.contains("#### Sentence Transformers\n```bibtex\n" + Citations.REIMERS_2019_SENTENCE_BERT.strip()
                + "\n```\n"), md);
        assertTrue(md.contains("#### MultipleNegativesRankingLoss\n```bibtex\n@misc{oord2019representationlearning"), md);
        assertTrue(md.contains("#### CoSENTLoss\n```bibtex\n@article{10531646,"), md);
        assertEquals(1, count(md, "@inproceedings{reimers-2019-sentence-bert"));
        assertEquals(1, count(md, "@misc{kusupati2024matryoshka"));
    }

    @Test
    void mergesIdenticalCitationsAndSkipsLossesWithout() {
        SentenceLoss triplet = REGISTRY.create("TripletLoss", Map.of());
        SentenceLoss batchHard = REGISTRY.create("BatchHardTripletLoss", Map.of("margin", 5.0));
        SentenceLoss batchAll = REGISTRY.create("BatchAllTripletLoss", Map.of());
        SentenceLoss online = REGISTRY.create("OnlineContrastiveLoss", Map.of());  // no citation upstream
        SentenceLoss softmax = REGISTRY.create("SoftmaxLoss", Map.of("embedding_dimension", 8, "num_labels", 3));
        SentenceLoss mnrl = REGISTRY.create("MultipleNegativesRankingLoss", Map.of());
        ModelCardData data = ModelCardData.builder().modelId("m")
                .dataset("a", 3, List.of("anchor", "positive", "negative"), List.of(), triplet)
                .dataset("b", 3, List.of("text", "label"), List.of(), batchHard)
                .dataset("c", 3, List.of("text", "label"), List.of(), batchAll)
                .dataset("d", 3, List.of("sentence1", "sentence2", "label"), List.of(), online)
                .dataset("e", 3, List.of("premise", "hypothesis", "label"), List.of(), softmax)
                .dataset("f", 3, List.of("anchor", "positive"), List.of(), mnrl)
                .dataset("g", 3, List.of("anchor", "positive"), List.of(), REGISTRY.create("MultipleNegativesRankingLoss", Map.of()))
                .build();
        Map<String, String> cites = ModelCard.citations(ModelCard.losses(data));
        assertEquals(List.of("Sentence Transformers and SoftmaxLoss", "TripletLoss, BatchHardTripletLoss and BatchAllTripletLoss",
                "MultipleNegativesRankingLoss"), List.copyOf(cites.keySet()));
        String md = ModelCard.render(data);
        assertTrue(md.contains("#### TripletLoss, BatchHardTripletLoss and BatchAllTripletLoss\n```bibtex\n@misc{hermans2017defense"), md);
        assertEquals(1, count(md, "@misc{hermans2017defense"));
        assertEquals(1, count(md, "@inproceedings{reimers-2019-sentence-bert"));
        assertEquals(1, count(md, "@misc{oord2019"), "the same loss on two datasets is cited once");
        assertTrue(md.contains("- loss:OnlineContrastiveLoss\n"), "a loss without citation is still tagged");
        assertEquals(1, count(md, "- loss:MultipleNegativesRankingLoss\n"));
    }

    @Test
    void rendersTheTrainingLogTable() {
        String md = ModelCard.render(sampleData());
        assertTrue(md.contains("| Epoch | Step | Training Loss | nli/loss | sts/loss | sts-dev_pearson_cosine | "
                + "sts-dev_spearman_cosine |\n"), md);
        // step 10: loss 2/(1.5) = 1.3333, components 0.7 and 0.3 of it, no evaluation
        assertTrue(md.contains("| 0.1 | 10 | 1.3333 | 0.9333 | 0.4000 | - | - |\n"), md);
        // step 50: the evaluation row is merged into the training row
        assertTrue(md.contains("| 0.5 | 50 | 0.5714 | 0.4000 | 0.1714 | 0.7400 | 0.7500 |\n"), md);
        assertTrue(md.contains("| 1.0 | 100 | 0.3333 | 0.2333 | 0.1000 | 0.7900 | 0.8000 |\n"), md);
        assertEquals(10, count(md, "\n| 0.") + count(md, "\n| 1.0 |"), "one row per step");
    }

    @Test
    void escapesPipesAndLineBreaksInExampleCells() {
        String md = ModelCard.render(sampleData());
        assertTrue(md.contains("  | A man is playing a guitar. | A person plays \\| an instrument. |\n"), md);
        ModelCardData tricky = ModelCardData.builder()
                .dataset("x", 1, List.of("a|b", "text"), List.of(row("a|b", "x\ny", "text", "<b>1 | 2</b>")),
                        REGISTRY.create("CoSENTLoss", Map.of()))
                .build();
        String t = ModelCard.render(tricky);
        assertTrue(t.contains("  | a\\|b | text |\n  |:---|:---|\n  | x y | &lt;b&gt;1 \\| 2&lt;/b&gt; |\n"), t);
        assertTrue(t.contains("List.of(\n            \"x\\ny\",\n            \"<b>1 | 2</b>\");"), "Java string escaping:\n" + t);
    }

    @Test
    void minimalDataStillRendersEverySection() {
        String md = ModelCard.render(ModelCardData.builder().versions(Map.of("Java", "17")).build());
        for (String heading : List.of("## Model Details", "## Usage", "## Training Details", "### Training Logs",
                "## Evaluation", "### Framework Versions", "## Citation")) {
            assertTrue(md.contains(heading), heading);
        }
        assertTrue(md.contains("No training log was recorded."));
        assertTrue(md.contains("No final evaluation was run."));
        assertTrue(md.contains("\"The weather is lovely today.\""));
        assertFalse(md.contains("base_model:"));
        assertEquals(1, count(md, "```bibtex"));
    }

    @Test
    void writesReadmeAtomically(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("model");
        Path readme = ModelCard.write(sampleData(), out);
        assertEquals(out.resolve("README.md"), readme);
        assertEquals(ModelCard.render(sampleData()), Files.readString(readme, StandardCharsets.UTF_8));
        Files.writeString(readme, "old");
        ModelCard.write(sampleData(), out);
        assertTrue(Files.readString(readme).startsWith("---\n"), "overwrites an existing card");
        try (var files = Files.list(out)) {
            assertEquals(List.of("README.md"), files.map(p -> p.getFileName().toString()).toList(), "no temp file left");
        }
    }

    @Test
    void formatsFloatsAsPython() {
        assertEquals("2e-05", ModelCard.pythonFloat(2e-5));
        assertEquals("1.5e-07", ModelCard.pythonFloat(1.5e-7));
        assertEquals("0.0001", ModelCard.pythonFloat(1e-4));
        assertEquals("20.0", ModelCard.pythonFloat(20));
        assertEquals("10000000.0", ModelCard.pythonFloat(1e7));
        assertEquals("1e+16", ModelCard.pythonFloat(1e16));
        assertEquals("0.0", ModelCard.pythonFloat(0));
    }

    @Test
    void detectsVersions() {
        Map<String, String> v = ModelCardData.detectVersions();
        assertEquals(List.of("sentence4j", "ND4J", "Java"), List.copyOf(v.keySet()));
        assertEquals("1.0.0-M2.1", v.get("ND4J"));
        assertEquals(System.getProperty("java.version"), v.get("Java"));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
