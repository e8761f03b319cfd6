package org.sentence4j.losses.table;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;

/**
 * sentence-transformers' loss overview as code: which losses suit a dataset, given its input columns and
 * labels. The trainer uses it to reject a loss that does not fit a dataset, naming the losses that do.
 *
 * <p>Rows follow the project's loss overview; where it and the loss reference disagree, the reference wins:
 * ContrastiveTensionLossInBatchNegatives takes one column of sentences (v6), the (symmetric) ranking losses
 * and AnglELoss also take hard-negative columns, and MarginMSELoss also takes raw teacher scores.
 * The modifiers (MatryoshkaLoss, AdaptiveLayerLoss, Matryoshka2dLoss) fit any format their base loss fits;
 * the regularizers (GlobalOrthogonalRegularizationLoss) fit every format. The v6 overview adds EmbedDistillLoss
 * to MSELoss's distillation row.
 */
public final class LossTable {

    /** Modifiers that wrap any base loss. */
    public static final List<String> MODIFIERS = List.of("MatryoshkaLoss", "AdaptiveLayerLoss", "Matryoshka2dLoss");

    /**
     * Regularizers (the v6 overview's "Regularization" table: any inputs, no labels; labels are ignored): they
     * fit every dataset and are meant to be trained beside a primary loss.
     */
    public static final List<String> REGULARIZERS = List.of("GlobalOrthogonalRegularizationLoss");

    /** One row of the table. */
    public record Row(String inputs, int minColumns, int maxColumns, LabelKind labels, LabelWidth width,
                      String firstColumnHint, List<String> losses) {
    }

    /** How a row's vector label width relates to the column count ({@code k}) of the dataset. */
    public enum LabelWidth {
        /** Not a vector label. */
        NONE,
        /** Any width (teacher embeddings). */
        ANY,
        /** One value per non-query column: {@code k - 1} (teacher scores). */
        CANDIDATES,
        /** One margin per negative ({@code k - 2}) or one score per candidate ({@code k - 1}). */
        MARGINS_OR_SCORES
    }

    private static final List<Row> ROWS = List.of(
            new Row("single sentences", 1, 1, LabelKind.CLASS, LabelWidth.NONE, null,
                    List.of("BatchAllTripletLoss", "BatchHardSoftMarginTripletLoss", "BatchHardTripletLoss",
                            "BatchSemiHardTripletLoss")),
            new Row("single sentences", 1, 1, LabelKind.NONE, LabelWidth.NONE, null,
                    List.of("ContrastiveTensionLoss", "ContrastiveTensionLossInBatchNegatives",
                            "DenoisingAutoEncoderLoss")),
            new Row("(sentence_1, sentence_2) pairs: identical (1) or different (0)", 2, 2, LabelKind.BINARY, LabelWidth.NONE, null,
                    List.of("ContrastiveTensionLoss")),
            new Row("(damaged sentence, original sentence) pairs", 2, 2, LabelKind.NONE, LabelWidth.NONE,
                    "damaged|sentence_0", List.of("DenoisingAutoEncoderLoss")),
            new Row("(sentence_A, sentence_B) pairs", 2, 2, LabelKind.CLASS, LabelWidth.NONE, null,
                    List.of("SoftmaxLoss")),
            new Row("(anchor, positive) pairs", 2, 2, LabelKind.NONE, LabelWidth.NONE, null,
                    List.of("MultipleNegativesRankingLoss", "CachedMultipleNegativesRankingLoss",
                            "MultipleNegativesSymmetricRankingLoss", "CachedMultipleNegativesSymmetricRankingLoss",
                            "MegaBatchMarginLoss", "GISTEmbedLoss", "CachedGISTEmbedLoss")),
            // after the ranking losses, which are what unlabelled pairs usually want
            new Row("(sentence_1, sentence_2) pairs, labels from token identity", 2, 2, LabelKind.NONE, LabelWidth.NONE, null,
                    List.of("ContrastiveTensionLoss")),
            new Row("(anchor, positive/negative) pairs", 2, 2, LabelKind.BINARY, LabelWidth.NONE, null,
                    List.of("ContrastiveLoss", "OnlineContrastiveLoss")),
            new Row("(sentence_A, sentence_B) pairs", 2, 2, LabelKind.SCORE, LabelWidth.NONE, null,
                    List.of("CoSENTLoss", "AnglELoss", "CosineSimilarityLoss")),
            new Row("(anchor, positive, negative) triplets", 3, 3, LabelKind.NONE, LabelWidth.NONE, null,
                    List.of("MultipleNegativesRankingLoss", "CachedMultipleNegativesRankingLoss",
                            "MultipleNegativesSymmetricRankingLoss", "CachedMultipleNegativesSymmetricRankingLoss",
                            "TripletLoss", "CachedGISTEmbedLoss", "GISTEmbedLoss", "AnglELoss")),
            new Row("(anchor, positive, negative_1, ..., negative_n)", 4, Integer.MAX_VALUE, LabelKind.NONE, LabelWidth.NONE, null,
                    List.of("MultipleNegativesRankingLoss", "CachedMultipleNegativesRankingLoss",
                            "MultipleNegativesSymmetricRankingLoss", "CachedMultipleNegativesSymmetricRankingLoss",
                            "CachedGISTEmbedLoss", "AnglELoss")),
            new Row("sentence_1, ..., sentence_N", 1, Integer.MAX_VALUE, LabelKind.VECTOR, LabelWidth.ANY, null,
                    List.of("MSELoss", "EmbedDistillLoss")),
            new Row("(query, passage_one, passage_two) triplets", 3, 3, LabelKind.SCORE, LabelWidth.NONE, null,
                    List.of("MarginMSELoss")),
            new Row("(query, positive, negative_1, ..., negative_n)", 3, Integer.MAX_VALUE, LabelKind.VECTOR,
                    LabelWidth.MARGINS_OR_SCORES, null, List.of("MarginMSELoss")),
            new Row("(query, positive, negative_1, ..., negative_n)", 3, Integer.MAX_VALUE, LabelKind.VECTOR,
                    LabelWidth.CANDIDATES, null, List.of("DistillKLDivLoss")));

    private LossTable() {
    }

    /** Every row, in the overview's order. */
    public static List<Row> rows() {
        return ROWS;
    }

    /** The losses that suit {@code format} (without the modifiers, which suit whatever their base suits). */
    public static List<String> suitableLosses(DataFormat format) {
        Set<String> out = new LinkedHashSet<>();
        for (Row row : ROWS) {
            if (matches(row, format)) {
                out.addAll(row.losses());
            }
        }
        return new ArrayList<>(out);
    }

    /** Whether the table has anything to say about {@code loss}: a row names it, or it is a modifier or regularizer. */
    public static boolean knows(String loss) {
        return MODIFIERS.contains(loss) || REGULARIZERS.contains(loss) || ROWS.stream().anyMatch(r -> r.losses().contains(loss));
    }

    /**
     * Whether {@code loss} suits {@code format}; a modifier suits a format when its base does; a loss the table
     * does not know (a custom loss) is not judged here: its own input format decides when the graph is built.
     */
    public static boolean fits(String loss, String baseLoss, DataFormat format) {
        if (MODIFIERS.contains(loss)) {
            return baseLoss != null && fits(baseLoss, null, format);
        }
        if (REGULARIZERS.contains(loss)) {
            return format.inputColumns() >= 1;
        }
        if (!knows(loss)) {
            // a user's own loss: the table has no row for it; its InputFormat and validate() check the inputs
            return true;
        }
        return suitableLosses(format).contains(loss);
    }

    /**
     * Throws a {@link LossInputException} naming the dataset's columns and labels and the losses that do fit,
     * when {@code loss} (with {@code baseLoss} for a modifier) does not suit {@code format}.
     */
    public static void requireFit(String loss, String baseLoss, DataFormat format) {
        if (fits(loss, baseLoss, format)) {
            return;
        }
        List<String> ok = suitableLosses(format);
        String what = MODIFIERS.contains(loss) ? loss + " with base loss " + baseLoss : loss;
        throw new LossInputException(what + " does not fit a dataset of " + format + ". "
                + (ok.isEmpty() ? "No built-in loss fits this format; check the columns and the label column."
                : "Losses that fit: " + String.join(", ", ok) + " (each can be wrapped in "
                + String.join(", ", MODIFIERS) + ")."));
    }

    private static boolean matches(Row row, DataFormat f) {
        int k = f.inputColumns();
        if (k < row.minColumns() || k > row.maxColumns()) {
            return false;
        }
        if (!labelsFit(row.labels(), f.labels())) {
            return false;
        }
        if (row.firstColumnHint() != null && java.util.Arrays.stream(row.firstColumnHint().split("\\|"))
                .noneMatch(hint -> f.columns().get(0).toLowerCase(Locale.ROOT).contains(hint))) {
            // alternatives separated by '|': TSDAE's pairs are named (damaged, original) by
            // DenoisingAutoEncoderDataset, (sentence_0, sentence_1) by upstream's collation of unnamed columns
            return false;
        }
        return switch (row.width()) {
            case NONE, ANY -> true;
            case CANDIDATES -> f.labelWidth() == k - 1;
            case MARGINS_OR_SCORES -> f.labelWidth() == k - 2 || f.labelWidth() == k - 1;
        };
    }

    /** 0/1 labels are also classes and also scores; everything else must match exactly. */
    private static boolean labelsFit(LabelKind row, LabelKind data) {
        if (row == data) {
            return true;
        }
        return data == LabelKind.BINARY && (row == LabelKind.CLASS || row == LabelKind.SCORE);
    }
}
