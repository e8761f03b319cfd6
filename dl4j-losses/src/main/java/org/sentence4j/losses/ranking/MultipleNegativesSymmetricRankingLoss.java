package org.sentence4j.losses.ranking;

import java.util.List;

import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * MultipleNegativesSymmetricRankingLoss (deprecated upstream in v6): {@link MultipleNegativesRankingLoss} with
 * {@code directions = (query_to_doc, doc_to_query)} and {@code partition_mode = per_direction} fixed.
 *
 * <p>Written out: the forward term is the MNRL cross-entropy of each anchor against all positives and all
 * negative columns; the backward term ranks the anchors for each positive (negative columns take no part);
 * the loss is their mean. Options: {@code scale = 20}, {@code similarity_fct = cos_sim},
 * {@code gather_across_devices = false}. The configuration is reported as MNRL's (fixed directions and
 * partition mode included); the citation follows MNRL's rule, i.e. Jina Embeddings 2 (Günther et al. 2024).
 */
public class MultipleNegativesSymmetricRankingLoss extends MultipleNegativesRankingLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "MultipleNegativesSymmetricRankingLoss";

    /** The fixed directions. */
    static final List<Direction> DIRECTIONS = List.of(Direction.QUERY_TO_DOC, Direction.DOC_TO_QUERY);

    /** A loss with the defaults ({@code scale = 20}, {@code cos_sim}). */
    public MultipleNegativesSymmetricRankingLoss() {
        this(20.0, SimilarityFunction.COS_SIM);
    }

    public MultipleNegativesSymmetricRankingLoss(double scale, SimilarityFunction similarityFct) {
        this(symmetricBuilder(NAME, scale, similarityFct, false));
    }

    MultipleNegativesSymmetricRankingLoss(Builder b) {
        super(b);
    }

    /** An MNRL builder with the symmetric settings fixed. */
    static Builder symmetricBuilder(String loss, double scale, SimilarityFunction similarityFct, boolean gather) {
        return builder().lossName(loss).scale(scale).similarityFct(similarityFct).gatherAcrossDevices(gather)
                .directions(DIRECTIONS).partitionMode(PartitionMode.PER_DIRECTION);
    }

    /**
     * Reads {@code scale}, {@code similarity_fct} and {@code gather_across_devices}. The keys this loss reports
     * but does not take ({@code directions}, {@code partition_mode}, {@code hardness_mode},
     * {@code hardness_strength}) are accepted only with their fixed values, so that a reported configuration can
     * be read back.
     */
    public static MultipleNegativesSymmetricRankingLoss fromConfig(ConfigReader c) {
        return new MultipleNegativesSymmetricRankingLoss(readSymmetric(c));
    }

    static Builder readSymmetric(ConfigReader c) {
        double scale = c.getDouble("scale", 20.0);
        SimilarityFunction f = SimilarityFunction.fromName(c.getString("similarity_fct", "cos_sim"),
                SimilarityFunction.Kind.ALL_PAIRS, c.loss());
        boolean gather = c.getBoolean("gather_across_devices", false);
        checkFixed(c);
        return symmetricBuilder(c.loss(), scale, f, gather);
    }

    /** Rejects values of the fixed MNRL options other than the fixed ones. */
    static void checkFixed(ConfigReader c) {
        List<String> dirs = c.getStringList("directions");
        if (dirs != null) {
            List<Direction> parsed = dirs.stream().map(d -> Direction.fromName(c.loss(), d)).toList();
            if (!parsed.equals(DIRECTIONS)) {
                throw fixed(c.loss(), "directions", "[query_to_doc, doc_to_query]");
            }
        }
        if (c.has("partition_mode")
                && PartitionMode.fromName(c.loss(), c.getString("partition_mode", "")) != PartitionMode.PER_DIRECTION) {
            throw fixed(c.loss(), "partition_mode", "per_direction");
        }
        Object hm = c.raw("hardness_mode");
        if (HardnessMode.fromName(c.loss(), hm == null ? null : hm.toString()) != null) {
            throw fixed(c.loss(), "hardness_mode", "None");
        }
        if (c.getDouble("hardness_strength", 0.0) != 0.0) {
            throw fixed(c.loss(), "hardness_strength", "0.0");
        }
    }

    private static LossInputException fixed(String loss, String key, String value) {
        return new LossInputException(loss + ": option '" + key + "' is fixed to " + value
                + "; use MultipleNegativesRankingLoss (or its cached variant) to choose it.");
    }

    @Override
    public String name() {
        return NAME;
    }
}
