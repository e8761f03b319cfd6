package org.sentence4j.trainer.data.mining;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.sentence4j.trainer.data.Dataset;

/**
 * Lays the picked negatives out in one output format; one job: picks to rows. Rows come anchor by anchor (in the
 * order of each anchor's first row) and, within an anchor, positive by positive, as in sentence-transformers;
 * every positive of an anchor gets the anchor's same negatives. Empty picks are dropped: in triplet,
 * labeled-pair and labeled-list the missing negatives, in n-tuple the whole row (a row with a missing negative
 * would not fit the format). In labeled-pair each negative of an anchor is written once, after the anchor's
 * positives. Scores are the float scores widened to double.
 *
 * <p>It also gathers the negatives it wrote and their differences to the positive for the statistics.
 */
final class OutputWriter {

    private OutputWriter() {
    }

    /** The rows, and what the statistics need from them. */
    record Written(Dataset dataset, List<LabeledList> labeledLists, double[] negativeScores,
                   double[] differenceScores, int maximumPossibleSamples, int droppedPairs,
                   Map<Integer, Integer> negativesPerPair, double[] positiveScores) {
    }

    static Written write(String name, PairIndex pairs, CandidateSearch.Candidates candidates,
                         NegativeSampler.Picks[] picks, OutputFormat format, boolean withScores, int numNegatives,
                         String anchorColumn, String positiveColumn) {
        List<String> queries = pairs.queries();
        List<String> corpus = pairs.corpus();
        Map<Integer, Integer> histogram = new TreeMap<>();
        List<Double> negatives = new ArrayList<>();
        List<Double> differences = new ArrayList<>();
        List<Double> positives = new ArrayList<>();

        List<Object> anchorsOut = new ArrayList<>();
        List<Object> docsOut = new ArrayList<>();
        List<List<Object>> negativeCols = new ArrayList<>();
        List<Object> labelsOut = new ArrayList<>();
        List<LabeledList> lists = new ArrayList<>();
        int extraColumns = format == OutputFormat.N_TUPLE ? numNegatives : format == OutputFormat.TRIPLET ? 1 : 0;
        for (int i = 0; i < extraColumns; i++) {
            negativeCols.add(new ArrayList<>());
        }
        int dropped = 0;

        for (int q = 0; q < queries.size(); q++) {
            String anchor = queries.get(q);
            int[] pos = pairs.positives(q);
            NegativeSampler.Picks pk = picks[q];
            int valid = pk.valid();
            for (int i = 0; i < pos.length; i++) {
                float ps = candidates.positiveScores[q][i];
                positives.add((double) ps);
                histogram.merge(valid, 1, Integer::sum);
                String positive = corpus.get(pos[i]);
                boolean keep = format == OutputFormat.N_TUPLE ? valid == numNegatives : valid > 0;
                if (keep || format == OutputFormat.LABELED_PAIR) {
                    for (int j = 0; j < numNegatives; j++) {
                        if (pk.indices()[j] >= 0) {
                            negatives.add((double) pk.scores()[j]);
                            differences.add((double) ps - pk.scores()[j]);
                        }
                    }
                }
                switch (format) {
                    case TRIPLET -> {
                        for (int j = 0; j < numNegatives; j++) {
                            if (pk.indices()[j] >= 0) {
                                anchorsOut.add(anchor);
                                docsOut.add(positive);
                                negativeCols.get(0).add(corpus.get(pk.indices()[j]));
                                if (withScores) {
                                    labelsOut.add(new double[]{ps, pk.scores()[j]});
                                }
                            }
                        }
                        dropped += valid == 0 ? 1 : 0;
                    }
                    case N_TUPLE -> {
                        if (keep) {
                            anchorsOut.add(anchor);
                            docsOut.add(positive);
                            double[] s = new double[numNegatives + 1];
                            s[0] = ps;
                            for (int j = 0; j < numNegatives; j++) {
                                negativeCols.get(j).add(corpus.get(pk.indices()[j]));
                                s[j + 1] = pk.scores()[j];
                            }
                            if (withScores) {
                                labelsOut.add(s);
                            }
                        } else {
                            dropped++;
                        }
                    }
                    case LABELED_PAIR -> {
                        anchorsOut.add(anchor);
                        docsOut.add(positive);
                        labelsOut.add(withScores ? (Object) (double) ps : (Object) 1);
                    }
                    case LABELED_LIST -> {
                        if (keep) {
                            List<String> docs = new ArrayList<>();
                            List<Integer> labels = new ArrayList<>();
                            List<Double> scores = new ArrayList<>();
                            docs.add(positive);
                            labels.add(1);
                            scores.add((double) ps);
                            for (int j = 0; j < numNegatives; j++) {
                                if (pk.indices()[j] >= 0) {
                                    docs.add(corpus.get(pk.indices()[j]));
                                    labels.add(0);
                                    scores.add((double) pk.scores()[j]);
                                }
                            }
                            lists.add(new LabeledList(anchor, docs, labels, scores));
                        } else {
                            dropped++;
                        }
                    }
                    default -> throw new IllegalStateException("unexpected format " + format);
                }
            }
            if (format == OutputFormat.LABELED_PAIR) {
                for (int j = 0; j < numNegatives; j++) {
                    if (pk.indices()[j] >= 0) {
                        anchorsOut.add(anchor);
                        docsOut.add(corpus.get(pk.indices()[j]));
                        labelsOut.add(withScores ? (Object) (double) pk.scores()[j] : (Object) 0);
                    }
                }
            }
        }

        int nPairs = pairs.pairCount();
        int maxPossible = switch (format) {
            case TRIPLET -> nPairs * numNegatives;
            case LABELED_PAIR -> queries.size() * numNegatives + nPairs;
            default -> nPairs;
        };

        Dataset dataset = null;
        if (format != OutputFormat.LABELED_LIST) {
            Map<String, List<Object>> cols = new LinkedHashMap<>();
            cols.put(anchorColumn, anchorsOut);
            cols.put(positiveColumn, docsOut);
            if (format == OutputFormat.TRIPLET) {
                cols.put("negative", negativeCols.get(0));
            } else if (format == OutputFormat.N_TUPLE) {
                for (int j = 0; j < numNegatives; j++) {
                    cols.put("negative_" + (j + 1), negativeCols.get(j));
                }
            }
            if (format == OutputFormat.LABELED_PAIR) {
                cols.put(withScores ? "score" : "label", labelsOut);
            } else if (withScores) {
                cols.put("score", labelsOut);
            }
            dataset = toDataset(name, cols, anchorsOut.size(), format, withScores, numNegatives);
        }
        return new Written(dataset, format == OutputFormat.LABELED_LIST ? lists : null, unbox(negatives),
                unbox(differences), maxPossible, dropped, histogram, unbox(positives));
    }

    /**
     * The columns as a dataset. The trainer's builder refuses a dataset without rows, while sentence-transformers
     * returns an empty one when nothing was mined; so an empty result is built with one placeholder row, which
     * is then selected away: the columns (and the label kind) stay.
     */
    private static Dataset toDataset(String name, Map<String, List<Object>> cols, int rows, OutputFormat format,
                                     boolean withScores, int numNegatives) {
        Dataset.Builder b = Dataset.builder(name).allowEmptyText(true);
        for (Map.Entry<String, List<Object>> e : cols.entrySet()) {
            List<Object> values = e.getValue();
            if (rows == 0) {
                Object placeholder = switch (e.getKey()) {
                    case "label" -> 0;
                    case "score" -> format == OutputFormat.LABELED_PAIR ? (Object) 0.5
                            : (Object) new double[format == OutputFormat.TRIPLET ? 2 : numNegatives + 1];
                    default -> "";
                };
                values = List.of(placeholder);
            }
            b.column(e.getKey(), values);
        }
        Dataset d = b.build();
        return rows == 0 ? d.select(new int[0]) : d;
    }

    private static double[] unbox(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
