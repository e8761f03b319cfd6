package org.sentence4j.graphs.bert;

import org.apache.commons.math3.special.Erf;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * BERT's forward pass for one unpadded sequence written with plain loops in double, straight from the
 * Hugging Face modelling code: the independent reference the SameDiff graph is compared with.
 */
final class ReferenceBert {

    private final BertConfig c;
    private final BertWeights w;

    ReferenceBert(BertConfig config, BertWeights weights) {
        this.c = config;
        this.w = weights;
    }

    /** last_hidden_state [T, H] of one sequence. */
    double[][] lastHidden(long[] ids, long[] types, int numLayers) {
        int t = ids.length;
        int h = c.hiddenSize();
        double[][] word = m(BertTensorNames.WORD_EMBEDDINGS);
        double[][] pos = m(BertTensorNames.POSITION_EMBEDDINGS);
        double[][] typ = m(BertTensorNames.TOKEN_TYPE_EMBEDDINGS);
        double[][] x = new double[t][h];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < h; j++) {
                x[i][j] = word[(int) ids[i]][j] + pos[i][j] + typ[(int) types[i]][j];
            }
        }
        x = layerNorm(x, BertTensorNames.EMBEDDINGS_LAYER_NORM_WEIGHT, BertTensorNames.EMBEDDINGS_LAYER_NORM_BIAS);
        for (int l = 0; l < numLayers; l++) {
            double[][] q = linear(x, BertTensorNames.query(l, "weight"), BertTensorNames.query(l, "bias"));
            double[][] k = linear(x, BertTensorNames.key(l, "weight"), BertTensorNames.key(l, "bias"));
            double[][] v = linear(x, BertTensorNames.value(l, "weight"), BertTensorNames.value(l, "bias"));
            int hd = c.headSize();
            double[][] ctx = new double[t][h];
            for (int head = 0; head < c.numAttentionHeads(); head++) {
                int o = head * hd;
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        for (int d = 0; d < hd; d++) {
                            s[j] += q[i][o + d] * k[j][o + d];
                        }
                        s[j] /= Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int d = 0; d < hd; d++) {
                            ctx[i][o + d] += s[j] / sum * v[j][o + d];
                        }
                    }
                }
            }
            double[][] a = linear(ctx, BertTensorNames.attentionOutput(l, "weight"), BertTensorNames.attentionOutput(l, "bias"));
            x = layerNorm(add(a, x), BertTensorNames.attentionLayerNorm(l, "weight"), BertTensorNames.attentionLayerNorm(l, "bias"));
            double[][] inner = linear(x, BertTensorNames.intermediate(l, "weight"), BertTensorNames.intermediate(l, "bias"));
            for (double[] row : inner) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = 0.5 * row[j] * (1 + Erf.erf(row[j] / Math.sqrt(2)));
                }
            }
            double[][] out = linear(inner, BertTensorNames.output(l, "weight"), BertTensorNames.output(l, "bias"));
            x = layerNorm(add(out, x), BertTensorNames.outputLayerNorm(l, "weight"), BertTensorNames.outputLayerNorm(l, "bias"));
        }
        return x;
    }

    private double[][] m(String name) {
        return w.get(name).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private double[] vec(String name) {
        return w.get(name).castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** x W^T + b, W in [out, in]. */
    private double[][] linear(double[][] x, String weight, String bias) {
        double[][] wt = m(weight);
        double[] b = vec(bias);
        double[][] y = new double[x.length][wt.length];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < wt.length; o++) {
                double s = b[o];
                for (int j = 0; j < x[i].length; j++) {
                    s += x[i][j] * wt[o][j];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String gamma, String beta) {
        double[] g = vec(gamma);
        double[] b = vec(beta);
        double[][] y = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / x[i].length;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / x[i].length;
            }
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = (x[i][j] - mean) / Math.sqrt(var + c.layerNormEps()) * g[j] + b[j];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                y[i][j] = a[i][j] + b[i][j];
            }
        }
        return y;
    }
}
