package org.sentence4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** sentence-transformers' four forms of the training argument {@code prompts}, and names that match nothing. */
class TrainingPromptsTest {

    private static final Map<String, List<String>> COLUMNS = Map.of("nli", List.of("anchor", "positive", "negative"),
            "sts", List.of("sentence1", "sentence2"));

    @Test
    void theFourForms() {
        TrainingPrompts all = TrainingPrompts.of("q: ");
        assertEquals("q: ", all.prompt("nli", "anchor"));
        assertEquals("q: ", all.prompt("sts", "sentence2"));
        TrainingPrompts perColumn = TrainingPrompts.perColumn(Map.of("anchor", "query: ", "positive", "passage: "));
        assertEquals("query: ", perColumn.prompt("nli", "anchor"));
        assertEquals("passage: ", perColumn.prompt("nli", "positive"));
        assertEquals("", perColumn.prompt("nli", "negative"));
        assertEquals(Map.of("anchor", "query: ", "positive", "passage: "), perColumn.forDataset("nli", COLUMNS.get("nli")));
        TrainingPrompts perDataset = TrainingPrompts.perDataset(Map.of("sts", "similar: "));
        assertEquals("similar: ", perDataset.prompt("sts", "sentence1"));
        assertEquals("", perDataset.prompt("nli", "anchor"));
        TrainingPrompts both = TrainingPrompts.perDatasetAndColumn(Map.of("nli", Map.of("anchor", "query: ")));
        assertEquals("query: ", both.prompt("nli", "anchor"));
        assertEquals("", both.prompt("nli", "positive"));
        assertEquals("", both.prompt("sts", "sentence1"));
        assertTrue(TrainingPrompts.none().isEmpty());
        assertEquals(Map.of(), TrainingPrompts.none().forDataset("nli", COLUMNS.get("nli")));
    }

    @Test
    void namesThatMatchNothingAreErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingPrompts.perColumn(Map.of("anchr", "q: ")).check(COLUMNS));
        assertTrue(e.getMessage().contains("column 'anchr'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingPrompts.perDataset(Map.of("snli", "q: ")).check(COLUMNS));
        assertTrue(e.getMessage().contains("dataset 'snli' is not trained"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingPrompts.perDatasetAndColumn(Map.of("sts", Map.of("anchor", "q: "))).check(COLUMNS));
        assertTrue(e.getMessage().contains("dataset 'sts' has no column 'anchor'"), e.getMessage());
        TrainingPrompts.perColumn(Map.of("anchor", "q: ")).check(COLUMNS);
    }
}
