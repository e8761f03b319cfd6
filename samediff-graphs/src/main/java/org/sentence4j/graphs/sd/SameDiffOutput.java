package org.sentence4j.graphs.sd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SameDiff 1.0.0-M2.1 prints {@code Added differentiated op <name>} with {@code System.out.println} for every op
 * when it first builds a gradient function (hundreds of lines for an encoder), with no switch to turn it off. A
 * library must not write to its user's standard output, so {@link #withoutOpMessages} runs the gradient build
 * with those lines taken off {@code System.out} and sent to SLF4J at TRACE (logger
 * {@code org.sentence4j.graphs.sd.SameDiffOutput}); every other line passes through unchanged, as do lines
 * printed by other threads meanwhile. {@link #quiet()} does the same for the whole process (the command line).
 */
public final class SameDiffOutput {

    private static final String NOISE = "Added differentiated op ";
    private static final Logger LOG = LoggerFactory.getLogger(SameDiffOutput.class);

    /** Nesting depth of {@link #withoutOpMessages} calls, and the stream they replaced; guarded by the class. */
    private static int depth;
    private static PrintStream replaced;
    private static Filtered installed;

    private SameDiffOutput() {
    }

    /** Replaces {@code System.out} for good by a stream that drops SameDiff's per-op messages. Idempotent. */
    public static synchronized void quiet() {
        if (System.out instanceof Filtered) {
            return;
        }
        System.setOut(new Filtered(System.out, LOG::trace));
    }

    /**
     * Runs {@code action} (e.g. {@code sd.createGradFunction()}) with SameDiff's per-op lines filtered out of
     * {@code System.out}, then puts the original stream back, unless someone else replaced it in between.
     */
    public static <T> T withoutOpMessages(Supplier<T> action) {
        enter();
        try {
            return action.get();
        } finally {
            exit();
        }
    }

    private static synchronized void enter() {
        if (depth++ == 0 && !(System.out instanceof Filtered)) {
            replaced = System.out;
            installed = new Filtered(replaced, LOG::trace);
            System.setOut(installed);
        }
    }

    private static synchronized void exit() {
        if (--depth == 0 && installed != null) {
            installed.flush();
            if (System.out == installed) {
                System.setOut(replaced);
            }
            installed = null;
            replaced = null;
        }
    }

    /** A print stream that forwards whole lines, except SameDiff's per-op messages. */
    private static final class Filtered extends PrintStream {
        Filtered(PrintStream target, Consumer<String> dropped) {
            super(new LineFilter(target, dropped), true, StandardCharsets.UTF_8);
        }
    }

    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final Consumer<String> dropped;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target, Consumer<String> dropped) {
            this.target = target;
            this.dropped = dropped;
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
            if (s.startsWith(NOISE)) {
                dropped.accept(s.strip());
            } else {
                target.print(s);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
