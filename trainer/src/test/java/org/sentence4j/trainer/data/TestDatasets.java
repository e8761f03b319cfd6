package org.sentence4j.trainer.data;

import java.nio.file.Path;

import org.sentence4j.losses.LabelKind;
import org.sentence4j.trainer.TestData;

/** The datasets in {@code testdata/datasets} (see {@link TestData}), read as the data tests read them. */
final class TestDatasets {

    private TestDatasets() {
    }

    static Path datasets(String sub) {
        return TestData.datasets(sub);
    }

    /** STSb train, as written: tab-separated, no header, no quoting, 7 or 9 fields, scores / 5. */
    static Dataset stsTrain() {
        return Datasets.tsv(datasets("stsbenchmark/sts-train.csv"))
                .header(false).quoting(false).fieldCounts(7, 9)
                .column("sentence1", 5).column("sentence2", 6).label("score", 4).labelScale(5)
                .read();
    }

    /** SNLI dev, zipped from the three line-aligned files; entailment 0, neutral 1, contradiction 2. */
    static Dataset snli() {
        Path d = datasets("snli");
        return Datasets.lineFiles()
                .column("premise", d.resolve("s1.dev")).column("hypothesis", d.resolve("s2.dev"))
                .label("label", d.resolve("labels.dev")).labelMapping(LabelMapping.nli())
                .labelKind(LabelKind.CLASS)
                .read();
    }
}
