#!/usr/bin/env python3
"""Sanity checks for the support-tickets dataset (standard library only).

    python3 examples/tools/support-tickets/check.py

Checks counts, JSON shape, uniqueness, no tabs, ASCII, scores in [0, 1], balanced score bands,
no evaluation text (even up to case and punctuation) in the training file, that generate.py reproduces
the committed files byte for byte, and prints how well plain word overlap predicts the scores
(it should be poor: the evaluation is meant to reward more than surface matching).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "src", "main", "resources", "data", "support-tickets"))
problems = []


def fail(msg):
    problems.append(msg)


def norm(t):
    return " ".join(re.findall(r"[a-z0-9]+", t.lower()))


def check_text(t, where):
    if not isinstance(t, str) or not t.strip():
        fail("%s: empty or not a string" % where)
        return
    if "\t" in t or "\n" in t or "\r" in t:
        fail("%s: tab or newline inside the text" % where)
    if not t.isascii():
        fail("%s: non-ASCII text" % where)
    if t != t.strip():
        fail("%s: leading or trailing blanks" % where)


# ------------------------------------------------------------------ train.jsonl
train_texts, anchors = [], []
with open(os.path.join(DATA, "train.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        row = json.loads(line)
        if set(row) != {"anchor", "positive"}:
            fail("train line %d: keys %s" % (n, sorted(row)))
            continue
        check_text(row["anchor"], "train line %d anchor" % n)
        check_text(row["positive"], "train line %d positive" % n)
        if row["anchor"] == row["positive"]:
            fail("train line %d: anchor equals positive" % n)
        anchors.append(row["anchor"])
        train_texts += [row["anchor"], row["positive"]]
if not 550 <= len(anchors) <= 650:
    fail("train: %d pairs, expected about 600" % len(anchors))
if len(set(anchors)) != len(anchors):
    fail("train: duplicate anchors")
dups = [t for t, c in Counter(train_texts).items() if c > 1]
if dups:
    fail("train: %d texts occur more than once, e.g. %r" % (len(dups), dups[0]))

# --------------------------------------------------------------------- eval.tsv
with open(os.path.join(DATA, "eval.tsv"), encoding="utf-8") as f:
    lines = f.read().split("\n")
if lines[-1] == "":
    lines.pop()
if lines[0] != "sentence1\tsentence2\tscore":
    fail("eval: bad header %r" % lines[0])
rows = []
for n, line in enumerate(lines[1:], 2):
    cols = line.split("\t")
    if len(cols) != 3:
        fail("eval line %d: %d columns" % (n, len(cols)))
        continue
    check_text(cols[0], "eval line %d sentence1" % n)
    check_text(cols[1], "eval line %d sentence2" % n)
    s = float(cols[2])
    if not 0.0 <= s <= 1.0:
        fail("eval line %d: score %s outside [0, 1]" % (n, s))
    rows.append((cols[0], cols[1], s))
if not 180 <= len(rows) <= 220:
    fail("eval: %d pairs, expected about 200" % len(rows))
pairs = Counter(frozenset((a, b)) for a, b, _ in rows)
if any(c > 1 for c in pairs.values()):
    fail("eval: repeated pair")
train_set, train_norm = set(train_texts), {norm(t) for t in train_texts}
for a, b, _ in rows:
    for t in (a, b):
        if t in train_set or norm(t) in train_norm:
            fail("eval text also in train: %r" % t)


def band(s):
    if s >= 0.9:
        return "1.0 same issue"
    if s >= 0.5:
        return "0.6-0.8 same area, other issue"
    if s >= 0.1:
        return "0.2-0.4 other area, shared words"
    return "0.0 unrelated"


bands = Counter(band(s) for _, _, s in rows)
for name, c in bands.items():
    if not 0.15 * len(rows) <= c <= 0.35 * len(rows):
        fail("eval: band %s has %d of %d pairs (unbalanced)" % (name, c, len(rows)))

# ------------------------------------------------------------- reproducibility
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), tmp], check=True, stdout=subprocess.DEVNULL)
    for name in ("train.jsonl", "eval.tsv"):
        with open(os.path.join(tmp, name), "rb") as x, open(os.path.join(DATA, name), "rb") as y:
            if x.read() != y.read():
                fail("%s differs from what generate.py produces" % name)


# ------------------------------------------------------- lexical baseline (info)
def rank(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0
        i = j + 1
    return r


def spearman(x, y):
    rx, ry = rank(x), rank(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    return cov / (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5


def jaccard(a, b):
    x, y = set(re.findall(r"[a-z0-9']+", a.lower())), set(re.findall(r"[a-z0-9']+", b.lower()))
    return len(x & y) / len(x | y)


print("train.jsonl: %d pairs, %d distinct texts, %d distinct anchors" % (len(anchors), len(set(train_texts)), len(set(anchors))))
print("eval.tsv:    %d pairs, %d distinct texts" % (len(rows), len({t for a, b, _ in rows for t in (a, b)})))
for s, c in sorted(Counter(s for _, _, s in rows).items(), reverse=True):
    print("  score %.1f: %d" % (s, c))
for name in sorted(bands, reverse=True):
    print("  band %-34s %d" % (name, bands[name]))
print("word-overlap (Jaccard) baseline, Spearman x100: %.1f" % (100 * spearman([jaccard(a, b) for a, b, _ in rows], [s for _, _, s in rows])))
if problems:
    print("\n%d PROBLEM(S):" % len(problems))
    for p in problems[:40]:
        print("  " + p)
    sys.exit(1)
print("OK")
