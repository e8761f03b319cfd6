package org.sentence4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sentence4j.losses.table.LossTable;

/** ContrastiveTensionLoss's pairs as a dataset: one positive per run, labels that say whether the texts match, seeded. */
class ContrastiveTensionPairsTest {

    private static Dataset sentences(int n) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add("sentence number " + i);
        }
        return Dataset.builder("corpus").column("text", s).build();
    }

    @Test
    void pairsAndLabels() {
        Dataset pairs = ContrastiveTensionPairs.of(sentences(100), 16, 8, 7L);
        assertEquals(List.of("sentence_1", "sentence_2"), pairs.columns());
        assertTrue(pairs.size() > 0 && pairs.size() % 16 == 0, "whole batches: " + pairs.size());
        int positives = 0;
        for (int r = 0; r < pairs.size(); r++) {
            boolean same = pairs.text(0, r).equals(pairs.text(1, r));
            assertEquals(same ? 1.0 : 0.0, pairs.label(r), "row " + r);
            assertEquals(r % 8 == 0, same, "row " + r + ": one positive at the start of every run of 8");
            positives += same ? 1 : 0;
        }
        assertEquals(pairs.size() / 8, positives);
        assertEquals(pairs.text(0, 5), ContrastiveTensionPairs.of(sentences(100), 16, 8, 7L).text(0, 5), "seeded");
        assertTrue(LossTable.fits("ContrastiveTensionLoss", null, pairs.format()), "the loss table accepts the pairs");
    }

    @Test
    void badInputIsNamed() {
        Dataset two = Dataset.builder("two").column("a", List.of("x", "y")).column("b", List.of("z", "w")).build();
        assertTrue(assertThrows(DatasetException.class, () -> ContrastiveTensionPairs.of(two, 8, 8, 1)).getMessage().contains("one column"));
        assertTrue(assertThrows(DatasetException.class, () -> ContrastiveTensionPairs.of(sentences(3), 8, 8, 1)).getMessage()
                .contains("too few"));
    }
}
