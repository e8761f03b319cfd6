package org.sentence4j.examples.training;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.Datasets;

/**
 * The real datasets the repository ships ({@code testdata/datasets}: STS Benchmark and SNLI's dev split, with
 * their licences in its README), read as the training examples need them. Each reader writes the rows it keeps
 * as JSON lines into the example's work folder and reads them back with {@link Datasets#jsonLines}, the way a
 * user's own file would be read, so the example shows the file format of its row of the loss table.
 *
 * <p>Where: {@code -Dsentence4j.root} (the launcher sets it to the repository), else the working folder or
 * one of its parents that holds {@code testdata/datasets}.
 */
public final class ExampleData {

    private final Path datasets;
    private final Path work;

    private ExampleData(Path datasets, Path work) {
        this.datasets = datasets;
        this.work = work;
    }

    /** The repository's datasets, with converted files written under {@code work}. */
    public static ExampleData in(Path work) throws IOException {
        Files.createDirectories(work);
        return new ExampleData(locate(), work);
    }

    static Path locate() throws IOException {
        String root = System.getProperty("sentence4j.root");
        List<Path> candidates = new ArrayList<>();
        if (root != null && !root.isBlank()) {
            candidates.add(Path.of(root).resolve("testdata/datasets"));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p.resolve("testdata/datasets"));
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c.resolve("stsbenchmark")) && Files.isDirectory(c.resolve("snli"))) {
                return c;
            }
        }
        throw new IOException("the examples read the datasets in the repository's testdata/datasets (STS Benchmark, "
                + "SNLI); not found from " + Path.of("").toAbsolutePath() + (root == null ? "" : " or " + root)
                + ": run them through ./sentence4j in a checkout, or set -Dsentence4j.root=<checkout>");
    }

    /**
     * STS Benchmark pairs of one split ({@code train}, {@code dev} or {@code test}) as (sentence1, sentence2,
     * score) with the gold score divided by 5 (into [0, 1], as sentence-transformers' examples do); at most
     * {@code limit} rows (0: all), in file order.
     */
    public Dataset stsPairs(String split, int limit) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(datasets.resolve("stsbenchmark/sts-" + split + ".csv"), StandardCharsets.UTF_8)) {
            String[] c = line.split("\t", -1);
            if (c.length < 7) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sentence1", c[5]);
            row.put("sentence2", c[6]);
            row.put("score", Double.parseDouble(c[4]) / 5.0);
            rows.add(row);
            if (limit > 0 && rows.size() == limit) {
                break;
            }
        }
        return write("sts-" + split, rows);
    }

    /**
     * (anchor, positive, negative) triplets from SNLI's dev pairs: per premise, its first entailed hypothesis
     * as the positive and its first contradicted one as the hard negative (premises without both are dropped).
     * Rows [from, from + count) of the premises that have both (count 0: to the end).
     */
    public Dataset snliTriplets(int from, int count) throws IOException {
        List<String> premises = lines("snli/s1.dev");
        List<String> hypotheses = lines("snli/s2.dev");
        List<String> labels = lines("snli/labels.dev");
        Map<String, String[]> byPremise = new LinkedHashMap<>();
        for (int i = 0; i < premises.size(); i++) {
            String[] t = byPremise.computeIfAbsent(premises.get(i).strip(), k -> new String[2]);
            if (labels.get(i).equals("entailment") && t[0] == null) {
                t[0] = hypotheses.get(i).strip();
            } else if (labels.get(i).equals("contradiction") && t[1] == null) {
                t[1] = hypotheses.get(i).strip();
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int seen = 0;
        for (Map.Entry<String, String[]> e : byPremise.entrySet()) {
            if (e.getValue()[0] == null || e.getValue()[1] == null) {
                continue;
            }
            if (seen++ < from) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("anchor", e.getKey());
            row.put("positive", e.getValue()[0]);
            row.put("negative", e.getValue()[1]);
            rows.add(row);
            if (count > 0 && rows.size() == count) {
                break;
            }
        }
        return write("snli-triplets-" + from, rows);
    }

    /**
     * SNLI dev pairs (premise, hypothesis) with an integer label from {@code labels} (e.g. entailment → 0,
     * neutral → 1, contradiction → 2; a class missing from the map drops the pair), rows [from, from + count) of
     * those kept, in file order (count 0: to the end).
     */
    public Dataset snliPairs(Map<String, Integer> labels, int from, int count) throws IOException {
        List<String> premises = lines("snli/s1.dev");
        List<String> hypotheses = lines("snli/s2.dev");
        List<String> gold = lines("snli/labels.dev");
        List<Map<String, Object>> rows = new ArrayList<>();
        int seen = 0;
        for (int i = 0; i < premises.size(); i++) {
            Integer label = labels.get(gold.get(i).strip());
            if (label == null || seen++ < from) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("premise", premises.get(i).strip());
            row.put("hypothesis", hypotheses.get(i).strip());
            row.put("label", label);
            rows.add(row);
            if (count > 0 && rows.size() == count) {
                break;
            }
        }
        return write("snli-pairs-" + labels.size() + "-" + from, rows);
    }

    /**
     * Single sentences with a class: SNLI dev premises that are not among the first {@code heldOut} of
     * {@link #snliTriplets} (so evaluation on those stays unseen), each with its entailed hypotheses, the
     * premise's number as the class of all of them: sentences of one class describe the same scene. Only groups
     * of two or more sentences are kept (a batch triplet loss needs a positive); columns (sentence, label).
     */
    public Dataset snliSentenceClasses(int heldOut) throws IOException {
        List<String> premises = lines("snli/s1.dev");
        List<String> hypotheses = lines("snli/s2.dev");
        List<String> labels = lines("snli/labels.dev");
        Map<String, List<String>> entailed = new LinkedHashMap<>();
        Map<String, Boolean> contradicted = new LinkedHashMap<>();
        for (int i = 0; i < premises.size(); i++) {
            String premise = premises.get(i).strip();
            List<String> group = entailed.computeIfAbsent(premise, k -> new ArrayList<>());
            contradicted.putIfAbsent(premise, false);
            if (labels.get(i).equals("entailment")) {
                group.add(hypotheses.get(i).strip());
            } else if (labels.get(i).equals("contradiction")) {
                contradicted.put(premise, true);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int tripletPremises = 0;
        int label = 0;
        for (Map.Entry<String, List<String>> e : entailed.entrySet()) {
            boolean inTriplets = !e.getValue().isEmpty() && contradicted.get(e.getKey());
            if (inTriplets && tripletPremises++ < heldOut) {
                continue;
            }
            if (e.getValue().isEmpty()) {
                continue;
            }
            List<String> group = new ArrayList<>();
            group.add(e.getKey());
            group.addAll(e.getValue());
            for (String sentence : group) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("sentence", sentence);
                row.put("label", label);
                rows.add(row);
            }
            label++;
        }
        return write("snli-sentence-classes", rows);
    }

    /**
     * Unlabelled sentences: the distinct sentences of STS Benchmark's train split (both columns, file order), at
     * most {@code limit} (0: all), written one per line to a {@code .txt} file and read back as a one-column
     * dataset {@code sentence}, the format TSDAE and ContrastiveTension learn from.
     */
    public Dataset stsSentences(int limit) throws IOException {
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
        for (String line : Files.readAllLines(datasets.resolve("stsbenchmark/sts-train.csv"), StandardCharsets.UTF_8)) {
            String[] c = line.split("\t", -1);
            if (c.length < 7) {
                continue;
            }
            for (String sentence : new String[] {c[5].strip(), c[6].strip()}) {
                if (!sentence.isEmpty() && (limit == 0 || distinct.size() < limit)) {
                    distinct.add(sentence);
                }
            }
        }
        Path file = work.resolve("sts-sentences.txt");
        Files.write(file, distinct, StandardCharsets.UTF_8);
        return Datasets.lineFiles().column("sentence", file).read().withName("sts-sentences");
    }

    /** Rows of any shape written as JSON lines and read back (values: text, integer, double or double[]). */
    public Dataset jsonLines(String name, List<Map<String, Object>> rows) throws IOException {
        return write(name, rows);
    }

    private List<String> lines(String file) throws IOException {
        return Files.readAllLines(datasets.resolve(file), StandardCharsets.UTF_8);
    }

    private Dataset write(String name, List<Map<String, Object>> rows) throws IOException {
        Path file = work.resolve(name + ".jsonl");
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map<String, Object> row : rows) {
                ObjectNode node = json.createObjectNode();
                row.forEach((k, v) -> {
                    if (v instanceof Double d) {
                        node.put(k, d);
                    } else if (v instanceof Integer n) {
                        node.put(k, n);
                    } else if (v instanceof double[] vector) {
                        var array = node.putArray(k);
                        for (double x : vector) {
                            array.add(x);
                        }
                    } else {
                        node.put(k, (String) v);
                    }
                });
                w.write(json.writeValueAsString(node));
                w.newLine();
            }
        }
        return Datasets.jsonLines(file).name(name).read();
    }
}
