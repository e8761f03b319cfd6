package org.sentence4j.trainer.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A dataset that cannot be loaded or built: a bad row, a missing field, a non-numeric score, an empty text,
 * files of different lengths. The message always says where: {@code file:line: problem} for files (lines
 * count from 1, the header included) and {@code dataset 'name', row i: problem} for data built in code
 * (rows count from 0), so a user can open the file at the right line.
 */
public class DatasetException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final int row;

    private DatasetException(String message, Path file, long line, int row, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
        this.row = row;
    }

    /** A problem at {@code line} (1-based) of {@code file}. */
    public static DatasetException at(Path file, long line, String problem) {
        return new DatasetException(file + ":" + line + ": " + problem, file, line, -1, null);
    }

    /** A problem at {@code line} of {@code file}, caused by {@code cause}. */
    public static DatasetException at(Path file, long line, String problem, Throwable cause) {
        return new DatasetException(file + ":" + line + ": " + problem, file, line, -1, cause);
    }

    /** A problem with a whole file (no line). */
    public static DatasetException inFile(Path file, String problem, Throwable cause) {
        return new DatasetException(file + ": " + problem, file, -1, -1, cause);
    }

    /** A problem at {@code row} (0-based) of a dataset built in code. */
    public static DatasetException inRow(String dataset, int row, String problem) {
        return new DatasetException("dataset '" + dataset + "', row " + row + ": " + problem, null, -1, row, null);
    }

    /** A problem with a dataset built in code, not tied to a row. */
    public static DatasetException of(String dataset, String problem) {
        return new DatasetException("dataset '" + dataset + "': " + problem, null, -1, -1, null);
    }

    /** The file, when the data came from one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The 1-based line in {@link #file()}, or -1. */
    public long line() {
        return line;
    }

    /** The 0-based row of a dataset built in code, or -1. */
    public int row() {
        return row;
    }
}
