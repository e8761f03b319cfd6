package org.sentence4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Runs {@code ./sentence4j} command lines in the test JVM through {@link Sentence4j#execute}, the launcher's own
 * entry point, and captures what they print and their exit code.
 */
final class Cli {

    /** What one command line printed and returned. */
    record Result(String[] args, int exitCode, String out, String err) {

        /** The non-empty lines on standard error. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "./sentence4j " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    private Cli() {
    }

    /** Runs one command line; standard output and error are captured (and restored afterwards). */
    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Sentence4j.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Result r = new Result(args.clone(), code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        oldOut.print(r.out());
        return r;
    }

    /** Runs a command line that must succeed. */
    static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.exitCode(), () -> r.toString());
        return r;
    }

    /** Runs a command line that must fail; returns its result for the message checks. */
    static Result fails(String... args) {
        Result r = run(args);
        assertNotEquals(0, r.exitCode(), () -> r.toString());
        return r;
    }

    /** {@code first} followed by {@code rest}. */
    static String[] concat(String[] first, String... rest) {
        String[] all = Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
