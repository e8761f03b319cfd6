package org.sentence4j.graphs.bert;

import java.util.List;

/**
 * What a ModernBERT encoder needs beyond the sizes of {@link BertConfig}: which layers attend globally, the
 * sliding window of the others, and the rotary base of each kind of layer.
 *
 * @param globalLayers one entry per layer: true for full attention, false for sliding-window attention
 * @param localWindow  {@code local_attention}: a sliding layer lets token i see token j when
 *                     {@code |i - j| <= localWindow / 2}
 * @param globalTheta  rotary base of full-attention layers ({@code rope_parameters.full_attention.rope_theta})
 * @param localTheta   rotary base of sliding layers ({@code rope_parameters.sliding_attention.rope_theta})
 */
public record ModernBertSettings(List<Boolean> globalLayers, int localWindow, double globalTheta, double localTheta) {

    public ModernBertSettings {
        globalLayers = List.copyOf(globalLayers);
        if (localWindow < 0) {
            throw new IllegalArgumentException("local_attention must be >= 0, not " + localWindow);
        }
        if (!(globalTheta > 0) || !(localTheta > 0)) {
            throw new IllegalArgumentException("rope_theta must be positive: " + globalTheta + ", " + localTheta);
        }
    }

    /** transformers' layout when a config has no {@code layer_types}: layer i is global when i % n == 0. */
    public static List<Boolean> everyNth(int layers, int n) {
        Boolean[] out = new Boolean[layers];
        for (int i = 0; i < layers; i++) {
            out[i] = n <= 0 || i % n == 0;
        }
        return List.of(out);
    }

    public boolean global(int layer) {
        return globalLayers.get(layer);
    }

    public double theta(int layer) {
        return global(layer) ? globalTheta : localTheta;
    }
}
