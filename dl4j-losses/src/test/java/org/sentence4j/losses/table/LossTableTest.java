package org.sentence4j.losses.table;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.table.PairsToTriplets.LabeledPair;
import org.sentence4j.losses.table.PairsToTriplets.Triplet;

class LossTableTest {

    @Test
    void anchorPositivePairsSuitTheInBatchNegativeLosses() {
        List<String> losses = LossTable.suitableLosses(DataFormat.of(LabelKind.NONE, "anchor", "positive"));
        assertEquals(List.of("MultipleNegativesRankingLoss", "CachedMultipleNegativesRankingLoss",
                "MultipleNegativesSymmetricRankingLoss", "CachedMultipleNegativesSymmetricRankingLoss",
                "MegaBatchMarginLoss", "GISTEmbedLoss", "CachedGISTEmbedLoss", "ContrastiveTensionLoss"), losses,
                "the in-batch-negative losses first; ContrastiveTensionLoss (v6 derives its labels from token identity) last");
    }

    @Test
    void eachFormatOfTheOverviewMapsToItsLosses() {
        assertEquals(List.of("BatchAllTripletLoss", "BatchHardSoftMarginTripletLoss", "BatchHardTripletLoss",
                "BatchSemiHardTripletLoss"), LossTable.suitableLosses(DataFormat.of(LabelKind.CLASS, "sentence")));
        assertTrue(LossTable.suitableLosses(DataFormat.of(LabelKind.NONE, "sentence"))
                .containsAll(List.of("ContrastiveTensionLoss", "ContrastiveTensionLossInBatchNegatives", "DenoisingAutoEncoderLoss")));
        assertEquals(List.of("SoftmaxLoss"), LossTable.suitableLosses(DataFormat.of(LabelKind.CLASS, "premise", "hypothesis")));
        assertEquals(List.of("CoSENTLoss", "AnglELoss", "CosineSimilarityLoss"),
                LossTable.suitableLosses(DataFormat.of(LabelKind.SCORE, "sentence1", "sentence2")));
        List<String> binary = LossTable.suitableLosses(DataFormat.of(LabelKind.BINARY, "sentence1", "sentence2"));
        assertTrue(binary.containsAll(List.of("ContrastiveLoss", "OnlineContrastiveLoss", "SoftmaxLoss", "CoSENTLoss")));
        assertTrue(LossTable.suitableLosses(DataFormat.of(LabelKind.NONE, "anchor", "positive", "negative")).contains("TripletLoss"));
        assertFalse(LossTable.suitableLosses(DataFormat.of(LabelKind.NONE, "a", "p", "n1", "n2")).contains("TripletLoss"));
        assertTrue(LossTable.suitableLosses(DataFormat.of(LabelKind.NONE, "damaged", "original")).contains("DenoisingAutoEncoderLoss"));
        assertFalse(LossTable.suitableLosses(DataFormat.of(LabelKind.NONE, "anchor", "positive")).contains("DenoisingAutoEncoderLoss"));
    }

    @Test
    void distillationFormatsDependOnTheLabelWidth() {
        assertEquals(List.of("MSELoss", "EmbedDistillLoss"), LossTable.suitableLosses(DataFormat.withVectorLabels(384, "english", "german")));
        assertEquals(List.of("MarginMSELoss"), LossTable.suitableLosses(DataFormat.of(LabelKind.SCORE, "query", "pos", "neg")));
        List<String> scores = LossTable.suitableLosses(DataFormat.withVectorLabels(2, "query", "pos", "neg"));
        assertTrue(scores.containsAll(List.of("MarginMSELoss", "DistillKLDivLoss")));
        assertEquals(List.of("MSELoss", "EmbedDistillLoss", "MarginMSELoss"),
                LossTable.suitableLosses(DataFormat.withVectorLabels(3, "query", "pos", "neg1", "neg2", "neg3")));
    }

    @Test
    void aCustomLossIsLeftToItsOwnInputFormat() {
        assertFalse(LossTable.knows("AlignmentUniformityLoss"));
        assertTrue(LossTable.fits("AlignmentUniformityLoss", null, DataFormat.of(LabelKind.SCORE, "a", "b")));
        assertTrue(LossTable.knows("CoSENTLoss"));
    }

    @Test
    void theRegularizerFitsEveryFormat() {
        for (DataFormat f : List.of(DataFormat.of(LabelKind.NONE, "sentence"), DataFormat.of(LabelKind.SCORE, "s1", "s2"),
                DataFormat.of(LabelKind.CLASS, "text"), DataFormat.withVectorLabels(8, "q", "p", "n"))) {
            assertTrue(LossTable.fits("GlobalOrthogonalRegularizationLoss", null, f), f.toString());
        }
        assertFalse(LossTable.fits("EmbedDistillLoss", null, DataFormat.of(LabelKind.NONE, "sentence")));
    }

    @Test
    void modifiersFitWhatTheirBaseFits() {
        DataFormat pairs = DataFormat.of(LabelKind.NONE, "anchor", "positive");
        assertTrue(LossTable.fits("MatryoshkaLoss", "MultipleNegativesRankingLoss", pairs));
        assertFalse(LossTable.fits("MatryoshkaLoss", "CoSENTLoss", pairs));
        assertFalse(LossTable.fits("AdaptiveLayerLoss", null, pairs));
    }

    @Test
    void aLossThatDoesNotFitIsRejectedNamingTheOnesThatDo() {
        DataFormat scored = DataFormat.of(LabelKind.SCORE, "sentence1", "sentence2");
        LossInputException e = assertThrows(LossInputException.class,
                () -> LossTable.requireFit("MultipleNegativesRankingLoss", null, scored));
        assertTrue(e.getMessage().contains("sentence1, sentence2"), e.getMessage());
        assertTrue(e.getMessage().contains("CoSENTLoss, AnglELoss, CosineSimilarityLoss"), e.getMessage());
        assertDoesNotThrow(() -> LossTable.requireFit("CoSENTLoss", null, scored));
    }

    @Test
    void pairsBecomeTripletsWithinAndAcrossClasses() {
        List<LabeledPair> pairs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pairs.add(new LabeledPair("a" + (i % 3) + "_" + i, "b" + (i % 3) + "_" + i, i % 3));
        }
        PairsToTriplets.Result r = PairsToTriplets.convert(pairs, 7);
        assertEquals(30, r.triplets().size());
        assertEquals(0, r.skipped());
        for (Triplet t : r.triplets()) {
            int cls = Integer.parseInt(t.anchor().substring(1, 2));
            assertEquals(cls, Integer.parseInt(t.positive().substring(1, 2)), "positive from the anchor's class");
            assertNotEquals(cls, Integer.parseInt(t.negative().substring(1, 2)), "negative from another class");
            assertNotEquals(t.anchor(), t.positive());
        }
        assertEquals(r, PairsToTriplets.convert(pairs, 7), "same seed, same triplets");
        assertNotEquals(r.triplets(), PairsToTriplets.convert(pairs, 8).triplets(), "another seed, other negatives");
    }

    @Test
    void pairsWithoutAnotherClassOrPositiveAreSkipped() {
        List<LabeledPair> oneClass = List.of(new LabeledPair("x", "y", 1), new LabeledPair("z", "w", 1));
        assertEquals(2, PairsToTriplets.convert(oneClass, 1).skipped());
        List<LabeledPair> selfPair = List.of(new LabeledPair("x", "x", 1), new LabeledPair("z", "w", 2));
        PairsToTriplets.Result r = PairsToTriplets.convert(selfPair, 1);
        assertEquals(1, r.skipped());
        assertEquals(Set.of(new Triplet("z", "w", "x")), Set.copyOf(r.triplets()));
    }
}
