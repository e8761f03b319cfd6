package org.sentence4j.trainer.data;

import java.nio.file.Path;

/**
 * Entry points of the dataset readers. Every reader keeps the file as written (byte-identical data needs no
 * editing) and fails on a bad row with the file and the line.
 *
 * <pre>{@code
 * // STS Benchmark: tab-separated, no header, no quoting (sentences contain unbalanced quotes), 7 or 9 fields
 * Dataset sts = Datasets.tsv(dir.resolve("sts-train.csv")).header(false).quoting(false).fieldCounts(7, 9)
 *         .column("sentence1", 5).column("sentence2", 6).label("score", 4).labelScale(5).read();
 * // SICK: tab-separated with a header, CRLF
 * Dataset sick = Datasets.tsv(dir.resolve("SICK.txt")).quoting(false)
 *         .column("sentence_A").column("sentence_B").label("label", "entailment_label")
 *         .labelMapping(LabelMapping.nli()).read();
 * // SNLI in the line-aligned layout
 * Dataset snli = Datasets.lineFiles().column("premise", s1).column("hypothesis", s2)
 *         .label("label", labels).labelMapping(LabelMapping.nli()).read();
 * }</pre>
 */
public final class Datasets {

    private Datasets() {
    }

    /** A comma-separated file with a header row and RFC-4180 quoting (change with the reader's options). */
    public static DelimitedReader csv(Path file) {
        return new DelimitedReader(file, ',');
    }

    /** A tab-separated file with a header row and quoting (turn it off with {@code quoting(false)}). */
    public static DelimitedReader tsv(Path file) {
        return new DelimitedReader(file, '\t');
    }

    /** A JSON Lines file: one JSON object per line, the same keys on every line. */
    public static JsonLinesReader jsonLines(Path file) {
        return new JsonLinesReader(file);
    }

    /** Line-aligned files, one per column (line i of every file is row i), zipped into one dataset. */
    public static LineFilesReader lineFiles() {
        return new LineFilesReader();
    }
}
