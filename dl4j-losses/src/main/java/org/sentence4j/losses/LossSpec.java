package org.sentence4j.losses;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A loss by name and snake_case options, as a fixture, a model card or the command line gives it; a
 * modifier (MatryoshkaLoss, AdaptiveLayerLoss, Matryoshka2dLoss) also names its base loss.
 *
 * @param name   sentence-transformers class name
 * @param config options keyed by snake_case names (missing ones take the defaults)
 * @param base   the wrapped loss of a modifier, else {@code null}
 */
public record LossSpec(String name, Map<String, Object> config, LossSpec base) {

    public LossSpec {
        Objects.requireNonNull(name, "name");
        config = config == null ? Map.of() : new LinkedHashMap<>(config);
    }

    public static LossSpec of(String name) {
        return new LossSpec(name, Map.of(), null);
    }

    public static LossSpec of(String name, Map<String, Object> config) {
        return new LossSpec(name, config, null);
    }
}
