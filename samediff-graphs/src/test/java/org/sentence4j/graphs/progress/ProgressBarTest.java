package org.sentence4j.graphs.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void showsCountRateAndEtaAndLogsAtIntervals() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar("encode", 100, "texts", out, false, 10_000_000_000L, now::get);
        bar.advance(0);                       // first call draws
        now.set(5_000_000_000L);
        bar.advance(25);                      // 5 s later: not yet time to log again
        assertEquals(1, buf.toString(StandardCharsets.UTF_8).lines().count());
        now.set(10_000_000_000L);
        bar.status("loss=0.5000");
        bar.advance(25);                      // 10 s: logs, 50 done at 5 texts/s, 10 s left
        String line = buf.toString(StandardCharsets.UTF_8).lines().toList().get(1);
        assertTrue(line.contains("50/100 texts"), line);
        assertTrue(line.contains("5.00 texts/s"), line);
        assertTrue(line.contains("ETA 00:10"), line);
        assertTrue(line.endsWith("loss=0.5000"), line);
        bar.close();
        bar.close();
        assertEquals(3, buf.toString(StandardCharsets.UTF_8).lines().count(), "close draws once");
    }

    @Test
    void interactiveRedrawsInPlace() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("train", 4, "steps", new PrintStream(buf, true, StandardCharsets.UTF_8), true, 0, now::get);
        bar.advance(1);
        now.set(1_000_000_000L);
        bar.advance(3);
        bar.close();
        String s = buf.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\rtrain ["), s);
        assertTrue(s.contains("4/4 steps"), s);
        assertTrue(s.endsWith("\n"), s);
    }
}
