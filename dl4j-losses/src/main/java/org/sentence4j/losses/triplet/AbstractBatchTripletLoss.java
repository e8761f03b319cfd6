package org.sentence4j.losses.triplet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.sentence4j.losses.AbstractSentenceLoss;
import org.sentence4j.losses.Citations;
import org.sentence4j.losses.ConfigReader;
import org.sentence4j.losses.InputFormat;

/**
 * What the batch triplet losses with a hinge margin ({@link BatchAllTripletLoss}, {@link BatchHardTripletLoss},
 * {@link BatchSemiHardTripletLoss}) share: the options {@code distance_metric} and {@code margin} with their
 * checks, builder and config reading, the input format, {@code config()} and the citation. Only the mining of
 * the triplets ({@link #compute}) differs. Not meant to be extended outside this package.
 */
public abstract class AbstractBatchTripletLoss extends AbstractSentenceLoss {

    private final String name;
    private final BatchDistance distanceMetric;
    private final double margin;

    AbstractBatchTripletLoss(String name, Builder<?, ?> b) {
        this.name = name;
        this.distanceMetric = BatchTriplets.checkDistance(name, b.distanceMetric);
        this.margin = BatchTriplets.checkMargin(name, b.margin);
    }

    public BatchDistance distanceMetric() {
        return distanceMetric;
    }

    public double margin() {
        return margin;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public InputFormat inputFormat() {
        return BatchTriplets.FORMAT;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("distance_metric", distanceMetric.pythonName());
        c.put("margin", margin);
        return c;
    }

    @Override
    public Optional<String> citation() {
        return Optional.of(Citations.HERMANS2017DEFENSE);
    }

    /**
     * Options with upstream's defaults (euclidean distance, margin 5); {@code B} is the concrete builder,
     * {@code L} the loss it builds.
     */
    public abstract static class Builder<B extends Builder<B, L>, L extends AbstractBatchTripletLoss> {
        private BatchDistance distanceMetric = BatchDistance.EUCLIDEAN;
        private double margin = BatchTriplets.DEFAULT_MARGIN;

        Builder() {
        }

        public B distanceMetric(BatchDistance distanceMetric) {
            this.distanceMetric = distanceMetric;
            return self();
        }

        public B margin(double margin) {
            this.margin = margin;
            return self();
        }

        /** Reads sentence-transformers' options {@code distance_metric} and {@code margin}. */
        B read(ConfigReader options) {
            return distanceMetric(BatchTriplets.distance(options)).margin(BatchTriplets.margin(options));
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        public abstract L build();
    }
}
