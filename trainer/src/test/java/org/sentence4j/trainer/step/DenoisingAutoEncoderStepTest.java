package org.sentence4j.trainer.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.bert.BertTensorNames;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossRegistry;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.trainer.TestData;
import org.sentence4j.trainer.optim.AdamW;

/**
 * TSDAE's training step on the tiny BERT (hidden 32, the full 30,522-token vocabulary): weight tying (the
 * decoder reads the encoder's live arrays; reference section 10.3 item 5), the untied decoder loaded from a
 * folder (same numbers as the tied one when the folder holds the same weights), the errors before training,
 * and a smoke test (item 7: the first loss is about ln V, a few dozen AdamW steps lower it clearly).
 */
class DenoisingAutoEncoderStepTest {

    private static final List<String> ORIGINAL = List.of("the cat sat on the mat", "a dog runs in the park",
            "ice melts in the sun", "she reads a long book", "we cook rice for dinner");
    private static final List<String> DAMAGED = List.of("cat mat", "dog park", "melts sun", "reads book", "cook dinner");

    private static SentenceLoss tsdae(Map<String, Object> options) {
        return LossRegistry.defaults().create("DenoisingAutoEncoderLoss", options);
    }

    private static List<TokenBatch> batch(SentenceEncoder model) {
        return List.of(model.tokenizer().tokenize(DAMAGED), model.tokenizer().tokenize(ORIGINAL));
    }

    @Test
    void tiedDecoderSharesTheEncoderArrays() throws IOException {
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModel("tiny-bert-mean"))) {
            TrainingGraph graph = new TrainingGraph(model.encoder(), tsdae(Map.of()), "tsdae", 2, null, 0);
            Map<String, INDArray> params = graph.parameters();
            assertTrue(params.containsKey("loss/decoder.bert.encoder.layer.1.crossattention.output.LayerNorm.bias"));
            assertTrue(params.containsKey("loss/decoder.cls.predictions.bias"));
            assertFalse(params.keySet().stream().anyMatch(k -> k.startsWith("loss/decoder.bert.embeddings")),
                    "tied: the decoder's BERT weights are the encoder's, not the loss's");
            assertEquals(30522, params.get("loss/decoder.cls.predictions.bias").length());

            List<TokenBatch> b = batch(model);
            StepResult r0 = graph.step(b, null, null, 1L, new Random(0));
            assertEquals(Math.log(30522), r0.loss(), 0.3, "a random decoder predicts about uniformly");
            // a row no input token uses: only the LM head (through the tied matrix) gives it a gradient
            INDArray dWord = r0.gradients().get(BertTensorNames.WORD_EMBEDDINGS);
            assertTrue(dWord.getRow(29000).amaxNumber().doubleValue() > 0, "the word-embedding gradient is dense");
            assertEquals(params.keySet(), r0.gradients().keySet());

            // change the encoder's array of a token only the decoder reads ("mat" ... "the"): the loss moves
            long the = model.tokenizer().tokenize(List.of("the")).inputIds().getLong(0, 1);
            INDArray word = params.get(BertTensorNames.WORD_EMBEDDINGS);
            assertSame(model.encoder().sameDiff().getArrForVarName(model.encoder().variableName(BertTensorNames.WORD_EMBEDDINGS)),
                    word);
            StepResult same = graph.step(b, null, null, 1L, new Random(0));
            assertEquals(r0.loss(), same.loss(), 1e-6, "the step is deterministic for a seed");
            // (not a constant shift: the LM head's LayerNorm output sums to 0, so a constant row change is invisible)
            org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(3);
            word.getRow(the).addi(org.nd4j.linalg.factory.Nd4j.randn(word.dataType(), word.size(1)).muli(0.5));
            StepResult moved = graph.step(b, null, null, 1L, new Random(0));
            assertNotEquals(r0.loss(), moved.loss(), 1e-4, "the decoder did not see the encoder's array change");
        }
    }

    @Test
    void untiedDecoderFromTheSameWeightsGivesTheTiedNumbers() throws IOException {
        Path folder = TestData.stModel("tiny-bert-mean");
        try (SentenceEncoder tiedModel = SentenceEncoder.load(folder); SentenceEncoder untiedModel = SentenceEncoder.load(folder)) {
            TrainingGraph tied = new TrainingGraph(tiedModel.encoder(), tsdae(Map.of()), "tied", 2, null, 0);
            TrainingGraph untied = new TrainingGraph(untiedModel.encoder(),
                    tsdae(Map.of("tie_encoder_decoder", false, "decoder_name_or_path", folder.toString())), "untied", 2, null, 0);
            assertTrue(untied.parameters().containsKey("loss/decoder.bert.embeddings.word_embeddings.weight"));
            StepResult a = tied.step(batch(tiedModel), null, null, 3L, new Random(0));
            StepResult b = untied.step(batch(untiedModel), null, null, 3L, new Random(0));
            assertEquals(a.loss(), b.loss(), 1e-5, "same weights, same masks: the same loss");
            // tied gradient = encoder's own + the decoder's, which the untied run keeps apart
            for (String n : List.of(BertTensorNames.WORD_EMBEDDINGS, BertTensorNames.query(1, "weight"))) {
                INDArray sum = b.gradients().get(n).add(b.gradients().get("loss/decoder.bert." + n));
                double err = sum.sub(a.gradients().get(n)).amaxNumber().doubleValue();
                double scale = a.gradients().get(n).amaxNumber().doubleValue();
                assertTrue(err <= 1e-4 * scale, n + ": " + err + " of " + scale);
            }
            INDArray encWord = b.gradients().get(BertTensorNames.WORD_EMBEDDINGS);
            assertEquals(0.0, encWord.getRow(29000).amaxNumber().doubleValue(), "untied: the encoder's word gradient is sparse");
        }
    }

    @Test
    void badSetupsAreRefusedBeforeTraining(@TempDir Path tmp) throws IOException {
        LossInputException noPath = assertThrows(LossInputException.class, () -> tsdae(Map.of("tie_encoder_decoder", false)));
        assertTrue(noPath.getMessage().contains("decoder_name_or_path"), noPath.getMessage());
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModel("tiny-bert-mean"))) {
            LossInputException columns = assertThrows(LossInputException.class,
                    () -> new TrainingGraph(model.encoder(), tsdae(Map.of()), "x", 3, null, 0));
            assertTrue(columns.getMessage().contains("2 text columns"), columns.getMessage());
            // hidden size 8 against the encoder's 32
            Path small = TestData.root().resolve("fixtures/model-steps/models/small");
            LossInputException hidden = assertThrows(LossInputException.class, () -> new TrainingGraph(model.encoder(),
                    tsdae(Map.of("tie_encoder_decoder", false, "decoder_name_or_path", small.toString())), "x", 2, null, 0));
            assertTrue(hidden.getMessage().contains("hidden size 8"), hidden.getMessage());
            Path roberta = Files.createDirectories(tmp.resolve("roberta"));
            Files.writeString(roberta.resolve("config.json"), "{\"model_type\": \"roberta\", \"hidden_size\": 32}");
            LossInputException notBert = assertThrows(LossInputException.class, () -> new TrainingGraph(model.encoder(),
                    tsdae(Map.of("tie_encoder_decoder", false, "decoder_name_or_path", roberta.toString())), "x", 2, null, 0));
            assertTrue(notBert.getMessage().contains("BERT"), notBert.getMessage());
        }
    }

    /** Reference section 10.3 item 7, with the trainer's AdamW on the tied model. */
    @Test
    void aFewDozenStepsLowerTheLoss() throws IOException {
        try (SentenceEncoder model = SentenceEncoder.load(TestData.stModel("tiny-bert-mean"))) {
            TrainingGraph graph = new TrainingGraph(model.encoder(), tsdae(Map.of()), "smoke", 2, null, 0);
            AdamW adam = AdamW.withWeightDecay(0.01);
            List<TokenBatch> b = batch(model);
            double first = Double.NaN;
            double last = Double.NaN;
            for (int s = 0; s < 40; s++) {
                StepResult r = graph.step(b, null, null, s, new Random(s));
                if (s == 0) {
                    first = r.loss();
                }
                last = r.loss();
                adam.step(graph.parameters(), r.gradients(), 5e-3);
            }
            System.out.printf("TSDAE smoke test: loss %.3f -> %.3f after 40 steps%n", first, last);
            assertEquals(Math.log(30522), first, 0.3);
            assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        }
    }
}
