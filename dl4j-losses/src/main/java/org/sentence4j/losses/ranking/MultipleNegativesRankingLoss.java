package org.sentence4j.losses.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.sentence4j.graphs.sd.SdMath;
import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.LossInputs;
import org.sentence4j.losses.LossOutput;
import org.sentence4j.losses.similarity.SimilarityFunction;

/**
 * MultipleNegativesRankingLoss (InfoNCE with in-batch negatives), as sentence-transformers v6.
 *
 * <p>Columns {@code (anchor, positive, negative_1, ..., negative_n)}, {@code n >= 0}; no labels. Column 0
 * holds the queries, columns 1.. the documents. The candidates are all positives, then every row of negative
 * column 1, then of column 2, ...; row {@code i}'s target is its own positive. With the defaults the loss is
 * the mean over rows of {@code CE(scale * sim(q_i, C), i)}.
 *
 * <p>Options (reference section 4.1): {@code directions} adds the {@code query_to_query},
 * {@code doc_to_query} and {@code doc_to_doc} blocks to each row's partition function,
 * {@code partition_mode} chooses one joint log-sum-exp or the mean of one per direction, and
 * {@code hardness_mode} / {@code hardness_strength} add the constant penalty
 * {@code strength * stopgrad(sim)} to selected query-to-document logits after scaling.
 *
 * <p>Citation: van den Oord et al. 2018 (CPC) by default; GTE (Li et al. 2023) for all four directions with
 * {@code joint}; Jina Embeddings 2 (Günther et al. 2024) for {@code query_to_doc, doc_to_query} with
 * {@code per_direction}.
 */
public class MultipleNegativesRankingLoss extends AbstractSentenceLoss {

    /** The class name in sentence-transformers. */
    public static final String NAME = "MultipleNegativesRankingLoss";

    /** An interaction term of the loss (reference 4.1, table "directions"). */
    public enum Direction {
        /** query to every document (contains the positive; always present). */
        QUERY_TO_DOC("query_to_doc"),
        /** query to every other query. */
        QUERY_TO_QUERY("query_to_query"),
        /** the row's positive to every query. */
        DOC_TO_QUERY("doc_to_query"),
        /** the row's positive to every document of another sample. */
        DOC_TO_DOC("doc_to_doc");

        private final String pythonName;

        Direction(String pythonName) {
            this.pythonName = pythonName;
        }

        public String pythonName() {
            return pythonName;
        }

        static Direction fromName(String loss, String name) {
            for (Direction d : values()) {
                if (d.pythonName.equals(name) || d.name().equalsIgnoreCase(name)) {
                    return d;
                }
            }
            throw new LossInputException(loss + ": invalid direction '" + name + "'. Valid: "
                    + Arrays.stream(values()).map(Direction::pythonName).collect(Collectors.joining(", ")) + ".");
        }
    }

    /** How the partition function (softmax denominator) is formed. */
    public enum PartitionMode {
        /** one log-sum-exp over the concatenation of all selected blocks. */
        JOINT("joint"),
        /** the mean of one log-sum-exp per selected block. */
        PER_DIRECTION("per_direction");

        private final String pythonName;

        PartitionMode(String pythonName) {
            this.pythonName = pythonName;
        }

        public String pythonName() {
            return pythonName;
        }

        static PartitionMode fromName(String loss, String name) {
            for (PartitionMode m : values()) {
                if (m.pythonName.equals(name) || m.name().equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new LossInputException(loss + ": partition_mode must be 'joint' or 'per_direction', got '" + name + "'.");
        }
    }

    /** Which query-to-document logits get the hardness penalty. */
    public enum HardnessMode {
        /** every document of another sample (their positives and hard negatives). */
        IN_BATCH_NEGATIVES("in_batch_negatives"),
        /** only the row's own hard negatives (no effect with pairs). */
        HARD_NEGATIVES("hard_negatives"),
        /** every candidate except the row's own positive. */
        ALL_NEGATIVES("all_negatives");

        private final String pythonName;

        HardnessMode(String pythonName) {
            this.pythonName = pythonName;
        }

        public String pythonName() {
            return pythonName;
        }

        static HardnessMode fromName(String loss, String name) {
            if (name == null || "None".equals(name) || "null".equals(name)) {
                return null;
            }
            for (HardnessMode m : values()) {
                if (m.pythonName.equals(name) || m.name().equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new LossInputException(loss + ": hardness_mode must be None or one of "
                    + Arrays.stream(values()).map(HardnessMode::pythonName).collect(Collectors.joining(", "))
                    + ", got '" + name + "'.");
        }
    }

    private final String lossName;
    private final double scale;
    private final SimilarityFunction similarityFct;
    private final boolean gatherAcrossDevices;
    private final List<Direction> directions;
    private final PartitionMode partitionMode;
    private final HardnessMode hardnessMode;
    private final double hardnessStrength;

    /** A loss with the given options, validated as upstream does. */
    protected MultipleNegativesRankingLoss(Builder b) {
        String loss = b.lossName();
        if (!(b.scale > 0) || Double.isInfinite(b.scale)) {
            throw new LossInputException(loss + ": scale must be a positive number, got " + b.scale + ".");
        }
        if (b.similarityFct.kind() != SimilarityFunction.Kind.ALL_PAIRS) {
            throw new LossInputException(loss + " needs an all-pairs similarity function (cos_sim, dot_score, "
                    + "euclidean_sim, manhattan_sim), but got '" + b.similarityFct.pythonName() + "'.");
        }
        checkGather(loss, b.gatherAcrossDevices);
        if (b.directions == null || b.directions.isEmpty()) {
            throw new LossInputException(loss + ": at least one direction must be specified.");
        }
        if (!b.directions.contains(Direction.QUERY_TO_DOC)) {
            throw new LossInputException(loss + ": the 'query_to_doc' direction is required (it contains the positive pair), "
                    + "but directions are " + pythonNames(b.directions) + ".");
        }
        if (b.partitionMode == null) {
            throw new LossInputException(loss + ": partition_mode must be 'joint' or 'per_direction'.");
        }
        if (b.partitionMode == PartitionMode.PER_DIRECTION
                && (b.directions.contains(Direction.QUERY_TO_QUERY) || b.directions.contains(Direction.DOC_TO_DOC))) {
            throw new LossInputException(loss + ": partition_mode 'per_direction' cannot be combined with 'query_to_query' "
                    + "or 'doc_to_doc' (those blocks never contain the positive); use partition_mode 'joint'.");
        }
        if (!(b.hardnessStrength >= 0) || Double.isInfinite(b.hardnessStrength)) {
            throw new LossInputException(loss + ": hardness_strength must be a finite number >= 0, got " + b.hardnessStrength + ".");
        }
        if (b.hardnessMode != null && b.hardnessStrength == 0.0) {
            System.getLogger(MultipleNegativesRankingLoss.class.getName()).log(System.Logger.Level.WARNING,
                    loss + ": hardness_mode '" + b.hardnessMode.pythonName()
                            + "' is set but hardness_strength is 0, so it has no effect.");
        }
        this.lossName = loss;
        this.scale = b.scale;
        this.similarityFct = b.similarityFct;
        this.gatherAcrossDevices = b.gatherAcrossDevices;
        this.directions = List.copyOf(b.directions);
        this.partitionMode = b.partitionMode;
        this.hardnessMode = b.hardnessMode;
        this.hardnessStrength = b.hardnessStrength;
    }

    /** A loss with every option at its default. */
    public MultipleNegativesRankingLoss() {
        this(builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the options from snake_case keys (missing ones take the defaults). */
    public static MultipleNegativesRankingLoss fromConfig(ConfigReader c) {
        return new MultipleNegativesRankingLoss(readInto(builder(), c));
    }

    /** Reads MNRL's own options into a builder (shared with the cached variant). */
    static Builder readInto(Builder b, ConfigReader c) {
        b.lossName = c.loss();
        b.scale(c.getDouble("scale", b.scale));
        b.similarityFct(SimilarityFunction.fromName(c.getString("similarity_fct", b.similarityFct.pythonName()),
                SimilarityFunction.Kind.ALL_PAIRS, c.loss()));
        b.gatherAcrossDevices(c.getBoolean("gather_across_devices", b.gatherAcrossDevices));
        List<String> dirs = c.getStringList("directions");
        if (dirs != null) {
            List<Direction> parsed = new ArrayList<>();
            for (String d : dirs) {
                parsed.add(Direction.fromName(c.loss(), d));
            }
            b.directions(parsed);
        }
        b.partitionMode(PartitionMode.fromName(c.loss(), c.getString("partition_mode", b.partitionMode.pythonName())));
        Object hm = c.raw("hardness_mode");
        b.hardnessMode(HardnessMode.fromName(c.loss(), hm == null ? null : hm.toString()));
        b.hardnessStrength(c.getDouble("hardness_strength", b.hardnessStrength));
        return b;
    }

    /** The name used in error messages (that of a cached or symmetric loss built on this one). */
    String lossNameForMessages() {
        return lossName;
    }

    static void checkGather(String loss, boolean gather) {
        if (gather) {
            throw new LossInputException(loss + ": gather_across_devices = true is not supported: sentence4j trains on "
                    + "one device, where gathering changes nothing. Leave it false.");
        }
    }

    static List<String> pythonNames(List<Direction> dirs) {
        return dirs.stream().map(Direction::pythonName).toList();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InputFormat inputFormat() {
        return InputFormat.unlabeled(2, Integer.MAX_VALUE, "(anchor, positive, negative_1, ..., negative_n)");
    }

    @Override
    protected LossOutput compute(LossInputs inputs) {
        return LossOutput.of(rankingLoss(inputs.sd(), inputs.columns()));
    }

    /** The loss of reference 4.1 on the given columns (queries first), as a scalar. */
    SDVariable rankingLoss(SameDiff sd, List<SDVariable> columns) {
        SDVariable queries = columns.get(0);
        List<SDVariable> docs = columns.subList(1, columns.size());
        SDVariable positives = docs.get(0);
        Set<Direction> dirs = new LinkedHashSet<>(directions);

        // query_to_doc: one B x B block per document column, positives first, then negative columns in order
        List<SDVariable> qdRaw = new ArrayList<>();
        for (SDVariable d : docs) {
            qdRaw.add(similarityFct.apply(sd, queries, d));
        }
        SDVariable first = qdRaw.get(0);
        SDVariable eye = SdMath.identityLike(sd, first);
        SDVariable ones = sd.onesLike(first);
        SDVariable positiveLogit = sd.math.diagPart(first).mul(scale).reshape(-1, 1);

        boolean penalise = hardnessMode != null && hardnessStrength > 0;
        List<SDVariable> qd = new ArrayList<>();
        for (int m = 0; m < qdRaw.size(); m++) {
            SDVariable raw = qdRaw.get(m);
            SDVariable logits = raw.mul(scale);
            if (penalise) {
                SDVariable mask = hardnessMask(m, eye, ones);
                if (mask != null) {
                    SDVariable penalty = SdMath.stopGradient(sd, raw).mul(hardnessStrength).mul(mask);
                    logits = logits.add(penalty);
                }
            }
            qd.add(logits);
        }

        List<List<SDVariable>> blocks = new ArrayList<>();
        blocks.add(qd);
        if (dirs.contains(Direction.QUERY_TO_QUERY)) {
            SDVariable qq = similarityFct.apply(sd, queries, queries).mul(scale);
            blocks.add(List.of(SdMath.maskFill(sd, qq, eye)));
        }
        if (dirs.contains(Direction.DOC_TO_QUERY)) {
            // X_dq[i][j] = sim(q_j, p_i): the transpose of the first query_to_doc block
            blocks.add(List.of(sd.transpose(first).mul(scale)));
        }
        if (dirs.contains(Direction.DOC_TO_DOC)) {
            // X_dd[i][c] = sim(C_c, p_i) = sim(p_i, C_c) (every similarity here is symmetric); all documents of
            // sample i (c mod B = i) are masked
            List<SDVariable> dd = new ArrayList<>();
            for (SDVariable d : docs) {
                dd.add(SdMath.maskFill(sd, similarityFct.apply(sd, positives, d).mul(scale), eye));
            }
            blocks.add(dd);
        }

        SDVariable logZ;
        if (partitionMode == PartitionMode.JOINT) {
            List<SDVariable> all = new ArrayList<>();
            blocks.forEach(all::addAll);
            logZ = SdMath.logSumExp(sd, concat(sd, all), 1);
        } else {
            SDVariable sum = null;
            for (List<SDVariable> block : blocks) {
                SDVariable lse = SdMath.logSumExp(sd, concat(sd, block), 1);
                sum = sum == null ? lse : sum.add(lse);
            }
            logZ = blocks.size() == 1 ? sum : sum.mul(1.0 / blocks.size());
        }
        return SdMath.mean(logZ.sub(positiveLogit).reshape(-1));
    }

    /** The hardness mask of query_to_doc block {@code m} (0 = positives), or {@code null} if it is all zero. */
    private SDVariable hardnessMask(int m, SDVariable eye, SDVariable ones) {
        return switch (hardnessMode) {
            case IN_BATCH_NEGATIVES -> ones.sub(eye);
            case HARD_NEGATIVES -> m == 0 ? null : eye;
            case ALL_NEGATIVES -> m == 0 ? ones.sub(eye) : ones;
        };
    }

    static SDVariable concat(SameDiff sd, List<SDVariable> parts) {
        return parts.size() == 1 ? parts.get(0) : sd.concat(1, parts.toArray(new SDVariable[0]));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", scale);
        m.put("similarity_fct", similarityFct.pythonName());
        m.put("gather_across_devices", gatherAcrossDevices);
        m.put("directions", pythonNames(directions));
        m.put("partition_mode", partitionMode.pythonName());
        m.put("hardness_mode", hardnessMode == null ? null : hardnessMode.pythonName());
        m.put("hardness_strength", hardnessStrength);
        return m;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(citationFor(directions, partitionMode));
    }

    /** The citation rule of reference 3.3. */
    static String citationFor(List<Direction> directions, PartitionMode mode) {
        Set<Direction> set = Set.copyOf(directions);
        if (set.size() == Direction.values().length && mode == PartitionMode.JOINT) {
            return Citations.LI2023GENERALTEXTEMBEDDINGSMULTISTAGE;
        }
        if (set.equals(Set.of(Direction.QUERY_TO_DOC, Direction.DOC_TO_QUERY)) && mode == PartitionMode.PER_DIRECTION) {
            return Citations.GUNTHER2024JINAEMBEDDINGS28192TOKEN;
        }
        return Citations.OORD2019REPRESENTATIONLEARNINGCONTRASTIVEPREDICTIVE;
    }

    public double scale() {
        return scale;
    }

    /** {@code 1 / scale}. */
    public double temperature() {
        return 1.0 / scale;
    }

    public SimilarityFunction similarityFct() {
        return similarityFct;
    }

    public boolean gatherAcrossDevices() {
        return gatherAcrossDevices;
    }

    public List<Direction> directions() {
        return directions;
    }

    public PartitionMode partitionMode() {
        return partitionMode;
    }

    /** The hardness mode, or {@code null} when off. */
    public HardnessMode hardnessMode() {
        return hardnessMode;
    }

    public double hardnessStrength() {
        return hardnessStrength;
    }

    /** Builder with sentence-transformers' defaults. */
    public static class Builder {
        private String lossName;
        private double scale = 20.0;
        private SimilarityFunction similarityFct = SimilarityFunction.COS_SIM;
        private boolean gatherAcrossDevices = false;
        private List<Direction> directions = List.of(Direction.QUERY_TO_DOC);
        private PartitionMode partitionMode = PartitionMode.JOINT;
        private HardnessMode hardnessMode = null;
        private double hardnessStrength = 0.0;

        protected Builder() {
        }

        String lossName() {
            return lossName == null ? NAME : lossName;
        }

        Builder lossName(String name) {
            this.lossName = name;
            return this;
        }

        /** Inverse temperature, {@code > 0} (default 20). */
        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        /** An all-pairs similarity function (default {@code cos_sim}). */
        public Builder similarityFct(SimilarityFunction f) {
            this.similarityFct = f;
            return this;
        }

        /** Only {@code false} is supported (one device). */
        public Builder gatherAcrossDevices(boolean gather) {
            this.gatherAcrossDevices = gather;
            return this;
        }

        /** The interaction terms; must contain {@code QUERY_TO_DOC} (default: only that). */
        public Builder directions(List<Direction> directions) {
            this.directions = directions == null ? null : new ArrayList<>(directions);
            return this;
        }

        public Builder directions(Direction... directions) {
            return directions(List.of(directions));
        }

        /** {@code JOINT} (default) or {@code PER_DIRECTION}. */
        public Builder partitionMode(PartitionMode mode) {
            this.partitionMode = mode;
            return this;
        }

        /** The hardness mode, or {@code null} (default) for none. */
        public Builder hardnessMode(HardnessMode mode) {
            this.hardnessMode = mode;
            return this;
        }

        /** The hardness strength {@code >= 0} (default 0). */
        public Builder hardnessStrength(double strength) {
            this.hardnessStrength = strength;
            return this;
        }

        public MultipleNegativesRankingLoss build() {
            return new MultipleNegativesRankingLoss(this);
        }
    }
}
