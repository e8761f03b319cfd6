package org.sentence4j.losses.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Turns (sentence_A, sentence_B, class) pairs into (anchor, positive, negative) triplets, which opens the
 * triplet and in-batch-negative losses to class-labelled pair data. Both sentences of a pair belong to the
 * pair's class. For each pair the anchor is sentence_A, the positive another sentence of the same class
 * (sentence_B unless it equals the anchor, then a random one), the negative a random sentence of another
 * class. Sampling is seeded, so a conversion is reproducible. Pairs whose class has no other sentence, or
 * a dataset with a single class, yield no triplet for those pairs; {@link Result#skipped()} counts them.
 */
public final class PairsToTriplets {

    /** A labelled pair. */
    public record LabeledPair(String sentenceA, String sentenceB, int label) {
        public LabeledPair {
            Objects.requireNonNull(sentenceA, "sentenceA");
            Objects.requireNonNull(sentenceB, "sentenceB");
        }
    }

    /** An (anchor, positive, negative) triplet. */
    public record Triplet(String anchor, String positive, String negative) {
    }

    /** The triplets, and how many pairs could not be turned into one. */
    public record Result(List<Triplet> triplets, int skipped) {
    }

    private PairsToTriplets() {
    }

    public static Result convert(List<LabeledPair> pairs, long seed) {
        Random rng = new Random(seed);
        Map<Integer, List<String>> byClass = new LinkedHashMap<>();
        for (LabeledPair p : pairs) {
            List<String> s = byClass.computeIfAbsent(p.label(), k -> new ArrayList<>());
            s.add(p.sentenceA());
            s.add(p.sentenceB());
        }
        List<Integer> classes = new ArrayList<>(byClass.keySet());
        List<Triplet> out = new ArrayList<>();
        int skipped = 0;
        for (LabeledPair p : pairs) {
            String anchor = p.sentenceA();
            String positive = p.sentenceB().equals(anchor) ? pickOther(byClass.get(p.label()), anchor, rng) : p.sentenceB();
            String negative = classes.size() < 2 ? null : pickFromOtherClass(byClass, classes, p.label(), rng);
            if (positive == null || negative == null) {
                skipped++;
                continue;
            }
            out.add(new Triplet(anchor, positive, negative));
        }
        return new Result(out, skipped);
    }

    private static String pickOther(List<String> pool, String not, Random rng) {
        List<String> candidates = pool.stream().filter(s -> !s.equals(not)).toList();
        return candidates.isEmpty() ? null : candidates.get(rng.nextInt(candidates.size()));
    }

    private static String pickFromOtherClass(Map<Integer, List<String>> byClass, List<Integer> classes, int own, Random rng) {
        int c;
        do {
            c = classes.get(rng.nextInt(classes.size()));
        } while (c == own);
        List<String> pool = byClass.get(c);
        return pool.get(rng.nextInt(pool.size()));
    }
}
