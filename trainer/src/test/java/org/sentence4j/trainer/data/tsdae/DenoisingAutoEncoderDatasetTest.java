package org.sentence4j.trainer.data.tsdae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.sentence4j.trainer.data.Dataset;

class DenoisingAutoEncoderDatasetTest {

    /** Sentences of distinct plain words: a damaged text's words are then a subsequence of the original's. */
    private static final List<String> SENTENCES = IntStream.range(0, 200)
            .mapToObj(r -> IntStream.range(0, 5 + r % 13).mapToObj(w -> "r" + r + "w" + w).collect(Collectors.joining(" ")))
            .toList();
    private static final Dataset DATA = Dataset.builder("sentences").column("text", SENTENCES).build();

    @Test
    void pairsAreDamagedThenOriginalAndFitTheLoss() {
        Dataset pairs = DenoisingAutoEncoderDataset.denoisingPairs(DATA, 42, 0);
        assertEquals(List.of("damaged", "original"), pairs.columns());
        assertFalse(pairs.hasLabels());
        assertEquals("sentences", pairs.name());
        assertEquals(SENTENCES, pairs.column("original"));
        pairs.requireFits("DenoisingAutoEncoderLoss");
        for (int r = 0; r < pairs.size(); r++) {
            List<String> original = Arrays.asList(SENTENCES.get(r).split(" "));
            List<String> damaged = Arrays.asList(pairs.text("damaged", r).split(" "));
            assertTrue(!damaged.isEmpty() && damaged.size() <= original.size());
            int at = -1;
            for (String w : damaged) {
                int i = original.indexOf(w);
                assertTrue(i > at, "row " + r + ": " + damaged + " is no subsequence of " + original);
                at = i;
            }
        }
    }

    @Test
    void aPureFunctionOfSeedEpochAndRow() {
        DenoisingAutoEncoderDataset tsdae = DenoisingAutoEncoderDataset.of(DATA, 42);
        Dataset e1 = tsdae.epoch(1);
        assertEquals(e1.column("damaged"), DenoisingAutoEncoderDataset.of(DATA, 42).epoch(1).column("damaged"));
        assertEquals(e1.column("damaged"), DenoisingAutoEncoderDataset.denoisingPairs(DATA, 42, 1).column("damaged"));
        for (int r = 0; r < DATA.size(); r += 17) {
            assertEquals(e1.text("damaged", r), tsdae.damaged(1, r), "row " + r);
            assertEquals(SENTENCES.get(r), tsdae.original(r));
        }
        assertNotEquals(e1.column("damaged"), tsdae.epoch(2).column("damaged"), "every epoch has new noise");
        assertNotEquals(e1.column("damaged"), DenoisingAutoEncoderDataset.of(DATA, 43).epoch(1).column("damaged"));
        // rows are not damaged alike: no stream is shared
        assertNotEquals(DenoisingAutoEncoderDataset.rowSeed(42, 1, 0), DenoisingAutoEncoderDataset.rowSeed(42, 1, 1));
        assertNotEquals(DenoisingAutoEncoderDataset.rowSeed(1, 0, 0), DenoisingAutoEncoderDataset.rowSeed(0, 1, 0));
    }

    @Test
    void theNoiseDeletesAboutItsRatio() {
        DenoisingAutoEncoderDataset tsdae = DenoisingAutoEncoderDataset.of(DATA, "text", new DenoisingNoise(0.3), 7);
        long kept = 0;
        long total = 0;
        for (int epoch = 0; epoch < 5; epoch++) {
            Dataset pairs = tsdae.epoch(epoch);
            for (int r = 0; r < pairs.size(); r++) {
                kept += pairs.text("damaged", r).split(" ").length;
                total += SENTENCES.get(r).split(" ").length;
            }
        }
        assertEquals(0.3, 1 - (double) kept / total, 0.02);
    }

    @Test
    void aColumnMustBeChosenFromSeveral() {
        Dataset two = Dataset.builder("two").column("a", List.of("x y z", "u v")).column("b", List.of("one two", "three"))
                .labels("label", new int[] {0, 1}).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DenoisingAutoEncoderDataset.of(two, 1));
        assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
        Dataset pairs = DenoisingAutoEncoderDataset.of(two, "b", DenoisingNoise.defaults(), 1).epoch(0);
        assertEquals(List.of("one two", "three"), pairs.column("original"));
        assertFalse(pairs.hasLabels(), "labels are not carried over");
        assertThrows(IllegalArgumentException.class, () -> DenoisingAutoEncoderDataset.of(two, "c", DenoisingNoise.defaults(), 1));
    }

    @Test
    void blankSentencesStayAsTheyAre() {
        Dataset blanks = Dataset.builder("blanks").column("text", List.of("  ", "a b")).allowEmptyText(true).build();
        Dataset pairs = DenoisingAutoEncoderDataset.denoisingPairs(blanks, 3, 0);
        assertEquals("  ", pairs.text("damaged", 0));
    }

    @Test
    void badEpochsAndRowsAreRefused() {
        DenoisingAutoEncoderDataset tsdae = DenoisingAutoEncoderDataset.of(DATA, 1);
        assertThrows(IllegalArgumentException.class, () -> tsdae.epoch(-1));
        assertThrows(IllegalArgumentException.class, () -> tsdae.damaged(-1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> tsdae.damaged(0, DATA.size()));
    }
}
