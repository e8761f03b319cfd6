package org.sentence4j.trainer.data.tsdae;

import static org.sentence4j.trainer.data.tsdae.PythonText.WHITESPACE;
import static org.sentence4j.trainer.data.tsdae.PythonText.WHITESPACE_SET;
import static org.sentence4j.trainer.data.tsdae.PythonText.WORD;

import java.util.List;

/**
 * NLTK 3.10.3's {@code TreebankWordDetokenizer().detokenize(tokens)}: joins tokens with spaces, then undoes
 * the tokenizer's spacing with NLTK's rules in NLTK's order, character for character. TSDAE's damaged sentence
 * is the detokenized list of the words that survived deletion, so this decides the exact text the model sees.
 *
 * <p>What the rules do: the contractions are re-joined ({@code can not} gives {@code cannot}, {@code 't is}
 * gives {@code 'tis}, and the space before {@code 't} goes too), clitics are glued back, {@code ``} and
 * {@code ''} become {@code "} (with the spaces inside the quotes removed; {@code ,"'} becomes {@code ,'"},
 * NLTK #3260), brackets, {@code ?}, {@code !}, {@code :}, {@code ,}, {@code ;}, {@code %} and a lone
 * {@code .} are glued to their neighbour, {@code $} and {@code #} to the next token, {@code " -- "} and
 * {@code " ... "} lose their spaces, and the result is stripped. Curly quotes and guillemets are left spaced.
 * Parentheses are not converted back from {@code -LRB-} and the like ({@code convert_parentheses=False}).
 *
 * <p>The translation from Python's {@code re} follows {@link TreebankWordTokenizer}: {@code \s} is Python's
 * Unicode whitespace ({@link PythonText}; tokens made by the tokenizer contain none, but the tokens given here
 * may), {@code \b} next to a letter is a lookahead after it and a code-point check before it
 * ({@link PythonSub}), the case-insensitive contraction rules fold Unicode, and {@code \1} and
 * {@code \g<1>} are {@code $1}. {@code strip()} is Python's, with its 29 whitespace code points.
 *
 * <p>Instances hold no state and are safe to share between threads.
 */
public final class TreebankWordDetokenizer {

    /** After joining and padding, up to the first strip. */
    private static final List<PythonSub> BEFORE_STRIP = List.of(
            // CONTRACTIONS3: (?i) ('t)\s(is)\b  and  (?i) ('t)\s(was)\b  ->  "\1\2"
            PythonSub.ignoringCase("CONTRACTIONS3[0]", " ('t)" + WHITESPACE + "(is)(?!" + WORD + ")", "$1$2"),
            PythonSub.ignoringCase("CONTRACTIONS3[1]", " ('t)" + WHITESPACE + "(was)(?!" + WORD + ")", "$1$2"),

            // CONTRACTIONS2: (?i)\b(can)\s(not)\b  ->  "\1\2"  and so on (\b as in the tokenizer)
            contraction2("CONTRACTIONS2[0]", "(can)" + WHITESPACE + "(not)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[1]", "(d)" + WHITESPACE + "('ye)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[2]", "(gim)" + WHITESPACE + "(me)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[3]", "(gon)" + WHITESPACE + "(na)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[4]", "(got)" + WHITESPACE + "(ta)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[5]", "(lem)" + WHITESPACE + "(me)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[6]", "(more)" + WHITESPACE + "('n)(?!" + WORD + ")"),
            // (?i)\b(wan)\s(na)(?=\s)
            contraction2("CONTRACTIONS2[7]", "(wan)" + WHITESPACE + "(na)(?=" + WHITESPACE + ")"),

            // ENDING_QUOTES
            // ([^' ])\s('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ␣  ->  "\1\2 "
            PythonSub.of("ENDING_QUOTES[0]",
                    "([^' ])" + WHITESPACE + "('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1$2 "),
            // ([^' ])\s('[sS]|'[mM]|'[dD]|') ␣  ->  "\1\2 "
            PythonSub.of("ENDING_QUOTES[1]", "([^' ])" + WHITESPACE + "('[sS]|'[mM]|'[dD]|') ", "$1$2 "),
            // ([^'\s])\s(\'\')  ->  "\1\2"
            PythonSub.of("ENDING_QUOTES[2]", "([^'" + WHITESPACE_SET + "])" + WHITESPACE + "('')", "$1$2"),
            // ([,.;:!?'])\s+(\"|\'\')  ->  "\1\2"
            PythonSub.of("ENDING_QUOTES[3]", "([,.;:!?'])" + WHITESPACE + "+(\"|'')", "$1$2"),
            // (\'\')\s([.,:)\]>};%])  ->  "\1\2"
            PythonSub.of("ENDING_QUOTES[4]", "('')" + WHITESPACE + "([.,:)\\]>};%])", "$1$2"),
            // ''  ->  "
            PythonSub.of("ENDING_QUOTES[5]", "''", "\""),
            // ([,.;:!?])"(\')  ->  "\1\2\""
            PythonSub.of("ENDING_QUOTES[6]", "([,.;:!?])\"(')", "$1$2\""));

    /** After the first strip, up to the final strip. */
    private static final List<PythonSub> AFTER_STRIP = List.of(
            // DOUBLE_DASHES: " -- "  ->  "--"
            PythonSub.of("DOUBLE_DASHES", " -- ", "--"),

            // PARENS_BRACKETS
            // ([\[\(\{\<])\s  ->  "\g<1>"
            PythonSub.of("PARENS_BRACKETS[0]", "([\\[({<])" + WHITESPACE, "$1"),
            // \s([\]\)\}\>])  ->  "\g<1>"
            PythonSub.of("PARENS_BRACKETS[1]", WHITESPACE + "([\\])}>])", "$1"),
            // ([\]\)\}\>])\s([:;,.])  ->  "\1\2"
            PythonSub.of("PARENS_BRACKETS[2]", "([\\])}>])" + WHITESPACE + "([:;,.])", "$1$2"),

            // PUNCTUATION
            // ([^'])\s'\s  ->  "\1' "
            PythonSub.of("PUNCTUATION[0]", "([^'])" + WHITESPACE + "'" + WHITESPACE, "$1' "),
            // \s([?!])  ->  "\g<1>"
            PythonSub.of("PUNCTUATION[1]", WHITESPACE + "([?!])", "$1"),
            // ([^\.])\s(\.)(?!\.)([\]\)}>"\']*)  ->  "\1\2\3"
            PythonSub.of("PUNCTUATION[2]", "([^.])" + WHITESPACE + "(\\.)(?!\\.)([\\])}>\"']*)", "$1$2$3"),
            // ([#$])\s  ->  "\g<1>"
            PythonSub.of("PUNCTUATION[3]", "([#$])" + WHITESPACE, "$1"),
            // \s([;%])  ->  "\g<1>"
            PythonSub.of("PUNCTUATION[4]", WHITESPACE + "([;%])", "$1"),
            // \s\.\.\.\s  ->  "..."
            PythonSub.of("PUNCTUATION[5]", WHITESPACE + "\\.\\.\\." + WHITESPACE, "..."),
            // \s([:,])  ->  "\1"
            PythonSub.of("PUNCTUATION[6]", WHITESPACE + "([:,])", "$1"),

            // STARTING_QUOTES
            // ([ (\[{<])\s``  ->  "\1``"
            PythonSub.of("STARTING_QUOTES[0]", "([ (\\[{<])" + WHITESPACE + "``", "$1``"),
            // (``)\s  ->  "\1"
            PythonSub.of("STARTING_QUOTES[1]", "(``)" + WHITESPACE, "$1"),
            // ``  ->  "
            PythonSub.of("STARTING_QUOTES[2]", "``", "\""));

    private static PythonSub contraction2(String name, String regex) {
        return PythonSub.ignoringCaseAfterNonWord(name, regex, "$1$2");
    }

    /** The text NLTK makes of {@code tokens}; {@code ""} for no tokens. */
    public String detokenize(List<String> tokens) {
        String t = " " + String.join(" ", tokens) + " ";
        for (PythonSub rule : BEFORE_STRIP) {
            t = rule.apply(t);
        }
        t = PythonText.strip(t);
        for (PythonSub rule : AFTER_STRIP) {
            t = rule.apply(t);
        }
        return PythonText.strip(t);
    }
}
