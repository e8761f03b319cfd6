package org.sentence4j.graphs.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.eager.VectorKernels;
import org.sentence4j.graphs.text.TokenBatch;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (a library user who did not add it) runs
 * the encoder on the ND4J and scalar-Java routes: no class of the vector kernels is loaded, and a training
 * pass gives the same numbers as this JVM with the kernels switched off.
 */
class WithoutVectorModuleTest {

    /** Child entry point: prints whether the module is there, then the pass's figures. */
    public static void main(String[] args) {
        System.out.println("module=" + VectorKernels.moduleLoaded());
        System.out.println(run());
    }

    /** A float32 training pass on a small BERT with dropout; its embedding and two gradients as text. */
    static String run() {
        BertConfig config = new BertConfig(40, 32, 2, 2, 64, 32, 2, 1e-12, "gelu", 0.1, 0.1);
        BertEncoder enc = BertEncoder.builder(config).weights(BertInitializer.gaussian(config, 5, 0.3))
                .dataType(DataType.FLOAT).build();
        TokenBatch batch = TinyBert.batch(new long[][] {{2, 5, 7, 5, 9, 30}, {3, 11, 4, 0, 0, 0}},
                new long[][] {{0, 0, 1, 1, 1, 1}, {0, 1, 1, 0, 0, 0}}, new int[] {6, 3});
        EagerEncoder eager = enc.eager();
        EagerEncoder.Pass pass = eager.forward("c", batch, 2,
                DropoutMasks.sample(config, 2, 2, 6, 3, DataType.FLOAT), true, false);
        Nd4j.getRandom().setSeed(2);
        Map<String, INDArray> grads = eager.zeroGradients();
        eager.backward(pass, Nd4j.randn(DataType.FLOAT, 2, 32), List.of(), grads);
        return "embedding=" + java.util.Arrays.toString(pass.sentenceEmbedding().reshape(-1).toFloatVector())
                + " query=" + grads.get(BertTensorNames.query(0, "weight")).sumNumber().floatValue()
                + " words=" + grads.get(BertTensorNames.WORD_EMBEDDINGS).norm2Number().floatValue();
    }

    @Test
    void theEncoderRunsWithoutTheModuleOnTheScalarRoutes() throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath));
        for (String prop : List.of("org.bytedeco.javacpp.cachedir", "org.bytedeco.javacpp.maxbytes",
                "org.bytedeco.javacpp.maxphysicalbytes")) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.add(WithoutVectorModuleTest.class.getName());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, child.exitValue(), "child JVM failed:\n" + out + err);
        String[] lines = out.strip().split("\n");
        assertEquals("module=false", lines[lines.length - 2]);

        System.setProperty("sentence4j.eager.noVectorKernels", "true");
        String expected;
        try {
            expected = run();
        } finally {
            System.clearProperty("sentence4j.eager.noVectorKernels");
        }
        assertEquals(expected, lines[lines.length - 1], "same figures as the kernels switched off here");
        // and with the kernels on (this JVM has the module) the same pass agrees to float32 rounding
        assertTrue(VectorKernels.enabled());
        double[] scalar = embedding(expected);
        double[] vector = embedding(run());
        assertEquals(scalar.length, vector.length);
        for (int i = 0; i < scalar.length; i++) {
            assertEquals(scalar[i], vector[i], 1e-5, "embedding component " + i);
        }
    }

    private static double[] embedding(String figures) {
        String list = figures.substring(figures.indexOf('[') + 1, figures.indexOf(']'));
        return java.util.Arrays.stream(list.split(",")).mapToDouble(x -> Double.parseDouble(x.strip())).toArray();
    }
}
