package org.sentence4j.trainer.data.tsdae;

import static org.sentence4j.trainer.data.tsdae.PythonText.DIGIT;
import static org.sentence4j.trainer.data.tsdae.PythonText.WHITESPACE;
import static org.sentence4j.trainer.data.tsdae.PythonText.WORD;

import java.util.List;

/**
 * NLTK 3.10.3's word tokenizer as sentence-transformers' TSDAE noise calls it ({@code nltk.word_tokenize},
 * whose per-sentence tokenizer is the class {@code NLTKWordTokenizer}: the Penn Treebank conventions with
 * NLTK's later fixes; not NLTK's older class named {@code TreebankWordTokenizer}, whose rules differ). The
 * result is the same list of tokens, character for character: TSDAE deletes words from it and
 * {@link TreebankWordDetokenizer} glues the rest together again, so a different token list would give a
 * different damaged sentence than the Python library.
 *
 * <p>The rules are NLTK 3.10.3's (not 3.8's, which Debian ships and which differs in the leading-apostrophe
 * rule, the whitespace normalisation before the clitic rules and the dashes U+2012..U+2015), applied in
 * NLTK's order, each to the whole text ({@code re.sub}), with parentheses left as they are
 * ({@code convert_parentheses=False}, the default). In short: quotes ({@code "} becomes {@code ``} or
 * {@code ''}), punctuation split off (a period only at the end of the text), brackets, {@code --}, then
 * clitics ({@code can't} gives {@code ca n't}) and the contractions {@code cannot gonna gotta gimme lemme
 * d'ye more'n wanna 'tis 'twas}, then a split on whitespace.
 *
 * <p><b>One sentence.</b> {@code word_tokenize} first splits the text into sentences with NLTK's Punkt model
 * and its downloadable English data, then tokenizes each sentence. This port tokenizes the whole text as one
 * sentence ({@code word_tokenize(text, preserve_line=True)}), which is exactly upstream for a text Punkt keeps
 * whole, the usual TSDAE input. For a text of several sentences the differences come from the rules anchored
 * at the ends of the text: a sentence-final period inside the text stays attached ({@code there.} rather than
 * {@code there .}), and a {@code "} opening a later sentence after a newline becomes {@code ''} rather than
 * {@code ``}. A Punkt port would need NLTK's trained English parameters, which are data, not rules.
 *
 * <p><b>Python's {@code re} in Java.</b> Each rule below shows NLTK's pattern and its Java form. The
 * translations: {@code \s}, {@code \w} and {@code \d} are Python's Unicode classes ({@link PythonText});
 * {@code \b} next to a letter of the pattern is a lookahead ({@code (?!\w)}) after it, and a code-point check
 * before it ({@link PythonSub}, because Java's lookbehind misreads supplementary letters), as is the
 * leading-apostrophe rule's {@code (?<!\w)}; {@code $} (end of text or before a final {@code \n}, where Java's
 * {@code $} also stops before {@code \r}, U+0085, U+2028 and U+2029) is {@code (?=\n?\z)}, and {@code \s*$}
 * is {@code \s*\z} (the same matches, as {@code \s} takes the final {@code \n}); the comments
 * {@code (?#X)} in the contraction patterns, a syntax error in Java, are dropped; replacements use
 * {@code $1} for Python's {@code \1} and {@code \g<1>}; case-insensitive rules fold Unicode as Python does.
 *
 * <p>Instances hold no state and are safe to share between threads.
 */
public final class TreebankWordTokenizer {

    private static final String APOSTROPHE_CLITICS = "(?:re|ve|ll|m|t|s|d|n)";

    /** Up to the padding of the text with a space at each end. */
    private static final List<PythonSub> BEFORE_PAD = List.of(
            // STARTING_QUOTES
            // ([«“‘„]|[`]+)  ->  " \1 "
            PythonSub.of("STARTING_QUOTES[0]", "([\\u00AB\\u201C\\u2018\\u201E]|`+)", " $1 "),
            // ^\"  ->  "``"   (Python's ^ without MULTILINE is the start of the text, as Java's \A)
            PythonSub.of("STARTING_QUOTES[1]", "\\A\"", "``"),
            // (``)  ->  " \1 "
            PythonSub.of("STARTING_QUOTES[2]", "(``)", " $1 "),
            // ([ \(\[{<])(\"|\'{2})  ->  "\1 `` "
            PythonSub.of("STARTING_QUOTES[3]", "([ (\\[{<])(\"|'{2})", "$1 `` "),
            // (?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w)  ->  "\1 "
            // the \b follows a letter, so it is (?!\w); (?<!\w) is checked on code points (PythonSub)
            PythonSub.ignoringCaseAfterNonWord("STARTING_QUOTES[4]",
                    "(')(?!" + APOSTROPHE_CLITICS + "(?!" + WORD + "))(?=" + WORD + ")", "$1 "),

            // PUNCTUATION
            // ([^\.])(\.)([\]\)}>"\'»”’ ]*)\s*$  ->  "\1 \2 \3 "
            PythonSub.of("PUNCTUATION[0]",
                    "([^.])(\\.)([\\])}>\"'\\u00BB\\u201D\\u2019 ]*)" + WHITESPACE + "*\\z", "$1 $2 $3 "),
            // ([:,])([^\d])  ->  " \1 \2"
            PythonSub.of("PUNCTUATION[1]", "([:,])([^" + DIGIT + "])", " $1 $2"),
            // ([:,])$  ->  " \1 "
            PythonSub.of("PUNCTUATION[2]", "([:,])(?=\\n?\\z)", " $1 "),
            // \.{2,}  ->  " \g<0> "
            PythonSub.of("PUNCTUATION[3]", "\\.{2,}", " $0 "),
            // [;@#$%&]  ->  " \g<0> "
            PythonSub.of("PUNCTUATION[4]", "[;@#$%&]", " $0 "),
            // [\u2012-\u2015]  ->  " \g<0> "   (figure dash, en dash, em dash, horizontal bar)
            PythonSub.of("PUNCTUATION[5]", "[\\u2012-\\u2015]", " $0 "),
            // ([^\.])(\.)([\]\)}>"\']*)\s*$  ->  "\1 \2\3 "
            PythonSub.of("PUNCTUATION[6]", "([^.])(\\.)([\\])}>\"']*)" + WHITESPACE + "*\\z", "$1 $2$3 "),
            // [?!]  ->  " \g<0> "
            PythonSub.of("PUNCTUATION[7]", "[?!]", " $0 "),
            // ([^'])' ␣  ->  "\1 ' "
            PythonSub.of("PUNCTUATION[8]", "([^'])' ", "$1 ' "),
            // [*]  ->  " \g<0> "
            PythonSub.of("PUNCTUATION[9]", "\\*", " $0 "),

            // PARENS_BRACKETS: [\]\[\(\)\{\}\<\>]  ->  " \g<0> "
            PythonSub.of("PARENS_BRACKETS", "[\\]\\[(){}<>]", " $0 "),
            // DOUBLE_DASHES: --  ->  " -- "
            PythonSub.of("DOUBLE_DASHES", "--", " -- "));

    /** After the padding, before the final split. */
    private static final List<PythonSub> AFTER_PAD = List.of(
            // ENDING_QUOTES
            // ([»”’])  ->  " \1 "
            PythonSub.of("ENDING_QUOTES[0]", "([\\u00BB\\u201D\\u2019])", " $1 "),
            // ''  ->  " '' "
            PythonSub.of("ENDING_QUOTES[1]", "''", " '' "),
            // "  ->  " '' "
            PythonSub.of("ENDING_QUOTES[2]", "\"", " '' "),
            // \s+  ->  " "
            PythonSub.of("ENDING_QUOTES[3]", WHITESPACE + "+", " "),
            // ([^' ])('[sS]|'[mM]|'[dD]|') ␣  ->  "\1 \2 "
            PythonSub.of("ENDING_QUOTES[4]", "([^' ])('[sS]|'[mM]|'[dD]|') ", "$1 $2 "),
            // ([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ␣  ->  "\1 \2 "
            PythonSub.of("ENDING_QUOTES[5]", "([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1 $2 "),

            // CONTRACTIONS2: (?i)\b(can)(?#X)(not)\b  ->  " \1 \2 "  and so on; the leading \b precedes a
            // letter, so it means "not after a word character" (PythonSub), the final one (?!\w)
            contraction2("CONTRACTIONS2[0]", "(can)(not)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[1]", "(d)('ye)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[2]", "(gim)(me)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[3]", "(gon)(na)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[4]", "(got)(ta)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[5]", "(lem)(me)(?!" + WORD + ")"),
            contraction2("CONTRACTIONS2[6]", "(more)('n)(?!" + WORD + ")"),
            // (?i)\b(wan)(?#X)(na)(?=\s)
            contraction2("CONTRACTIONS2[7]", "(wan)(na)(?=" + WHITESPACE + ")"),

            // CONTRACTIONS3: (?i) ('t)(?#X)(is)\b  and  (?i) ('t)(?#X)(was)\b  ->  " \1 \2 "
            PythonSub.ignoringCase("CONTRACTIONS3[0]", " ('t)(is)(?!" + WORD + ")", " $1 $2 "),
            PythonSub.ignoringCase("CONTRACTIONS3[1]", " ('t)(was)(?!" + WORD + ")", " $1 $2 "));

    private static PythonSub contraction2(String name, String regex) {
        return PythonSub.ignoringCaseAfterNonWord(name, regex, " $1 $2 ");
    }

    /** The tokens of {@code text}, as NLTK's {@code NLTKWordTokenizer().tokenize(text)}; empty for blank text. */
    public List<String> tokenize(String text) {
        String t = text;
        for (PythonSub rule : BEFORE_PAD) {
            t = rule.apply(t);
        }
        t = " " + t + " ";
        for (PythonSub rule : AFTER_PAD) {
            t = rule.apply(t);
        }
        return List.copyOf(PythonText.split(t));
    }
}
