package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.graphs.TestData;
import org.sentence4j.losses.LossInputException;

/** {@code ./sentence4j train} end to end on a tiny real model, and its errors. */
class TrainCommandTest {

    private static String tinyModel() {
        return TestData.stModels().resolve("tiny-bert-mean").toString();
    }

    private static Path pairs(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"anchor\": \"question number " + i + " about item " + (i % 4) + "\", \"positive\": \"answer " + i + "\"}");
        }
        Path f = dir.resolve("pairs.jsonl");
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void trainsSavesTheModelWithItsCardAndEvaluates(@TempDir Path dir) throws Exception {
        Path eval = dir.resolve("eval.tsv");
        Files.writeString(eval, "sentence1\tsentence2\tscore\nquestion one\tanswer one\t1.0\nquestion two\tsomething else\t0.0\n"
                + "item three\titem 3\t0.8\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out");
        Cli.ok("train", "--data", pairs(dir).toString(), "--loss", "MatryoshkaLoss", "--loss-option",
                "matryoshka_dims=32,16", "--base-loss", "MultipleNegativesRankingLoss", "--model", tinyModel(), "--eval",
                eval.toString(), "--output", out.toString(), "--max-steps", "2", "--batch-size", "4");
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        assertTrue(Files.exists(out.resolve("modules.json")));
        String card = Files.readString(out.resolve("README.md"));
        assertTrue(card.contains("MatryoshkaLoss") && card.contains("MultipleNegativesRankingLoss"), "card names both losses");
        assertTrue(Files.exists(out.resolve("eval/results.json")));
    }

    @Test
    void errorsNameTheProblem(@TempDir Path dir) throws Exception {
        Path data = pairs(dir);
        String out = dir.resolve("x").toString();
        Cli.Result fit = Cli.fails("train", "--data", data.toString(),
                "--loss", "CoSENTLoss", "--model", tinyModel(), "--output", out);
        assertTrue(fit.err().contains("Losses that fit: MultipleNegativesRankingLoss"), fit::toString);
        Cli.Result unknown = Cli.fails("train", "--data",
                data.toString(), "--loss", "MultipleNegativeRankingLoss", "--output", out);
        assertTrue(unknown.err().contains("Unknown loss"), unknown::toString);
        Cli.Result missing = Cli.fails("train", "--data",
                dir.resolve("nope.jsonl").toString(), "--loss", "CoSENTLoss", "--output", out);
        assertTrue(missing.err().contains("nope.jsonl: file not found"), missing::toString);
        Cli.Result option = Cli.fails("train", "--data",
                data.toString(), "--loss", "MultipleNegativesRankingLoss", "--loss-option", "scale", "--output", out);
        assertTrue(option.err().contains("key=value"), option::toString);
    }

    @Test
    void columnPromptsReachTheTrainerAndTheCard(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("prompted");
        Cli.ok("train", "--data", pairs(dir).toString(), "--loss", "MultipleNegativesRankingLoss", "--model",
                tinyModel(), "--output", out.toString(), "--max-steps", "1", "--batch-size", "4", "--column-prompt", "anchor=query: ");
        assertTrue(Files.readString(out.resolve("README.md")).contains("query: "), "the card records the prompt");
        Cli.Result both = Cli.fails("train", "--data",
                pairs(dir).toString(), "--loss", "MultipleNegativesRankingLoss", "--output", dir.resolve("x").toString(),
                "--prompt", "q: ", "--column-prompt", "anchor=q: ");
        assertTrue(both.err().contains("not both"), both::toString);
        Cli.Result typo = Cli.fails("train", "--data",
                pairs(dir).toString(), "--loss", "MultipleNegativesRankingLoss", "--model", tinyModel(), "--output",
                dir.resolve("y").toString(), "--column-prompt", "anchr=q: ");
        assertTrue(typo.err().contains("column 'anchr'"), typo::toString);
    }
}
