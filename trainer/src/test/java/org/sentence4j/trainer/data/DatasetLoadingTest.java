package org.sentence4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.table.DataFormat;

class DatasetLoadingTest {

    @TempDir
    Path tmp;

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    // ---- the repository's datasets (testdata/datasets), unmodified ----

    @Test
    void stsbTrainLoadsUnmodified() throws IOException {
        Dataset sts = TestDatasets.stsTrain();
        assertEquals(5749, sts.size());
        assertEquals(List.of("sentence1", "sentence2"), sts.columns());
        assertEquals(LabelKind.SCORE, sts.labelKind());
        assertEquals("score", sts.labelColumn().orElseThrow());
        for (int r = 0; r < sts.size(); r++) {
            double s = sts.label(r);
            assertTrue(s >= 0 && s <= 1, "row " + r + " score " + s);
            assertFalse(sts.text(0, r).isBlank());
            assertFalse(sts.text(1, r).isBlank());
        }
        // Same rows as splitting every line on tabs: quotes are plain characters.
        List<String> lines = Files.readAllLines(TestDatasets.datasets("stsbenchmark/sts-train.csv"));
        assertEquals(lines.size(), sts.size());
        for (int r = 0; r < lines.size(); r++) {
            String[] f = lines.get(r).split("\t", -1);
            assertEquals(f[5], sts.text(0, r), "row " + r);
            assertEquals(f[6], sts.text(1, r), "row " + r);
            assertEquals(Double.parseDouble(f[4]) / 5, sts.label(r), 1e-12, "row " + r);
        }
        assertTrue(sts.text("sentence1", 5719).contains("Nigeria\\'s") || sts.text("sentence2", 5719).contains("Nigeria\\'s"));
        assertTrue(sts.suitableLosses().contains("CoSENTLoss"));
        sts.requireFits("CoSENTLoss").requireFits("CosineSimilarityLoss").requireFits("MatryoshkaLoss", "AnglELoss");
        assertTrue(sts.summary().contains("divided by 5.0"), sts.summary());
    }

    @Test
    void stsbDevAndTestLoad() {
        for (var e : Map.of("sts-dev.csv", 1500, "sts-test.csv", 1379).entrySet()) {
            Dataset d = Datasets.tsv(TestDatasets.datasets("stsbenchmark/" + e.getKey()))
                    .header(false).quoting(false).fieldCounts(7, 9)
                    .column("sentence1", 5).column("sentence2", 6).label("score", 4).labelScale(5).read();
            assertEquals(e.getValue(), d.size(), e.getKey());
        }
    }

    @Test
    void quoteAwareParsingWouldLoseStsbRows() {
        // Why quoting(false) exists: RFC-4180 quoting merges rows at the unbalanced quotes, which the row
        // check reports with a line number instead of silently loading fewer rows.
        DatasetException e = assertThrows(DatasetException.class, () ->
                Datasets.tsv(TestDatasets.datasets("stsbenchmark/sts-train.csv")).header(false).fieldCounts(7, 9)
                        .column("sentence1", 5).column("sentence2", 6).label("score", 4).read());
        assertTrue(e.line() > 0, e.getMessage());
    }

    /**
     * A file in the layout of the SICK release (tab-separated with a header, upper-case NLI labels, a relatedness
     * score, CRLF line endings, no newline after the last line, quotes inside fields of unused columns, a
     * trailing space, the split in the last field). SICK itself may not be redistributed for commercial use, so
     * the repository ships none of it and this test writes its own rows.
     */
    @Test
    void headedTsvWithCrlfNamedColumnsAndRowFilter() throws IOException {
        String crlf = String.join("\r\n",
                "pair_ID\tsentence_A\tsentence_B\tentailment_label\trelatedness_score\tsentence_A_original\tsplit",
                "1\tA cook is slicing onions\tOnions are being sliced by a cook\tENTAILMENT\t4.9\ta cook slicing onions.\tTRAIN",
                "2\tTwo dogs run on the beach\tTwo dogs are sleeping indoors\tCONTRADICTION\t2.1\ttwo dogs on a beach\tTRAIN",
                "3\tA boy is riding a bike \tA child is outdoors\tNEUTRAL\t3\tboy on a bike, a sign saying \"slow\" and \"\"stop\"\"\tTEST",
                "4\tA woman plays the violin\tA woman is playing an instrument\tENTAILMENT\t4.25\twoman with a violin\tTRIAL",
                "5\tA man is reading a newspaper\tA man is reading on a train\tNEUTRAL\t3.6\tman reading the paper\tTRAIN",
                "6\tThe girl is swimming\tThe girl is not in the water\tCONTRADICTION\t1.85\tgirl swimming\tTEST",
                "7\tThree birds sit on a wire\tBirds are sitting outside\tENTAILMENT\t4\tbirds on a wire\tTRAIN",
                "8\tA band plays on a stage\tA crowd is watching a concert\tNEUTRAL\t1\tband on stage with \"\"lights\"\"\tTRAIN");
        Path file = write("sick-layout.txt", crlf);

        Dataset nli = Datasets.tsv(file).quoting(false)
                .column("sentence_A").column("sentence_B").label("label", "entailment_label")
                .labelMapping(LabelMapping.nli()).read();
        assertEquals(8, nli.size());
        assertEquals(List.of("sentence_A", "sentence_B"), nli.columns());
        assertEquals(LabelKind.CLASS, nli.labelKind());
        assertEquals(Map.of(0.0, 3, 1.0, 3, 2.0, 2), nli.labelCounts());
        // CRLF stripped, also on the last line (which has no newline); trailing spaces kept.
        for (int r = 0; r < nli.size(); r++) {
            assertFalse(nli.text(0, r).contains("\r") || nli.text(1, r).contains("\r"), "row " + r);
        }
        assertEquals("A crowd is watching a concert", nli.text(1, 7));
        assertEquals("A boy is riding a bike ", nli.text(0, 2));
        assertTrue(nli.summary().contains("entailment=0"), nli.summary());
        nli.requireFits("SoftmaxLoss");

        Dataset scores = Datasets.tsv(file).quoting(false)
                .column("sentence_A").column("sentence_B").label("score", "relatedness_score")
                .labelTransform(s -> (s - 1) / 4, "(s - 1) / 4").read();
        assertEquals(LabelKind.SCORE, scores.labelKind());
        assertEquals(0.975, scores.label(0), 1e-12);
        assertEquals(0.0, scores.label(7), 1e-12);
        for (int r = 0; r < scores.size(); r++) {
            assertTrue(scores.label(r) >= 0 && scores.label(r) <= 1);
        }
        // Quote-aware parsing reads the same rows here: the quotes are inside fields, never at their start.
        Dataset quoted = Datasets.tsv(file).column("sentence_A").column("sentence_B").read();
        assertEquals(scores.column("sentence_A"), quoted.column("sentence_A"));
        assertEquals(scores.column("sentence_B"), quoted.column("sentence_B"));
        // A split, with a row filter on the last field (which only matches once CR is stripped from it).
        Dataset train = Datasets.tsv(file).quoting(false)
                .column("sentence_A").column("sentence_B").where("split", "TRAIN"::equals).read();
        assertEquals(List.of("A cook is slicing onions", "Two dogs run on the beach", "A man is reading a newspaper",
                "Three birds sit on a wire", "A band plays on a stage"), train.column("sentence_A"));
        assertEquals(LabelKind.NONE, train.labelKind());
    }

    @Test
    void snliZipsLineAlignedFiles() {
        Dataset snli = TestDatasets.snli();
        assertEquals(9842, snli.size());
        assertEquals(List.of("premise", "hypothesis"), snli.columns());
        assertEquals(Map.of(0.0, 3329, 1.0, 3235, 2.0, 3278), snli.labelCounts());
        assertTrue(snli.text(0, 0).endsWith(" "), "trailing space of the tokenized text is kept");
        assertEquals(3319, snli.column("premise").stream().distinct().count());
        snli.requireFits("SoftmaxLoss");

        Dataset triplets = snli.pairsToTriplets(42);
        assertEquals(List.of("anchor", "positive", "negative"), triplets.columns());
        assertEquals(LabelKind.NONE, triplets.labelKind());
        assertTrue(triplets.size() > 9000, triplets.summary());
        assertTrue(triplets.notes().stream().anyMatch(n -> n.contains("pairsToTriplets(seed 42)")));
        triplets.requireFits("TripletLoss").requireFits("MultipleNegativesRankingLoss");
        // reproducible
        Dataset again = snli.pairsToTriplets(42);
        assertEquals(triplets.column("negative"), again.column("negative"));
    }

    // ---- formats ----

    @Test
    void jsonLinesWithLabelInferenceAndVectors() throws IOException {
        Path p = write("a.jsonl", "{\"anchor\": \"a\", \"positive\": \"b\", \"label\": 1}\n\n"
                + "{\"label\": 0, \"positive\": \"d\", \"anchor\": \"c\"}\n");
        Dataset d = Datasets.jsonLines(p).read();
        assertEquals(List.of("anchor", "positive"), d.columns());
        assertEquals(LabelKind.BINARY, d.labelKind());
        assertEquals("c", d.text("anchor", 1));
        d.requireFits("ContrastiveLoss").requireFits("SoftmaxLoss").requireFits("CoSENTLoss");

        Path cls = write("c.jsonl", "{\"text\": \"x\", \"label\": 3}\n{\"text\": \"y\", \"label\": 0}\n");
        assertEquals(LabelKind.CLASS, Datasets.jsonLines(cls).read().labelKind());
        Path score = write("s.jsonl", "{\"s1\": \"x\", \"s2\": \"y\", \"score\": 1.0}\n{\"s1\": \"x\", \"s2\": \"z\", \"score\": 0}\n");
        assertEquals(LabelKind.SCORE, Datasets.jsonLines(score).read().labelKind(), "1.0 is written as a float");

        Path vec = write("v.jsonl", "{\"sentence\": \"x\", \"label\": [0.1, 0.2, 0.3]}\r\n{\"sentence\": \"y\", \"label\": [1, 2, 3]}");
        Dataset v = Datasets.jsonLines(vec).read();
        assertEquals(LabelKind.VECTOR, v.labelKind());
        assertEquals(3, v.labelWidth());
        assertArrayEquals(new double[]{1, 2, 3}, v.labelVector(1));
        assertEquals(DataFormat.withVectorLabels(3, "sentence"), v.format());
        v.requireFits("MSELoss");

        Path nli = write("n.jsonl", "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": \"ENTAILMENT\", \"id\": 7}\n"
                + "{\"premise\": \"p\", \"hypothesis\": \"g\", \"label\": \"contradiction\", \"id\": 8}\n");
        Dataset n = Datasets.jsonLines(nli).select("premise", "hypothesis", "label").labelMapping(LabelMapping.nli()).read();
        assertEquals(LabelKind.CLASS, n.labelKind());
        assertEquals(2, n.classLabel(1));
        assertEquals(LabelMapping.nli(), n.labelMapping().orElseThrow());
        assertTrue(n.summary().contains("contradiction=2"), n.summary());
    }

    @Test
    void csvWithQuotingAndHeader() throws IOException {
        Path p = write("a.csv", "\uFEFFsentence1,sentence2,score\r\n"
                + "\"Hello, world\",\"She said \"\"hi\"\"\",4.5\r\n"
                + "\"multi\nline\",b,1\r\n");
        Dataset d = Datasets.csv(p).labelScale(5).read();
        assertEquals(List.of("sentence1", "sentence2"), d.columns());
        assertEquals("score", d.labelColumn().orElseThrow());
        assertEquals("Hello, world", d.text(0, 0));
        assertEquals("She said \"hi\"", d.text(1, 0));
        assertEquals("multi\nline", d.text(0, 1));
        assertEquals(0.9, d.label(0), 1e-12);
        assertEquals(LabelKind.SCORE, d.labelKind());
        // integers only -> BINARY / CLASS
        Path ints = write("i.csv", "a,b,label\nx,y,1\nz,w,0\n");
        assertEquals(LabelKind.BINARY, Datasets.csv(ints).read().labelKind());
        Path cls = write("k.csv", "a,label\nx,2\nz,0\n");
        assertEquals(LabelKind.CLASS, Datasets.csv(cls).read().labelKind());
        // label column in the middle; inputs keep their order
        Path mid = write("m.tsv", "anchor\tlabel\tpositive\nx\t1\ty\n");
        Dataset m = Datasets.tsv(mid).read();
        assertEquals(List.of("anchor", "positive"), m.columns());
        assertEquals(1.0, m.label(0));
        // explicit label kind override
        assertEquals(LabelKind.SCORE, Datasets.csv(ints).labelKind(LabelKind.SCORE).read().labelKind());
    }

    @Test
    void builtInCode() {
        Map<String, List<?>> cols = new LinkedHashMap<>();
        cols.put("anchor", List.of("a", "b", "c"));
        cols.put("positive", List.of("x", "y", "z"));
        Dataset d = Dataset.fromColumns("pairs", cols);
        assertEquals(LabelKind.NONE, d.labelKind());
        assertEquals(List.of("b", "y"), d.row(1));
        assertTrue(d.suitableLosses().contains("MultipleNegativesRankingLoss"));

        Dataset scored = Dataset.builder("scored").column("score", List.of(0.5, 1.0))
                .column("s1", List.of("a", "b")).column("s2", List.of("c", "d")).build();
        assertEquals(List.of("s1", "s2"), scored.columns());
        assertEquals(LabelKind.SCORE, scored.labelKind());

        Dataset classes = Dataset.builder("cls").column("text", List.of("a", "b", "c"))
                .labels("label", new int[]{0, 1, 2}).build();
        assertEquals(LabelKind.CLASS, classes.labelKind());
        classes.requireFits("BatchAllTripletLoss");

        Dataset vec = Dataset.builder("vec").column("text", List.of("a", "b"))
                .column("label", List.of(new float[]{1, 2}, new double[]{3, 4})).build();
        assertEquals(LabelKind.VECTOR, vec.labelKind());
        assertEquals(2, vec.labelWidth());

        Dataset sel = classes.select(new int[]{2, 0});
        assertEquals(List.of("c", "a"), sel.column("text"));
        assertArrayEquals(new double[]{2, 0}, sel.labels(new int[]{0, 1}));
        assertEquals(LabelKind.NONE, scored.selectColumns("s2", "s1").labelKind());
        assertEquals(List.of("s2", "s1"), scored.selectColumns("s2", "s1").columns());
        assertEquals(List.of("q", "s2"), scored.renameColumn("s1", "q").columns());
    }

    // ---- loss table ----

    @Test
    void lossThatDoesNotFitIsRejectedNamingColumnsAndFittingLosses() {
        Dataset pairs = Dataset.builder("pairs").column("anchor", List.of("a", "b"))
                .column("positive", List.of("x", "y")).build();
        LossInputException e = assertThrows(LossInputException.class, () -> pairs.requireFits("CoSENTLoss"));
        String msg = e.getMessage();
        assertTrue(msg.contains("Dataset 'pairs'"), msg);
        assertTrue(msg.contains("CoSENTLoss does not fit"), msg);
        assertTrue(msg.contains("(anchor, positive) with no labels"), msg);
        assertTrue(msg.contains("MultipleNegativesRankingLoss") && msg.contains("GISTEmbedLoss"), msg);
        assertFalse(msg.substring(msg.indexOf("Losses that fit")).contains("CoSENTLoss"), msg);

        Dataset sts = TestDatasets.stsTrain().head(10);
        LossInputException e2 = assertThrows(LossInputException.class,
                () -> sts.requireFits("MatryoshkaLoss", "MultipleNegativesRankingLoss"));
        assertTrue(e2.getMessage().contains("(sentence1, sentence2) with score labels"), e2.getMessage());
        assertTrue(e2.getMessage().contains("CoSENTLoss, AnglELoss, CosineSimilarityLoss"), e2.getMessage());
    }

    @Test
    void pairsToTripletsRequiresClassPairs() {
        Dataset sts = TestDatasets.stsTrain().head(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sts.pairsToTriplets(1));
        assertTrue(e.getMessage().contains("score labels"), e.getMessage());
        Dataset small = Dataset.builder("small").column("a", List.of("p", "q", "r", "s"))
                .column("b", List.of("p2", "q2", "r2", "s2")).labels("label", new int[]{0, 0, 1, 1}).build();
        Dataset t = small.pairsToTriplets(7);
        assertEquals(4, t.size());
        for (int r = 0; r < t.size(); r++) {
            List<String> row = t.row(r);
            int cls = Arrays.asList("p", "q").contains(row.get(0)) ? 0 : 1;
            assertEquals(cls == 0, Arrays.asList("p", "p2", "q", "q2").contains(row.get(1)));
            assertEquals(cls == 0, Arrays.asList("r", "r2", "s", "s2").contains(row.get(2)));
        }
    }
}
