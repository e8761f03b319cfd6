package org.sentence4j.examples.training;

import java.util.List;
import java.util.Optional;

/** Every training example, in the order of the loss table's rows ({@code ./sentence4j example} lists them). */
public final class TrainingExamples {

    private static final List<TrainingExample> ALL = List.of(new StsCoSentExample(), new NliOnlineContrastiveExample(),
            new NliSoftmaxExample(), new NliMnrlHardNegativesExample());

    private TrainingExamples() {
    }

    public static List<TrainingExample> all() {
        return ALL;
    }

    public static Optional<TrainingExample> named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
