package org.sentence4j.examples.training;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every training example, in the order of the loss table's rows ({@code ./sentence4j example} lists them). */
public final class TrainingExamples {

    private static final List<TrainingExample> ALL = List.of(
            // single sentences with classes
            new SentenceClassesExample("sts-sources-batch-hard", "BatchHardSoftMarginTripletLoss", Map.of()),
            new SentenceClassesExample("sts-sources-batch-all", "BatchAllTripletLoss",
                    Map.of("distance_metric", "cosine_distance", "margin", 0.3)),
            // single unlabelled sentences
            new UnlabelledSentencesExample("sentences-tsdae", "DenoisingAutoEncoderLoss", 16, 100, 3e-5),
            new UnlabelledSentencesExample("sentences-contrastive-tension", "ContrastiveTensionLossInBatchNegatives", 32,
                    60, 5e-5),
            // (anchor, positive) pairs
            NliPairsExample.registered("nli-pairs-mnrl", "MultipleNegativesRankingLoss", Map.of(), 32, 60, false),
            NliPairsExample.registered("nli-pairs-cached-mnrl", "CachedMultipleNegativesRankingLoss",
                    Map.of("mini_batch_size", 32), 512, 6, false),
            NliPairsExample.registered("nli-pairs-gist", "GISTEmbedLoss", Map.of(), 32, 60, true),
            new MinedNegativesExample(),
            // pairs with a float similarity
            new StsPairsExample("sts-cosent", "CoSENTLoss"),
            new StsPairsExample("sts-angle", "AnglELoss"),
            new StsPairsExample("sts-cosine-similarity", "CosineSimilarityLoss"),
            // pairs with 1/0 labels, class pairs
            new NliOnlineContrastiveExample(),
            new NliSoftmaxExample(),
            // (anchor, positive, negative) triplets
            new NliTripletsExample("nli-mnrl-hard-negatives", "MultipleNegativesRankingLoss", Map.of(), 32, 60),
            new NliTripletsExample("nli-cached-mnrl", "CachedMultipleNegativesRankingLoss", Map.of("mini_batch_size", 32),
                    256, 8),
            // normalised embeddings are at most 2 apart, so the default euclidean margin of 5 never stops pushing:
            // cosine distance with a margin the model can meet
            new NliTripletsExample("nli-triplet-loss", "TripletLoss", Map.of("distance_metric", "COSINE", "triplet_margin", 0.3),
                    32, 60),
            // regularisation beside a ranking loss
            new NliRegularizedExample(),
            // distillation
            new DistillationExample("distill-mse", DistillationExample.Kind.EMBEDDINGS, "MSELoss", Map.of(), 4000, 125),
            new DistillationExample("distill-margin-mse", DistillationExample.Kind.MARGIN, "MarginMSELoss", Map.of(), 1600, 50),
            new DistillationExample("distill-kl-div", DistillationExample.Kind.SCORES, "DistillKLDivLoss", Map.of(), 1600, 50),
            // modifiers
            new NliModifierExample("nli-matryoshka", "MatryoshkaLoss", Map.of("matryoshka_dims", List.of(384, 256, 128, 64)),
                    List.of(new NliModifierExample.Point(0, 384), new NliModifierExample.Point(0, 128),
                            new NliModifierExample.Point(0, 64)), 60),
            new NliModifierExample("nli-adaptive-layer", "AdaptiveLayerLoss", Map.of(),
                    java.util.stream.IntStream.rangeClosed(1, 6).mapToObj(l -> new NliModifierExample.Point(l, 0)).toList(), 60),
            new NliModifierExample("nli-matryoshka2d", "Matryoshka2dLoss", Map.of("matryoshka_dims", List.of(384, 256, 128, 64)),
                    List.of(new NliModifierExample.Point(6, 384), new NliModifierExample.Point(6, 64),
                            new NliModifierExample.Point(3, 384), new NliModifierExample.Point(3, 64)), 60),
            // a custom loss
            new CustomLossExample());

    private TrainingExamples() {
    }

    public static List<TrainingExample> all() {
        return ALL;
    }

    public static Optional<TrainingExample> named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
