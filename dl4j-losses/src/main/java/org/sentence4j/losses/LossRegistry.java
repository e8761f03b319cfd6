package org.sentence4j.losses;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.commons.lang3.StringUtils;
import org.sentence4j.losses.distillation.DistillationLosses;
import org.sentence4j.losses.modifiers.ModifierLosses;
import org.sentence4j.losses.pair.PairLosses;
import org.sentence4j.losses.ranking.RankingLosses;
import org.sentence4j.losses.regularization.RegularizationLosses;
import org.sentence4j.losses.triplet.TripletLosses;
import org.sentence4j.losses.unsupervised.UnsupervisedLosses;

/**
 * Creates losses by their sentence-transformers name from snake_case options ({@link LossSpec}): what the
 * command line's {@code --loss} / {@code --loss-option}, the golden fixtures and saved configurations use.
 * An unknown name fails with the list of known ones.
 */
public final class LossRegistry {

    /** Creates one loss from its options; {@code base} is the already-created base loss of a modifier. */
    @FunctionalInterface
    public interface LossCreator {
        SentenceLoss create(ConfigReader options, SentenceLoss base);
    }

    private final Map<String, LossCreator> creators = new TreeMap<>();

    /** A registry holding every built-in loss. */
    public static LossRegistry defaults() {
        LossRegistry r = new LossRegistry();
        RankingLosses.register(r);
        TripletLosses.register(r);
        PairLosses.register(r);
        DistillationLosses.register(r);
        UnsupervisedLosses.register(r);
        ModifierLosses.register(r);
        RegularizationLosses.register(r);
        return r;
    }

    /** Adds (or replaces) a loss under its class name, e.g. a user's custom loss. */
    public LossRegistry register(String name, LossCreator creator) {
        creators.put(name, creator);
        return this;
    }

    public Set<String> names() {
        return creators.keySet();
    }

    public boolean contains(String name) {
        return creators.containsKey(name);
    }

    /** Builds the loss (and, for a modifier, its base loss first); unknown names and options fail clearly. */
    public SentenceLoss create(LossSpec spec) {
        LossCreator creator = creators.get(spec.name());
        if (creator == null) {
            String closest = creators.keySet().stream()
                    .min(Comparator.comparingInt(n -> StringUtils.getLevenshteinDistance(n.toLowerCase(), spec.name().toLowerCase())))
                    .orElse("");
            throw new LossInputException("Unknown loss '" + spec.name() + "'"
                    + (closest.isEmpty() ? "" : " (did you mean '" + closest + "'?)")
                    + ". Known losses: " + String.join(", ", creators.keySet()) + ".");
        }
        SentenceLoss base = spec.base() == null ? null : create(spec.base());
        ConfigReader options = new ConfigReader(spec.name(), spec.config());
        SentenceLoss loss = creator.create(options, base);
        options.rejectUnknown();
        return loss;
    }

    /** Shorthand for {@code create(LossSpec.of(name, options))}. */
    public SentenceLoss create(String name, Map<String, Object> options) {
        return create(LossSpec.of(name, options));
    }
}
