package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.graphs.TestData;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.table.LossTable;

/**
 * The loss table tells the truth: for every row and every loss it names, a small data file of that row's
 * format trains one step through {@code ./sentence4j train} (the command's own code) on a tiny real model,
 * and the model is saved. The modifiers and the regularizer run on one format each.
 */
class LossTableWalkTest {

    @TempDir
    static Path dir;

    private static final String[] WORDS = {"cat", "dog", "car", "train", "apple", "pear", "river", "mountain", "blue", "red",
            "music", "tea", "bread", "lamp", "road", "cloud"};

    private static String text(int i, int salt) {
        return "the " + WORDS[(i + salt) % WORDS.length] + " and a " + WORDS[(3 * i + 5 + salt) % WORDS.length] + " " + (i % 7);
    }

    private static String tinyModel() {
        return TestData.stModels().resolve("tiny-bert-mean").toString();
    }

    @TestFactory
    Stream<DynamicTest> everyLossOfEveryRowTrainsFromTheCommandLine() {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (LossTable.Row row : LossTable.rows()) {
            for (String loss : row.losses()) {
                int id = n++;
                tests.add(DynamicTest.dynamicTest(row.inputs() + " / " + row.labels() + " -> " + loss,
                        () -> trainOneStep(row, loss, null, id)));
            }
        }
        LossTable.Row pairs = LossTable.rows().stream().filter(r -> r.losses().contains("MultipleNegativesRankingLoss")).findFirst()
                .orElseThrow();
        for (String modifier : LossTable.MODIFIERS) {
            int id = n++;
            tests.add(DynamicTest.dynamicTest(modifier + "(MultipleNegativesRankingLoss)",
                    () -> trainOneStep(pairs, modifier, "MultipleNegativesRankingLoss", id)));
        }
        for (String regularizer : LossTable.REGULARIZERS) {
            int id = n++;
            tests.add(DynamicTest.dynamicTest(regularizer + " on " + pairs.inputs(), () -> trainOneStep(pairs, regularizer, null, id)));
        }
        return tests.stream();
    }

    private static void trainOneStep(LossTable.Row row, String loss, String base, int id) throws Exception {
        Path data = write(row, id);
        Path out = dir.resolve("out-" + id);
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--loss", loss, "--model", tinyModel(),
                "--output", out.toString(), "--max-steps", "1", "--batch-size", "8", "--save-steps", "0"));
        if (base != null) {
            args.addAll(List.of("--base-loss", base));
        }
        if (loss.startsWith("Matryoshka")) {
            args.addAll(List.of("--loss-option", "matryoshka_dims=32,16"));
        }
        if (loss.equals("SoftmaxLoss")) {
            args.addAll(List.of("--loss-option", "num_labels=3"));
        }
        if (loss.contains("GIST")) {
            args.addAll(List.of("--guide", TestData.stModels().resolve("tiny-bert-cls").toString()));
        }
        if (loss.startsWith("Cached") || loss.equals("MegaBatchMarginLoss")) {
            args.addAll(List.of("--loss-option", "mini_batch_size=3"));
        }
        args.add(0, "train");
        Cli.ok(args.toArray(new String[0]));
        assertTrue(Files.exists(out.resolve("model.safetensors")), loss + ": no model saved");
    }

    /** A data file in the row's format: 16 rows, the row's column count, labels of its kind. */
    private static Path write(LossTable.Row row, int id) throws Exception {
        int k = Math.min(row.maxColumns(), Math.max(row.minColumns(), row.minColumns() == 4 ? 4 : row.minColumns()));
        if (row.width() == LossTable.LabelWidth.MARGINS_OR_SCORES || row.width() == LossTable.LabelWidth.CANDIDATES) {
            k = 4;
        }
        if (k == 1 && row.labels() == LabelKind.NONE) {
            Path f = dir.resolve("data-" + id + ".txt");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                lines.add(text(i, 0));
            }
            Files.write(f, lines, StandardCharsets.UTF_8);
            return f;
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            names.add(row.firstColumnHint() != null && c == 0 ? "damaged" : row.firstColumnHint() != null ? "original" : "text_" + c);
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            StringBuilder sb = new StringBuilder("{");
            for (int c = 0; c < k; c++) {
                sb.append('"').append(names.get(c)).append("\": \"").append(text(i, 3 * c)).append("\", ");
            }
            String label = switch (row.labels()) {
                case NONE -> null;
                case CLASS -> Integer.toString(i % 3);
                case BINARY -> Integer.toString(i % 2);
                case SCORE -> String.format(Locale.ROOT, "%.2f", (i % 5) / 4.0);
                case VECTOR -> vector(row.width() == LossTable.LabelWidth.ANY ? 32 : k - 1, i);
            };
            if (label == null) {
                sb.setLength(sb.length() - 2);
                sb.append('}');
            } else {
                sb.append("\"label\": ").append(label).append('}');
            }
            lines.add(sb.toString());
        }
        Path f = dir.resolve("data-" + id + ".jsonl");
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    private static String vector(int width, int seed) {
        StringBuilder sb = new StringBuilder("[");
        for (int j = 0; j < width; j++) {
            sb.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", Math.sin(seed * 7.0 + j)));
        }
        return sb.append(']').toString();
    }
}
