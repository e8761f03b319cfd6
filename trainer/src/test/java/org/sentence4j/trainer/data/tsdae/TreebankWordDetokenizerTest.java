package org.sentence4j.trainer.data.tsdae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** NLTK 3.10.3's detokenizer on cases where Python's regex semantics matter (outputs from CPython 3.11.7). */
class TreebankWordDetokenizerTest {

    private final TreebankWordDetokenizer detokenizer = new TreebankWordDetokenizer();

    private void assertText(String text, String... tokens) {
        assertEquals(text, detokenizer.detokenize(List.of(tokens)), () -> List.of(tokens).toString());
    }

    @Test
    void ordinaryTokens() {
        assertText("\"Hello,\" she said.", "``", "Hello", ",", "''", "she", "said", ".");
        assertText("Wait...what?", "Wait", "...", "what", "?");
        assertText("And then ...", "And", "then", "...");
        assertText("1, 000", "1", ",", "000");
        assertText("$5%", "$", "5", "%");
        assertText("(a).", "(", "a", ")", ".");
        assertText("He said' tis", "He", "said", "'", "tis");
        assertText("He said,\" \"'", "He", "said", ",", "''", "'", "''");
        assertText("");
    }

    @Test
    void contractionsRejoinedIgnoringCase() {
        assertText("cannot", "can", "not");
        assertText("a'tis", "a", "'t", "is");
        assertText("x'TIS", "x", "'T", "IS");
        assertText("\u0131't\u0131s", "\u0131", "'t", "\u0131s"); // ı folds to i
        assertText("gonna \u0308", "gon", "na", "\u0308");
    }

    @Test
    void supplementaryLetterBeforeAContraction() {
        assertText("\uD835\uDC00can not", "\uD835\uDC00can", "not");
    }

    @Test
    void pythonWhitespaceInsideTokens() {
        assertText("x \u00A0 \"", "x", "\u00A0", "''");
        assertText("Hi \u2028,", "Hi", "\u2028", ",");
    }
}
