package org.sentence4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.sentence4j.losses.LabelKind;

/** Every data error names the file and the line (or, for data built in code, the row). */
class DatasetErrorsTest {

    @TempDir
    Path tmp;

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static DatasetException fails(Path file, long line, String fragment, Executable read) {
        DatasetException e = assertThrows(DatasetException.class, read);
        String msg = e.getMessage();
        assertEquals(file, e.file().orElseThrow(), msg);
        assertEquals(line, e.line(), msg);
        assertTrue(msg.startsWith(file + ":" + line + ": "), msg);
        assertTrue(msg.contains(fragment), "expected '" + fragment + "' in: " + msg);
        return e;
    }

    private static DelimitedReader sts(Path p) {
        return Datasets.tsv(p).header(false).quoting(false).fieldCounts(7, 9)
                .column("sentence1", 5).column("sentence2", 6).label("score", 4).labelScale(5);
    }

    private static final String OK = "main-captions\tMSRvid\t2012test\t0001\t5.000\tA plane is taking off.\tAn air plane is taking off.\n";

    @Test
    void tsvMissingField() throws IOException {
        Path p = write("sts.csv", OK + OK + "main-captions\tMSRvid\t2012test\t0003\t3.8\tA man\n");
        fails(p, 3, "has 6 fields, expected 7 or 9", () -> sts(p).read());
        // without fieldCounts: the missing selected field is named
        fails(p, 3, "sentence2 (field 6) is missing", () -> Datasets.tsv(p).header(false).quoting(false)
                .column("sentence1", 5).column("sentence2", 6).label("score", 4).read());
    }

    @Test
    void tsvNonNumericScore() throws IOException {
        Path p = write("sts.csv", OK + "main-captions\tMSRvid\t2012test\t0002\tfive\tA\tB\n");
        fails(p, 2, "score 'five' is not a number", () -> sts(p).read());
        Path q = write("sts2.csv", OK + "main-captions\tMSRvid\t2012test\t0002\tNaN\tA\tB\n");
        fails(q, 2, "score 'NaN' is not a number", () -> sts(q).read());
        Path r = write("sts3.csv", OK + OK + "main-captions\tMSRvid\t2012test\t0002\t\tA\tB\n");
        fails(r, 3, "score is empty", () -> sts(r).read());
    }

    @Test
    void tsvEmptyText() throws IOException {
        Path p = write("sts.csv", OK + "main-captions\tMSRvid\t2012test\t0002\t1.0\tA\t  \n");
        fails(p, 2, "sentence2 (field 6) is empty", () -> sts(p).read());
        // allowed on request
        assertEquals(2, sts(p).allowEmptyText(true).read().size());
    }

    @Test
    void csvHeaderErrorsAndLineNumbersAfterBlankAndMultiLineRows() throws IOException {
        Path p = write("a.csv", "s1,s2,score\r\n\r\n\"x\ny\",b,1\r\nc,d\r\n");
        fails(p, 5, "has 2 fields, the header has 3", () -> Datasets.csv(p).read());
        fails(p, 1, "no header field 'sentence1'", () -> Datasets.csv(p).column("sentence1").read());
        Path q = write("b.csv", "s1,s2,score\na,b,0.5\nc,,0.1\n");
        fails(q, 3, "s2 (field 's2') is empty", () -> Datasets.csv(q).read());
        Path r = write("c.csv", "s1,s2,score\na,b,0.5\nc,d,high\n");
        fails(r, 3, "score 'high' is not a number", () -> Datasets.csv(r).read());
        assertThrows(IllegalArgumentException.class, () -> Datasets.csv(q).header(false).column("s1").read());
        Path both = write("d.csv", "s1,label,score\na,1,0.5\n");
        fails(both, 1, "both 'label' and 'score'", () -> Datasets.csv(both).read());
    }

    @Test
    void csvMalformedQuoting() throws IOException {
        Path p = write("q.csv", "s1,s2\na,b\n\"x\"y,z\n");
        fails(p, 3, "malformed row", () -> Datasets.csv(p).read());
        Path eof = write("e.csv", "s1,s2\na,b\nc,\"open\n");
        fails(eof, 3, "malformed row", () -> Datasets.csv(eof).read());
    }

    @Test
    void textLabelWithoutOrOutsideMapping() throws IOException {
        Path p = write("nli.tsv", "premise\thypothesis\tlabel\na\tb\tentailment\nc\td\tneutral\ne\tf\tmaybe\n");
        fails(p, 2, "label 'entailment' is not a number (text labels need a labelMapping", () -> Datasets.tsv(p).read());
        fails(p, 4, "label 'maybe' is not in the label mapping {entailment=0, neutral=1, contradiction=2",
                () -> Datasets.tsv(p).labelMapping(LabelMapping.nli()).read());
    }

    @Test
    void labelKindOverrideIsChecked() throws IOException {
        Path p = write("b.csv", "a,b,label\nx,y,1\nz,w,2\n");
        fails(p, 3, "is not 0 or 1 (labelKind BINARY)", () -> Datasets.csv(p).labelKind(LabelKind.BINARY).read());
        Path q = write("c.csv", "a,b,label\nx,y,1\nz,w,0.5\n");
        fails(q, 3, "not an integer class id", () -> Datasets.csv(q).labelKind(LabelKind.CLASS).read());
    }

    @Test
    void jsonLinesErrors() throws IOException {
        Function<String, Path> w = s -> {
            try {
                return write("x" + s.hashCode() + ".jsonl", s);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        };
        String ok = "{\"anchor\": \"a\", \"positive\": \"b\", \"score\": 0.5}\n";
        Path missing = w.apply(ok + ok + "{\"anchor\": \"a\", \"score\": 0.5}\n");
        fails(missing, 3, "missing field 'positive'", () -> Datasets.jsonLines(missing).read());
        Path noScore = w.apply(ok + "{\"anchor\": \"a\", \"positive\": \"b\"}\n");
        fails(noScore, 2, "missing field 'score'", () -> Datasets.jsonLines(noScore).read());
        Path nonNumeric = w.apply(ok + "\n{\"anchor\": \"a\", \"positive\": \"b\", \"score\": \"high\"}\n");
        fails(nonNumeric, 3, "score \"high\" is text, not a number", () -> Datasets.jsonLines(nonNumeric).read());
        Path empty = w.apply(ok + "{\"anchor\": \"\", \"positive\": \"b\", \"score\": 0.5}\n");
        fails(empty, 2, "field 'anchor' is empty", () -> Datasets.jsonLines(empty).read());
        Path notText = w.apply(ok + "{\"anchor\": 5, \"positive\": \"b\", \"score\": 0.5}\n");
        fails(notText, 2, "field 'anchor' is a JSON number, not a text", () -> Datasets.jsonLines(notText).read());
        Path badJson = w.apply(ok + "{\"anchor\": \"a\", \"positive\": \"b\", \"score\": 0.5\n");
        fails(badJson, 2, "is not valid JSON", () -> Datasets.jsonLines(badJson).read());
        Path extra = w.apply(ok + "{\"anchor\": \"a\", \"positive\": \"b\", \"score\": 0.5, \"id\": 1}\n");
        fails(extra, 2, "unexpected field 'id'", () -> Datasets.jsonLines(extra).read());
        Path dup = w.apply(ok + "{\"anchor\": \"a\", \"anchor\": \"b\", \"score\": 0.5}\n");
        fails(dup, 2, "Duplicate field 'anchor'", () -> Datasets.jsonLines(dup).read());
        Path array = w.apply(ok + "[1, 2]\n");
        fails(array, 2, "is a JSON array, not an object", () -> Datasets.jsonLines(array).read());
        Path width = w.apply("{\"t\": \"a\", \"label\": [1, 2]}\n{\"t\": \"b\", \"label\": [1, 2, 3]}\n");
        fails(width, 2, "label has 3 values, earlier rows have 2", () -> Datasets.jsonLines(width).read());
        Path mixed = w.apply("{\"t\": \"a\", \"label\": [1, 2]}\n{\"t\": \"b\", \"label\": 1}\n");
        fails(mixed, 2, "label is a single value but earlier rows hold lists", () -> Datasets.jsonLines(mixed).read());
    }

    @Test
    void lineFilesOfDifferentLengthsAndEmptyLines() throws IOException {
        Path s1 = write("s1", "a \nb \nc \n");
        Path s2 = write("s2", "x \ny \n");
        Path labels = write("labels", "entailment\nneutral\ncontradiction\n");
        fails(s2, 3, "missing line: the file has 2 lines", () -> Datasets.lineFiles()
                .column("premise", s1).column("hypothesis", s2).label("label", labels)
                .labelMapping(LabelMapping.nli()).read());
        Path s2b = write("s2b", "x \n\nz \n");
        fails(s2b, 2, "column hypothesis is empty", () -> Datasets.lineFiles()
                .column("premise", s1).column("hypothesis", s2b).read());
        Path badLabels = write("labels2", "entailment\n-\ncontradiction");
        fails(badLabels, 2, "label '-' is not in the label mapping", () -> Datasets.lineFiles()
                .column("premise", s1).column("hypothesis", s1).label("label", badLabels)
                .labelMapping(LabelMapping.nli()).read());
    }

    @Test
    void invalidUtf8AndMissingFile() throws IOException {
        Path p = tmp.resolve("bad.tsv");
        Files.write(p, new byte[]{'a', '\t', 'b', '\n', 'c', '\t', (byte) 0xC3, (byte) 0x28, '\n'});
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.tsv(p).header(false)
                .column("x", 0).column("y", 1).read());
        assertTrue(e.getMessage().startsWith(p + ":2: is not valid UTF-8"), e.getMessage());
        assertEquals(2, e.line());
        Path j = tmp.resolve("bad.jsonl");
        Files.write(j, "{\"t\": \"a\"}\n{\"t\": \"b\"}\n{\"t\": \"\u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        fails(j, 3, "is not valid UTF-8", () -> Datasets.jsonLines(j).read());
        Path none = tmp.resolve("none.csv");
        DatasetException m = assertThrows(DatasetException.class, () -> Datasets.csv(none).read());
        assertTrue(m.getMessage().contains("file not found"), m.getMessage());
    }

    @Test
    void inCodeErrorsNameTheRow() {
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.builder("d")
                .column("a", List.of("x", "", "z")).build());
        assertEquals("dataset 'd', row 1: column 'a' is empty", e.getMessage());
        assertEquals(1, e.row());
        DatasetException n = assertThrows(DatasetException.class, () -> Dataset.builder("d")
                .column("a", List.of("x", "y")).column("score", List.of(0.5, "high")).build());
        assertTrue(n.getMessage().startsWith("dataset 'd', row 1: score \"high\" is text"), n.getMessage());
        DatasetException len = assertThrows(DatasetException.class, () -> Dataset.builder("d")
                .column("a", List.of("x", "y")).column("b", List.of("x")).build());
        assertTrue(len.getMessage().contains("column 'b' has 1 rows, column 'a' has 2"), len.getMessage());
    }
}
