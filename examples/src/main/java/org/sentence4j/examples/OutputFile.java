package org.sentence4j.examples;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output file written in two steps: first to a temporary file beside it (created when the command starts,
 * so that a location that cannot be written fails before any work, naming the path), then moved over the
 * output on {@link #commit()}. Closing without a commit deletes the temporary file: a failed or interrupted
 * command leaves the output as it was.
 */
final class OutputFile implements AutoCloseable {

    private final Path target;
    private final Path temporary;
    private boolean committed;

    private OutputFile(Path target, Path temporary) {
        this.target = target;
        this.temporary = temporary;
    }

    /** Opens {@code target} for replacement; the option name is used in the error if it cannot be written. */
    static OutputFile replacing(String option, Path target) {
        Path absolute = target.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".partial");
            return new OutputFile(absolute, tmp);
        } catch (IOException e) {
            throw new UsageException(option + " " + target + " cannot be written: " + reason(e));
        }
    }

    /** Where to write the content. */
    Path temporary() {
        return temporary;
    }

    /** Moves the written content over the output. */
    void commit() throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(temporary);
        }
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
