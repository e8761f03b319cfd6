package org.sentence4j.trainer.data.tsdae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The places where Python's {@code re} and Java's regex differ, each with NLTK 3.10.3's output (computed with
 * CPython 3.11.7 replaying the rules of {@code rules.json}): a port that used Java's defaults fails here.
 */
class TreebankWordTokenizerTest {

    private final TreebankWordTokenizer tokenizer = new TreebankWordTokenizer();

    private void assertTokens(String text, String... tokens) {
        assertEquals(List.of(tokens), tokenizer.tokenize(text), () -> TsdaeNoiseVectorsTest.quoted(text));
    }

    @Test
    void ordinarySentences() {
        assertTokens("\"Hello,\" she said.", "``", "Hello", ",", "''", "she", "said", ".");
        assertTokens("It's 5 o'clock.", "It", "'s", "5", "o'clock", ".");
        assertTokens("'Tis the season.", "'", "Tis", "the", "season", ".");
        assertTokens("rock 'n' roll", "rock", "'n", "'", "roll");
        assertTokens("a---b", "a", "--", "-b");
        // one sentence: only the final period is split off (word_tokenize would split "there." with Punkt)
        assertTokens("Hello there. How are you?", "Hello", "there.", "How", "are", "you", "?");
    }

    @Test
    void nothingToTokenize() {
        assertTokens("");
        assertTokens(" \t\n\u00A0\u3000\u2028\u0085\u001C");
    }

    /** Python's \s and str.split(): 29 code points, among them NBSP, U+2007, U+202F, U+0085 and U+001C..U+001F. */
    @Test
    void pythonWhitespace() {
        assertTokens("a\u00A0b\u2007c\u202Fd\u0085e\u001Cf\u200Bg\uFEFFh", "a", "b", "c", "d", "e", "f\u200Bg\uFEFFh");
        assertTokens("end.\u2029", "end", ".");
        assertTokens("wanna\u00A0go", "wan", "na", "go");          // (?=\s) after wanna
        assertTokens("I can't\u2028go", "I", "ca", "n't", "go");    // \s+ -> " " before the clitic rules
        assertTokens("He said\u00A0\"hi\"", "He", "said", "''", "hi", "''"); // NBSP is no opening context
    }

    /** Python's \w: letters and every number (No, Nl), no combining mark; its \b and (?<!\w) on code points. */
    @Test
    void pythonWordCharacters() {
        assertTokens("x\u00B2'y", "x\u00B2'y");          // ² is \w: no leading apostrophe
        assertTokens("\u2163'x", "\u2163'x");            // Ⅳ is \w
        assertTokens("a\u0301'x", "a\u0301", "'", "x");  // a combining mark is not \w
        assertTokens("gonna\u0308", "gon", "na", "\u0308"); // \b between a and the mark
    }

    /** A supplementary letter before the match: Java's one-char lookbehind would miss it. */
    @Test
    void supplementaryLettersBeforeALookbehind() {
        assertTokens("\uD835\uDC00'x and 'x", "\uD835\uDC00'x", "and", "'", "x");
        assertTokens("\uD835\uDC00cannot, cannot", "\uD835\uDC00cannot", ",", "can", "not");
        assertTokens("more'n \uD835\uDFCEcan't", "more", "'n", "\uD835\uDFCEca", "n't"); // 𝟎 is a digit
    }

    /** Python's \d is Unicode Nd: Arabic-Indic digits are digits, ² is not. */
    @Test
    void pythonDigits() {
        assertTokens("time:10 and \u00B2,\u00B3 and \u0661,\u0662",
                "time:10", "and", "\u00B2", ",", "\u00B3", "and", "\u0661,\u0662");
    }

    /** re.IGNORECASE folds Unicode: ſ is s, İ and ı are i. */
    @Test
    void unicodeCaseFolding() {
        assertTokens("the '\u017F thing", "the", "'\u017F", "thing");
        assertTokens("It\u0130S 'twas", "It\u0130S", "'", "twas");
        assertTokens("I'M here", "I", "'M", "here");
    }
}
