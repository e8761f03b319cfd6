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

    /**
     * A real gradient build through the library's one entry ({@link SessionMemory#gradientsAndOutputs}): SameDiff's
     * per-op lines do not reach standard output, other output does, and the caller's stream is back afterwards.
     */
    @Test
    void gradientBuildsPrintNothingOnTheCallersStdout() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream mine = new PrintStream(captured, true, StandardCharsets.UTF_8);
        try {
            System.setOut(mine);
            org.nd4j.autodiff.samediff.SameDiff sd = org.nd4j.autodiff.samediff.SameDiff.create();
            org.nd4j.autodiff.samediff.SDVariable x = sd.placeHolder("x", org.nd4j.linalg.api.buffer.DataType.FLOAT, -1, 3);
            org.nd4j.autodiff.samediff.SDVariable w = sd.var("w", org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 2));
            org.nd4j.autodiff.samediff.SDVariable loss = sd.math().tanh(x.mmul(w)).mul(2.0).sum("loss");
            loss.markAsLoss();
            var r = SessionMemory.gradientsAndOutputs(sd,
                    java.util.Map.of("x", org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3)),
                    java.util.List.of("loss"), java.util.List.of("w"));
            System.out.println("after");
            assertEquals(mine, System.out, "the caller's stream is back");
            assertEquals(2, r.getGradients().get("w").rank());
        } finally {
            System.setOut(original);
        }
        assertEquals("after\n", captured.toString(StandardCharsets.UTF_8));
    }
}
