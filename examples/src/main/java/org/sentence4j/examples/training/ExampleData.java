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
import org.sentence4j.trainer.evaluation.InformationRetrievalEvaluator;

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
    /** SNLI's dev pairs, once read ({@link #snli()}). */
    private List<SnliPair> snli;

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
        for (String[] c : stsRows(split)) {
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

    /** One SNLI dev pair, texts stripped: premise, hypothesis and gold label (entailment, neutral, contradiction). */
    private record SnliPair(String premise, String hypothesis, String label) {
        boolean entailed() {
            return label.equals("entailment");
        }
    }

    /** SNLI's dev pairs in file order, read once per work folder (every SNLI reader below starts from them). */
    private List<SnliPair> snli() throws IOException {
        if (snli == null) {
            List<String> premises = lines("snli/s1.dev");
            List<String> hypotheses = lines("snli/s2.dev");
            List<String> labels = lines("snli/labels.dev");
            List<SnliPair> pairs = new ArrayList<>(premises.size());
            for (int i = 0; i < premises.size(); i++) {
                pairs.add(new SnliPair(premises.get(i).strip(), hypotheses.get(i).strip(), labels.get(i).strip()));
            }
            snli = List.copyOf(pairs);
        }
        return snli;
    }

    /**
     * The premises that have both an entailed and a contradicted hypothesis, in file order, each with its first of
     * each: the rows of {@link #snliTriplets}, whose first ones are the examples' held-out premises.
     */
    private List<String[]> tripletPremises() throws IOException {
        Map<String, String[]> byPremise = new LinkedHashMap<>();
        for (SnliPair p : snli()) {
            String[] t = byPremise.computeIfAbsent(p.premise(), k -> new String[2]);
            if (p.entailed() && t[0] == null) {
                t[0] = p.hypothesis();
            } else if (p.label().equals("contradiction") && t[1] == null) {
                t[1] = p.hypothesis();
            }
        }
        List<String[]> triplets = new ArrayList<>();
        byPremise.forEach((premise, t) -> {
            if (t[0] != null && t[1] != null) {
                triplets.add(new String[] {premise, t[0], t[1]});
            }
        });
        return triplets;
    }

    /** The first {@code count} premises of {@link #snliTriplets} (the held-out ones), in order. */
    private List<String> heldOutPremises(int count) throws IOException {
        List<String[]> triplets = tripletPremises();
        List<String> premises = new ArrayList<>();
        for (String[] t : triplets.subList(0, Math.min(count, triplets.size()))) {
            premises.add(t[0]);
        }
        return premises;
    }

    /**
     * (anchor, positive, negative) triplets from SNLI's dev pairs: per premise, its first entailed hypothesis
     * as the positive and its first contradicted one as the hard negative (premises without both are dropped).
     * Rows [from, from + count) of the premises that have both (count 0: to the end).
     */
    public Dataset snliTriplets(int from, int count) throws IOException {
        List<String[]> triplets = tripletPremises();
        int to = count > 0 ? Math.min(triplets.size(), from + count) : triplets.size();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String[] t : triplets.subList(Math.min(from, to), to)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("anchor", t[0]);
            row.put("positive", t[1]);
            row.put("negative", t[2]);
            rows.add(row);
        }
        return write("snli-triplets-" + from, rows);
    }

    /**
     * SNLI dev pairs (premise, hypothesis) with an integer label from {@code labels} (e.g. entailment → 0,
     * neutral → 1, contradiction → 2; a class missing from the map drops the pair), rows [from, from + count) of
     * those kept, in file order (count 0: to the end).
     */
    public Dataset snliPairs(Map<String, Integer> labels, int from, int count) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        int seen = 0;
        for (SnliPair p : snli()) {
            Integer label = labels.get(p.label());
            if (label == null || seen++ < from) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("premise", p.premise());
            row.put("hypothesis", p.hypothesis());
            row.put("label", label);
            rows.add(row);
            if (count > 0 && rows.size() == count) {
                break;
            }
        }
        return write("snli-pairs-" + labels.size() + "-" + from, rows);
    }

    /**
     * Retrieval on held-out SNLI premises: each of the first {@code queries} premises of {@link #snliTriplets} is a
     * query; the corpus holds every hypothesis written for those premises (entailed, neutral and contradicted, so
     * most distractors describe a similar scene); the relevant documents of a premise are its entailed hypotheses.
     * What training on (anchor, positive) pairs with in-batch negatives improves: finding the positive among many.
     */
    public InformationRetrievalEvaluator snliRetrievalEvaluator(int queries) throws IOException {
        Map<String, String> held = new LinkedHashMap<>();
        for (String premise : heldOutPremises(queries)) {
            held.putIfAbsent(premise, "q" + held.size());
        }
        Map<String, String> queryTexts = new LinkedHashMap<>();
        Map<String, String> corpus = new LinkedHashMap<>();
        Map<String, String> corpusIds = new java.util.HashMap<>();
        Map<String, java.util.Set<String>> relevant = new LinkedHashMap<>();
        for (SnliPair p : snli()) {
            String qid = held.get(p.premise());
            if (qid == null) {
                continue;
            }
            queryTexts.putIfAbsent(qid, p.premise());
            String did = corpusIds.computeIfAbsent(p.hypothesis(), h -> "d" + corpusIds.size());
            corpus.putIfAbsent(did, p.hypothesis());
            if (p.entailed()) {
                relevant.computeIfAbsent(qid, k -> new java.util.LinkedHashSet<>()).add(did);
            }
        }
        return InformationRetrievalEvaluator.builder(queryTexts, corpus, relevant).name("snli-retrieval")
                .mrrAtK(List.of(10)).ndcgAtK(List.of(10)).build();
    }

    /**
     * Every (premise, entailed hypothesis) pair of SNLI dev whose premise is not among the first {@code heldOut} of
     * {@link #snliTriplets}; a premise with several entailed hypotheses has a row for each (so a miner knows all of
     * its positives); at most {@code count} rows (0: all); columns (anchor, positive).
     */
    public Dataset snliEntailmentPairs(int heldOut, int count) throws IOException {
        java.util.Set<String> held = new java.util.HashSet<>(heldOutPremises(heldOut));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SnliPair p : snli()) {
            if (count > 0 && rows.size() == count) {
                break;
            }
            if (!held.contains(p.premise()) && p.entailed()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("anchor", p.premise());
                row.put("positive", p.hypothesis());
                rows.add(row);
            }
        }
        return write("snli-entailment-pairs", rows);
    }

    /**
     * Every SNLI dev hypothesis (entailed, neutral or contradicted) of the premises that are not among the first
     * {@code heldOut} of {@link #snliTriplets}, distinct, in file order: a corpus to mine hard negatives from.
     */
    public List<String> snliHypothesesExcept(int heldOut) throws IOException {
        java.util.Set<String> held = new java.util.HashSet<>(heldOutPremises(heldOut));
        java.util.Set<String> corpus = new java.util.LinkedHashSet<>();
        for (SnliPair p : snli()) {
            if (!held.contains(p.premise())) {
                corpus.add(p.hypothesis());
            }
        }
        return List.copyOf(corpus);
    }

    /**
     * The sources of STS Benchmark sentences that serve as classes, in label order: two news sources and two caption
     * sources (both in train and dev), then two forum/news sources found in train only.
     */
    static final List<String> STS_SOURCES = List.of("headlines", "MSRpar", "images", "MSRvid", "deft-forum", "deft-news");

    /**
     * Single sentences with a class: the distinct sentences of an STS Benchmark split (both columns), each labelled
     * with the corpus it comes from ({@link #STS_SOURCES}: news headlines, paraphrase-corpus news, image captions,
     * video captions, ...; rows of other sources dropped); columns (sentence, label).
     */
    public Dataset stsSentenceSources(String split) throws IOException {
        Map<String, Integer> labelled = new LinkedHashMap<>();
        for (String[] c : stsRows(split)) {
            int label = STS_SOURCES.indexOf(c[1]);
            if (label >= 0) {
                labelled.putIfAbsent(c[5].strip(), label);
                labelled.putIfAbsent(c[6].strip(), label);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        labelled.forEach((sentence, label) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sentence", sentence);
            row.put("label", label);
            rows.add(row);
        });
        return write("sts-sources-" + split, rows);
    }

    /**
     * Triplets that test the source classes on STS Benchmark dev: an anchor, another sentence of its source, and a
     * sentence of the other source of the same genre (headlines against MSRpar, image against video captions), so
     * that the negative is close in kind and only the class tells them apart; {@code perSource} triplets for each
     * of the four sources; columns (anchor, positive, negative).
     */
    public Dataset stsSourceTriplets(int perSource) throws IOException {
        Map<String, List<String>> bySource = new LinkedHashMap<>();
        for (String[] c : stsRows("dev")) {
            if (STS_SOURCES.indexOf(c[1]) >= 0) {
                List<String> list = bySource.computeIfAbsent(c[1], k -> new ArrayList<>());
                for (String sentence : new String[] {c[5].strip(), c[6].strip()}) {
                    if (!list.contains(sentence)) {
                        list.add(sentence);
                    }
                }
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            List<String> own = bySource.getOrDefault(STS_SOURCES.get(s), List.of());
            List<String> sibling = bySource.getOrDefault(STS_SOURCES.get(s ^ 1), List.of());
            for (int i = 0; i < perSource && 2 * i + 1 < own.size() && i < sibling.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("anchor", own.get(2 * i));
                row.put("positive", own.get(2 * i + 1));
                row.put("negative", sibling.get(sibling.size() - 1 - i));
                rows.add(row);
            }
        }
        return write("sts-source-triplets", rows);
    }

    /** The tab-separated rows of an STS Benchmark split (genre, source, year, id, score, sentence1, sentence2). */
    private List<String[]> stsRows(String split) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(datasets.resolve("stsbenchmark/sts-" + split + ".csv"), StandardCharsets.UTF_8)) {
            String[] c = line.split("\t", -1);
            if (c.length >= 7) {
                rows.add(c);
            }
        }
        return rows;
    }

    /**
     * Unlabelled sentences: the distinct sentences of STS Benchmark's train split (both columns, file order), at
     * most {@code limit} (0: all), written one per line to a {@code .txt} file and read back as a one-column
     * dataset {@code sentence}, the format TSDAE and ContrastiveTension learn from.
     */
    public Dataset stsSentences(int limit) throws IOException {
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
        for (String[] c : stsRows("train")) {
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
