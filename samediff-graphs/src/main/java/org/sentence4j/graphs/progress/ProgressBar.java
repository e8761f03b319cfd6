package org.sentence4j.graphs.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress display for long work (encoding many texts, training steps): done/total, rate, ETA, and a
 * free-form status such as the current loss. On a terminal it redraws one line; in a log (CI, a file) it
 * writes a plain line at most every {@code logInterval} and always at the end, so logs stay readable.
 */
public final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 24;

    private final String label;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long logIntervalNanos;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private long lastDraw = Long.MIN_VALUE;
    private String status = "";
    private boolean closed;

    /**
     * @param label  what is being done, e.g. "encode"
     * @param total  units of work in all
     * @param unit   name of one unit, e.g. "texts" or "steps"
     */
    public ProgressBar(String label, long total, String unit) {
        this(label, total, unit, System.err, System.console() != null, 10_000_000_000L, System::nanoTime);
    }

    /** Full control, for tests: where to write, whether to redraw in place, how often to log, the clock. */
    public ProgressBar(String label, long total, String unit, PrintStream out, boolean interactive, long logIntervalNanos,
                       LongSupplier clock) {
        this.label = label;
        this.total = Math.max(total, 0);
        this.unit = unit;
        this.out = out;
        this.interactive = interactive;
        this.logIntervalNanos = logIntervalNanos;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** Records {@code n} more units done and redraws if it is time to. */
    public synchronized void advance(long n) {
        done = Math.min(total, done + n);
        long now = clock.getAsLong();
        long interval = interactive ? 200_000_000L : logIntervalNanos;
        if (lastDraw == Long.MIN_VALUE || now - lastDraw >= interval) {
            draw(now, false);
        }
    }

    /** A status shown after the rate, e.g. {@code loss=0.4312}. */
    public synchronized void status(String status) {
        this.status = status == null ? "" : status;
    }

    /** Units done per second so far. */
    public synchronized double rate() {
        double seconds = (clock.getAsLong() - start) / 1e9;
        return seconds <= 0 ? 0 : done / seconds;
    }

    /** The line as it would be drawn now. */
    public synchronized String render() {
        return line(clock.getAsLong());
    }

    private String line(long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds <= 0 ? 0 : done / seconds;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        String eta = rate <= 0 ? "--:--" : clock((long) ((total - done) / rate));
        String s = String.format(Locale.ROOT, "%s [%s] %d/%d %s  %.2f %s/s  elapsed %s  ETA %s", label, bar, done, total, unit,
                rate, unit, clock((long) seconds), eta);
        return status.isEmpty() ? s : s + "  " + status;
    }

    private static String clock(long seconds) {
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%02d:%02d", m, s);
    }

    private void draw(long now, boolean last) {
        lastDraw = now;
        if (interactive) {
            out.print("\r" + line(now) + (last ? "\n" : ""));
        } else {
            out.println(line(now));
        }
        out.flush();
    }

    /** Draws the final state once. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            draw(clock.getAsLong(), true);
        }
    }
}
