package org.sentence4j.trainer.evaluation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEmbedder;

/** Deterministic models for the evaluator tests. */
final class StandInEmbedders {

    private StandInEmbedders() {
    }

    /** Fixed vectors per text; records every batch it is asked to embed; fails on an unknown text. */
    static final class Fixed implements SentenceEmbedder {
        final Map<String, float[]> vectors = new HashMap<>();
        final List<List<String>> batches = new ArrayList<>();

        Fixed put(String text, double... v) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            vectors.put(text, f);
            return this;
        }

        /** A 2-d unit vector at {@code degrees}: its cosine with another is the cosine of the angle between. */
        Fixed angle(String text, double degrees) {
            double r = Math.toRadians(degrees);
            return put(text, Math.cos(r), Math.sin(r));
        }

        int textsEmbedded() {
            return batches.stream().mapToInt(List::size).sum();
        }

        @Override
        public INDArray embed(List<String> texts) {
            batches.add(List.copyOf(texts));
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) {
                float[] v = vectors.get(texts.get(i));
                if (v == null) {
                    throw new IllegalArgumentException("no vector for " + texts.get(i));
                }
                out[i] = v;
            }
            return Nd4j.createFromArray(out);
        }
    }

    /** Bag of hashed character trigrams (lower-cased, space-padded), FLOAT [n, dim]: a crude but real similarity. */
    static final class Trigrams implements SentenceEmbedder {
        private final int dim;

        Trigrams(int dim) {
            this.dim = dim;
        }

        @Override
        public INDArray embed(List<String> texts) {
            float[][] out = new float[texts.size()][dim];
            for (int i = 0; i < out.length; i++) {
                String t = "  " + texts.get(i).toLowerCase(Locale.ROOT) + " ";
                for (int j = 0; j + 3 <= t.length(); j++) {
                    out[i][Math.floorMod(t.substring(j, j + 3).hashCode(), dim)] += 1;
                }
            }
            return Nd4j.createFromArray(out);
        }
    }
}
