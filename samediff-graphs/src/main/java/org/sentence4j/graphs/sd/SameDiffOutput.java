package org.sentence4j.graphs.sd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * SameDiff 1.0.0-M2.1 prints {@code Added differentiated op <name>} to standard output for every op when it
 * first builds a gradient function (hundreds of lines for an encoder). Commands call {@link #quiet()} so
 * that their own output stays readable; the lines are dropped, everything else passes through unchanged.
 */
public final class SameDiffOutput {

    private static final String NOISE = "Added differentiated op ";

    private SameDiffOutput() {
    }

    /** Replaces {@code System.out} by a stream that drops SameDiff's per-op messages. Idempotent. */
    public static synchronized void quiet() {
        if (System.out instanceof Filtered) {
            return;
        }
        System.setOut(new Filtered(System.out));
    }

    /** A print stream that forwards whole lines, except SameDiff's per-op messages. */
    private static final class Filtered extends PrintStream {
        Filtered(PrintStream target) {
            super(new LineFilter(target), true, StandardCharsets.UTF_8);
        }
    }

    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public synchronized void flush() {
            // a partial line (a progress bar redrawn with \r) is passed through at once
            String s = line.toString(StandardCharsets.UTF_8);
            if (!s.isEmpty() && !NOISE.startsWith(s) && !s.startsWith(NOISE)) {
                target.print(s);
                line.reset();
            }
            target.flush();
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (!s.startsWith(NOISE)) {
                target.print(s);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
