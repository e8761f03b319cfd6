package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases of issue 16 as a user meets them: a separate JVM running the command line's {@code main}, so that the
 * exit code is the process's and standard error is all the terminal would show.
 */
class LauncherProcessTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run launch(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Sentence4j.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(dir.resolve("stderr.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command ends");
        Run r = new Run(p.exitValue(), Files.readString(dir.resolve("stdout.log")), Files.readString(dir.resolve("stderr.log")));
        Files.delete(dir.resolve("stdout.log"));
        Files.delete(dir.resolve("stderr.log"));
        return r;
    }

    private static void refused(Run r, String expected) {
        String all = "exit " + r.exitCode() + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err();
        assertEquals(2, r.exitCode(), all);
        assertEquals(List.of(expected), r.err().lines().filter(l -> !l.isBlank()).toList(), all);
        assertFalse(r.out().contains("\tat "), all);
    }

    @Test
    void theIssuesCasesFailWithOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path texts = Files.write(dir.resolve("texts.txt"), "first\nna\u00efve caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Path pairs = Files.writeString(dir.resolve("pairs.jsonl"), "{\"anchor\": \"a\", \"positive\": \"b\"}\n");
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        refused(launch(dir, "encode", "--input", texts.toString(), "--output", "out.jsonl"),
                "encode: --input " + texts + ":2: is not valid UTF-8 text (save it as UTF-8, or name its character set with --encoding)");
        refused(launch(dir, "encode", "--input", "texts.txt", "--output", "out.jsonl", "--encoding", "ISO-8859-1", "--batch-size", "0"),
                "encode: --batch-size must be > 0, not 0");
        refused(launch(dir, "train", "--data", pairs.toString(), "--loss", "MultipleNegativesRankingLoss", "--output", "m",
                "--batch-size", "0"), "train: --batch-size must be > 0, not 0");
        refused(launch(dir, "train", "--data", pairs.toString(), "--loss", "MultipleNegativesRankingLoss", "--output", "m",
                "--max-steps", "-3"), "train: --max-steps must be > 0, not -3");
        refused(launch(dir, "encode", "--input", "texts.txt", "--encoding", "ISO-8859-1", "--output", file.resolve("out.jsonl").toString()),
                "encode: --output " + file.resolve("out.jsonl") + " cannot be created: " + file + " is a file, not a folder");
        try (var left = Files.list(dir)) {
            assertEquals(List.of("a-file", "pairs.jsonl", "texts.txt"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing written");
        }
    }
}
