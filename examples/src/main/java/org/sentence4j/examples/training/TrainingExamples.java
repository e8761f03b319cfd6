package org.sentence4j.examples.training;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every training example, in the order of the loss table's rows ({@code ./sentence4j example} lists them). */
public final class TrainingExamples {

    private static final List<TrainingExample> ALL = List.of(
            new StsPairsExample("sts-cosent", "CoSENTLoss"),
            new StsPairsExample("sts-angle", "AnglELoss"),
            new StsPairsExample("sts-cosine-similarity", "CosineSimilarityLoss"),
            new NliOnlineContrastiveExample(),
            new NliSoftmaxExample(),
            new NliTripletsExample("nli-mnrl-hard-negatives", "MultipleNegativesRankingLoss", Map.of(), 32, 60),
            new NliTripletsExample("nli-cached-mnrl", "CachedMultipleNegativesRankingLoss", Map.of("mini_batch_size", 32),
                    256, 8),
            // normalised embeddings are at most 2 apart, so the default euclidean margin of 5 never stops pushing:
            // cosine distance with a margin the model can meet
            new NliTripletsExample("nli-triplet-loss", "TripletLoss", Map.of("distance_metric", "COSINE", "triplet_margin", 0.3),
                    32, 60));

    private TrainingExamples() {
    }

    public static List<TrainingExample> all() {
        return ALL;
    }

    public static Optional<TrainingExample> named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
