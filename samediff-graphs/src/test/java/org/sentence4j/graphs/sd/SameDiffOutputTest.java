package org.sentence4j.graphs.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SameDiffOutputTest {

    @Test
    void dropsOnlySameDiffsPerOpLines() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            SameDiffOutput.quiet();
            System.out.println("step 1");
            System.out.println("Added differentiated op add_2");
            System.out.print("progress 50%\r");
            System.out.flush();
            System.out.println("done");
        } finally {
            System.setOut(original);
        }
        assertEquals("step 1\nprogress 50%\rdone\n", captured.toString(StandardCharsets.UTF_8));
    }
}
