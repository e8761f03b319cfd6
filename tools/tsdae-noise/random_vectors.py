"""Writes random TSDAE noise vectors in the format of testdata/fixtures/tsdae-noise, for differential testing of
the Java port against Python's own `re` on texts nobody wrote by hand.

The expected outputs come from replaying the rule list testdata/fixtures/tsdae-noise/rules.json with Python's
`re` module, which that folder's README says reproduces NLTK 3.10.3 exactly; NLTK itself is not needed. The
texts are random mixtures of words of the fixture texts, punctuation, quotes of every kind, clitics,
contractions, Python's whitespace characters, combining marks, supplementary letters and digits. Characters
are taken from fixed pools (no random code points), so every one is assigned in Unicode 13, the version of
Java 17 (CPython 3.11 uses Unicode 14, whose new letters Java 17 does not know; see PythonText).

Usage (CPython 3.11, standard library only):
    python random_vectors.py <rules dir> <output dir> [count] [seed]
    mvn -B -o verify -pl trainer -am -Dtest=TsdaeNoiseVectorsTest -Dsurefire.failIfNoSpecifiedTests=false \
        -Dfixtures.tsdae=<output dir>
e.g. python tools/tsdae-noise/random_vectors.py testdata/fixtures/tsdae-noise /tmp/tsdae-random 5000 1
"""
import json, os, random, re, sys

RULES_DIR, OUT = sys.argv[1], sys.argv[2]
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
RULES = json.load(open(os.path.join(RULES_DIR, 'rules.json'), encoding='utf-8'))


def replay(ops, value):
    for op in ops:
        kind = op['op']
        if kind == 'sub':
            value = re.sub(op['pattern'], op['replacement'], value, flags=re.IGNORECASE if op['ignorecase'] else 0)
        elif kind == 'pad':
            value = ' ' + value + ' '
        elif kind == 'join':
            value = ' '.join(value)
        elif kind == 'strip':
            value = value.strip()
        elif kind == 'split':
            return value.split()
        else:
            raise ValueError(kind)
    return value


def tokenize(text):
    return replay(RULES['tokenize'], text)


def detokenize(tokens):
    return replay(RULES['detokenize'], list(tokens))


WORDS = sorted({w for line in open(os.path.join(RULES_DIR, 'tokenize.jsonl'), encoding='utf-8')
                for w in json.loads(line)['text'].split()})
SPECIALS = list("\"'`«»“”‘’„‹›‚‛「」＂＇()[]{}<>.,:;!?*@#$%&-–—―‒‐‑−…/\\_~^|+=") + [
    "''", "``", "--", "---", "...", "..", ". . .", "n't", "N'T", "'s", "'S", "'ll", "'LL", "'re", "'ve", "'m",
    "'M", "'d", "can", "not", "cannot", "CanNot", "gonna", "GONNA", "gon", "na", "gotta", "got", "ta", "gimme",
    "lemme", "d'ye", "D'YE", "more'n", "wanna", "wan", "'tis", "'Tis", "'twas", "'T", "is", "was", "'t",
    "ſ", "K", "ı", "İ", "𝐀", "𝟏", "١", "²", "½", "Ⅲ", "\u0301", "\u0308", "e\u0301", "😀", "👍🏽", "👨\u200d👩\u200d👧",
    "🇫🇷", "ß", "İstanbul'da", "O'Neill", "'90s", "'em", "rock 'n' roll", "5'10\"", "1,000.50", "9:30", "３",
    "\u200b", "\ufeff", "\u180e", "\x00", "_", "a'", "'a", "x'y"]
WHITESPACE = [" ", "  ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\xa0", "\u2007", "\u202f", "\u3000", "\u2009",
              "\u200a", "\u1680", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028", "\u2029", "\u205f"]
ENDINGS = [".", ". ", ".\n", ".\"", ".)'", ",", "?!", ":", ",\n", ":\r\n", ".»", ". \u2029", "..."]


def random_text():
    parts = []
    for _ in range(rnd.randint(0, 14)):
        r = rnd.random()
        parts.append(rnd.choice(WORDS) if r < 0.45 else rnd.choice(SPECIALS))
        r = rnd.random()
        parts.append(" " if r < 0.6 else "" if r < 0.8 else rnd.choice(WHITESPACE))
    text = "".join(parts)
    if rnd.random() < 0.3:
        text = rnd.choice(WHITESPACE) + text
    if rnd.random() < 0.3:
        text = text.rstrip() + rnd.choice(ENDINGS)
    if rnd.random() < 0.2:
        text = '"' + text
    return text


def line(obj):
    # plain JSON: every non-ASCII character escaped, so no reader sees a raw line separator
    return json.dumps(obj, ensure_ascii=True) + "\n"


os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'tokenize.jsonl'), 'w', encoding='utf-8', newline='\n') as tok_f, \
        open(os.path.join(OUT, 'detokenize.jsonl'), 'w', encoding='utf-8', newline='\n') as detok_f, \
        open(os.path.join(OUT, 'roundtrip.jsonl'), 'w', encoding='utf-8', newline='\n') as round_f, \
        open(os.path.join(OUT, 'noise.jsonl'), 'w', encoding='utf-8', newline='\n') as noise_f:
    for _ in range(COUNT):
        text = random_text()
        tokens = tokenize(text)
        tok_f.write(line({"text": text, "tokens": tokens}))
        round_f.write(line({"text": text, "tokens": tokens, "detokenized": detokenize(tokens)}))
        any_tokens = [rnd.choice(SPECIALS + WORDS + WHITESPACE) for _ in range(rnd.randint(0, 8))]
        detok_f.write(line({"tokens": any_tokens, "text": detokenize(any_tokens)}))
        if tokens:
            keep = [rnd.random() > 0.6 for _ in tokens]
            if not any(keep):
                keep[rnd.randrange(len(tokens))] = True
            noisy = detokenize([t for t, k in zip(tokens, keep) if k])
            noise_f.write(line({"text": text, "tokens": tokens, "keep": keep, "noisy": noisy}))
print("wrote", COUNT, "texts to", OUT)
