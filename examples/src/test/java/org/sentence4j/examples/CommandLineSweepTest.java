package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of every command, given bad values (zero, negative, non-numeric, empty, a missing file, a folder
 * for a file, an output that cannot be created): the command exits with 2, prints one line on standard error
 * that names the option or the value, prints no stack trace, and writes nothing.
 *
 * <p>The options are read from the command line's own model, so an option added without bad values here fails
 * {@link #everyOptionOfEveryCommandRejectsBadValues}: the sweep cannot fall behind the commands.
 */
class CommandLineSweepTest {

    /** Options that take any value (free text) or none, and why they have no bad values. */
    private static final Map<String, String> ANY_VALUE = Map.of(
            "--prompt", "any text is a prompt",
            "--help", "a flag",
            "--debug", "a flag");

    private Path dir;
    private Path texts;
    private Path pairs;
    private Path folder;
    private Path out;

    private void inputs(Path tmp) throws IOException {
        dir = tmp;
        texts = Files.write(dir.resolve("in.txt"), List.of("one", "two"), StandardCharsets.UTF_8);
        pairs = Files.write(dir.resolve("pairs.jsonl"), List.of("{\"anchor\": \"a\", \"positive\": \"b\"}",
                "{\"anchor\": \"c\", \"positive\": \"d\"}"), StandardCharsets.UTF_8);
        folder = Files.createDirectories(dir.resolve("folder"));
        Files.writeString(folder.resolve("note.md"), "not a data file");
        Files.writeString(dir.resolve("data.xml"), "<a/>");
        out = dir.resolve("out");
    }

    /** A command line of each command that is valid, so that one bad option is what fails it. */
    private Map<String, List<String>> base() {
        Map<String, List<String>> b = new LinkedHashMap<>();
        List<String> train = List.of("--data", pairs.toString(), "--loss", "MultipleNegativesRankingLoss", "--output",
                out.resolve("model").toString());
        b.put("quickstart", List.of("--output", out.resolve("quick").toString()));
        b.put("train", train);
        b.put("encode", List.of("--input", texts.toString(), "--output", out.resolve("e.jsonl").toString()));
        b.put("save-model", List.of("--output", out.resolve("saved").toString()));
        b.put("example", List.of("sts-cosent", "--output", out.resolve("example").toString()));
        b.put("demo", List.of());
        b.put("losses", List.of());
        b.put("spark-encode", List.of("--input", texts.toString(), "--output", out.resolve("parquet").toString()));
        List<String> sparkTrain = new ArrayList<>(train);
        sparkTrain.addAll(List.of("--master", "local[1]"));
        b.put("spark-train", sparkTrain);
        b.put("spark-bench", List.of());
        b.put("bench", List.of("--mode", "encode"));
        b.put("help", List.of());
        return b;
    }

    /** Bad values of an option, by command ("encode --output") or for every command that has it ("--batch-size"). */
    private List<String> badValues(String command, String option) {
        String missingFile = dir.resolve("missing.txt").toString();
        String underAFile = texts.resolve("sub").toString();
        List<String> model = List.of("", dir.resolve("no/such/model").toString(), texts.toString());
        List<String> inputFile = List.of("", missingFile, folder.toString());
        List<String> outputFolder = List.of("", texts.toString(), underAFile);
        List<String> positiveInt = List.of("0", "-3", "abc", "", "1.5");
        List<String> nonNegativeInt = List.of("-1", "abc", "");
        List<String> positiveNumber = List.of("0", "-1", "abc", "NaN", "Infinity", "");
        List<String> master = List.of("", "nonsense", "local[x]");
        List<String> size = List.of("", "lots", "0");
        return switch (command + " " + option) {
            case "encode --output" -> List.of("", folder.toString(), underAFile + ".jsonl");
            case "spark-encode --output" -> List.of("", folder.toString(), underAFile);
            case "save-model --output" -> List.of("", texts.toString(), underAFile, folder.toString());
            case "spark-encode --input" -> List.of("", missingFile, folder.toString(), dir.resolve("data.xml").toString());
            case "train --data", "spark-train --data" -> List.of("", missingFile, folder.toString(), dir.resolve("data.xml").toString());
            case "bench --loss" -> List.of("", "NoSuchLoss");
            case "bench --seq" -> List.of("1", "-3", "abc", "");
            case "spark-bench --steps" -> List.of("1", "abc", "");
            default -> switch (option) {
                case "--output" -> outputFolder;
                case "--input", "--eval", "--eval-data" -> inputFile;
                case "--model", "--guide" -> model;
                case "--batch-size", "--batch", "--tasks", "--iters", "--threads", "--rounds", "--dim", "--max-steps",
                        "--eval-rows", "--gradient-accumulation-steps", "--logging-steps", "--save-total-limit" -> positiveInt;
                case "--truncate-dim", "--partitions", "--warmup", "--eval-steps", "--save-steps" -> nonNegativeInt;
                case "--epochs", "--lr", "--label-scale" -> positiveNumber;
                case "--warmup-ratio" -> List.of("-0.1", "1.5", "abc", "NaN", "");
                case "--weight-decay", "--max-grad-norm" -> List.of("-1", "abc", "NaN", "");
                case "--seed" -> List.of("abc", "", "1.5");
                case "--loss", "--base-loss" -> List.of("", "NoSuchLoss");
                case "--loss-option", "--base-loss-option" -> List.of("noequals", "=x", "");
                case "--column-prompt" -> List.of("noequals", "=x", "nosuchcolumn=x");
                case "--prompt-name", "--text-column" -> List.of("", " ");
                case "--encoding" -> List.of("nope", "");
                case "--batch-sampler" -> List.of("foo", "");
                case "--resume" -> List.of("maybe");
                case "--master" -> master;
                case "--executor-offheap" -> size;
                case "--mode" -> List.of("fly", "");
                case "--architecture" -> List.of("gpt", "");
                case "--callers" -> List.of("0", "a,b", "");
                default -> null;
            };
        };
    }

    @Test
    void everyOptionOfEveryCommandRejectsBadValues(@TempDir Path tmp) throws IOException {
        inputs(tmp);
        Set<String> before = listing();
        Map<String, List<String>> base = base();
        CommandLine top = new CommandLine(new Sentence4j());
        assertEquals(new TreeSet<>(top.getSubcommands().keySet()), new TreeSet<>(base.keySet()), "a base command line per command");
        int cases = 0;
        List<String> uncovered = new ArrayList<>();
        for (Map.Entry<String, CommandLine> c : top.getSubcommands().entrySet()) {
            String command = c.getKey();
            for (OptionSpec option : c.getValue().getCommandSpec().options()) {
                String name = option.longestName();
                if (ANY_VALUE.containsKey(name)) {
                    continue;
                }
                List<String> bad = badValues(command, name);
                if (bad == null) {
                    uncovered.add(command + " " + name);
                    continue;
                }
                for (String value : bad) {
                    List<String> args = with(base.get(command), name, value);
                    args.add(0, command);
                    check(Cli.run(args.toArray(String[]::new)), name, value, before);
                    cases++;
                }
                if (option.arity().min() > 0) {
                    // the option last, without its value
                    List<String> args = new ArrayList<>(without(base.get(command), name));
                    args.add(0, command);
                    args.add(name);
                    check(Cli.run(args.toArray(String[]::new)), name, null, before);
                    cases++;
                }
            }
            // an option no command has, and a stray argument
            check(Cli.run(Stream.concat(Stream.of(command), Stream.concat(base.get(command).stream(), Stream.of("--no-such-option")))
                    .toArray(String[]::new)), "--no-such-option", null, before);
            if (!command.equals("example") && !command.equals("help")) {
                check(Cli.run(Stream.concat(Stream.of(command), Stream.concat(base.get(command).stream(), Stream.of("stray")))
                        .toArray(String[]::new)), "stray", null, before);
            }
            cases += 2;
        }
        assertTrue(uncovered.isEmpty(), "options without bad values in the sweep: " + uncovered);
        assertTrue(cases > 300, "cases: " + cases);
    }

    @Test
    void pairsOfOptionsThatExcludeEachOtherAndPositionals(@TempDir Path tmp) throws IOException {
        inputs(tmp);
        Set<String> before = listing();
        Map<String, List<String>> base = base();
        check(run(base, "train", "--epochs", "1", "--max-steps", "5"), "--max-steps", null, before);
        check(run(base, "train", "--prompt", "q: ", "--column-prompt", "anchor=q: "), "--column-prompt", null, before);
        check(run(base, "train", "--base-loss-option", "a=1"), "--base-loss-option", null, before);
        check(run(base, "encode", "--prompt", "q: ", "--prompt-name", "query"), "--prompt-name", null, before);
        check(run(base, "bench", "--model", folder.toString(), "--architecture", "bert"), "--architecture", null, before);
        check(Cli.run("bench", "--mode", "train", "--callers", "2"), "--callers", null, before);
        check(Cli.run("example", "no-such-example"), "no-such-example", null, before);
        check(Cli.run("example", "--max-steps", "3"), "name", null, before);
        check(Cli.run("help", "no-such-command"), "no-such-command", null, before);
        check(Cli.run("no-such-command"), "no-such-command", null, before);
    }

    /** An encode input that is not UTF-8: the file and the line, and the option that reads it otherwise. */
    @Test
    void textThatIsNotUtf8NamesItsFileAndLine(@TempDir Path tmp) throws IOException {
        inputs(tmp);
        Path latin = dir.resolve("latin1.txt");
        Files.write(latin, "first line\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        Set<String> before = listing();
        Cli.Result r = Cli.fails("encode", "--input", latin.toString(), "--output", out.resolve("e.jsonl").toString());
        check(r, "--input", null, before);
        assertTrue(r.err().contains(latin + ":2: is not valid UTF-8 text") && r.err().contains("--encoding"), r::toString);
        Cli.Result data = Cli.fails("train", "--data", copyAs(latin, "latin1-data.txt").toString(), "--loss", "ContrastiveTensionLoss",
                "--output", out.resolve("m").toString());
        assertTrue(data.err().contains("latin1-data.txt:2: is not valid UTF-8 text"), data::toString);
        Files.delete(dir.resolve("latin1-data.txt"));
        assertEquals(before, listing());
        // read as what it is, the text arrives intact
        Path output = dir.resolve("latin.jsonl");
        Cli.ok("encode", "--input", latin.toString(), "--output", output.toString(), "--encoding", "ISO-8859-1");
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).startsWith("{\"text\":\"caf\u00e9 au lait\""), lines.get(1));
    }

    @Test
    void emptyInputIsRefused(@TempDir Path tmp) throws IOException {
        inputs(tmp);
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        Set<String> before = listing();
        Cli.Result r = Cli.fails("encode", "--input", empty.toString(), "--output", out.resolve("e.jsonl").toString());
        check(r, "--input", null, before);
        assertTrue(r.err().contains("has no lines"), r::toString);
    }

    /** {@code --debug} adds the stack trace under the same one-line message. */
    @Test
    void debugShowsTheStackTrace(@TempDir Path tmp) throws IOException {
        inputs(tmp);
        Cli.Result r = Cli.fails("encode", "--input", texts.toString(), "--output", out.resolve("e.jsonl").toString(),
                "--batch-size", "0", "--debug");
        assertTrue(r.errLines().get(0).equals("encode: --batch-size must be > 0, not 0"), r::toString);
        assertTrue(r.err().contains("\tat org.sentence4j.examples.Checks.positive"), r::toString);
    }

    private Cli.Result run(Map<String, List<String>> base, String command, String... extra) {
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(base.get(command));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    /** The command line of {@code command}'s base with {@code option} set to {@code value} (replacing a given one). */
    private static List<String> with(List<String> base, String option, String value) {
        List<String> args = new ArrayList<>(without(base, option));
        args.add(option);
        args.add(value);
        return args;
    }

    private static List<String> without(List<String> base, String option) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (base.get(i).equals(option)) {
                i++;
            } else {
                args.add(base.get(i));
            }
        }
        return args;
    }

    /**
     * Exit code 2, exactly one line on standard error naming the option (or the value), no stack trace, and the
     * work folder as it was: nothing written.
     */
    private void check(Cli.Result r, String option, String value, Set<String> before) throws IOException {
        String what = r.toString();
        assertEquals(2, r.exitCode(), what);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), "one line on standard error: " + what);
        String line = lines.get(0);
        boolean named = line.contains(option) || (value != null && !value.isBlank() && line.contains(value.strip()));
        assertTrue(named, "the message names " + option + (value != null ? " or '" + value + "'" : "") + ": " + what);
        assertFalse(r.err().contains("\tat ") || r.out().contains("\tat ") || r.err().contains("Exception in thread"),
                "no stack trace: " + what);
        assertFalse(Files.exists(out), "nothing written to the output: " + what);
        assertEquals(before, listing(), "the work folder is unchanged: " + what);
    }

    private Set<String> listing() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p) + (Files.isDirectory(p) ? "/" : "")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private Path copyAs(Path file, String name) throws IOException {
        return Files.copy(file, dir.resolve(name));
    }

}
