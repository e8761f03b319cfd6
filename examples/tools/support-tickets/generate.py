#!/usr/bin/env python3
"""Builds the sentence4j support-tickets dataset from the hand-written requests in issues.py.

    python3 examples/tools/support-tickets/generate.py [output-dir]

Deterministic (fixed seed, standard library only): running it again rewrites the same files in
examples/src/main/resources/data/support-tickets/ byte for byte.

train.jsonl: (anchor, positive) = two different wordings of the same issue, both taken from the issue's
six training wordings, each dressed in a register (plain, polite, casual, with typos, with extra context)
and with its own order number / amount / product, so no text repeats.

eval.tsv: pairs built ONLY from the three held-out wordings of each issue, in four bands:
  1.0      same issue, the two held-out wordings sharing the fewest content words
  0.8/0.6  same area, different issue (0.8 for close siblings), wordings sharing the MOST content words
  0.4/0.2  different area (0.4 when the areas touch, e.g. billing/subscriptions), sharing content words
  0.0      unrelated areas, no content word in common
"""
import json
import os
import random
import re
import sys
from itertools import combinations

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from issues import ISSUES, TRAIN_CORES, CLOSE_SIBLINGS, ADJACENT_AREAS  # noqa: E402

SEED = 20240611
PAIRS_PER_ISSUE = 12  # 50 issues -> 600 training pairs
EVAL_PER_BAND = 50    # 4 bands -> 200 evaluation pairs
OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "src", "main", "resources", "data", "support-tickets"))

SLOTS = {
    "order": lambda r: "#%d" % r.randint(10000, 99999),
    "amount": lambda r: r.choice(["$%d.%02d" % (r.randint(5, 180), r.choice([0, 49, 50, 95, 99])),
                                  "%d.%02d EUR" % (r.randint(5, 180), r.choice([0, 50, 99])),
                                  "GBP %d.%02d" % (r.randint(5, 180), r.choice([0, 49, 99]))]),
    "product": lambda r: r.choice(["wireless headphones", "running shoes", "desk lamp", "phone case",
                                   "coffee grinder", "backpack", "winter jacket", "smart watch",
                                   "blender", "yoga mat", "keyboard", "water bottle"]),
    "device": lambda r: r.choice(["iPhone", "Android phone", "Pixel", "Galaxy tablet", "iPad",
                                  "Windows laptop", "MacBook", "Chromebook"]),
    "plan": lambda r: r.choice(["Pro", "Premium", "Family", "Plus", "Business"]),
    "date": lambda r: r.choice(["Monday", "Tuesday", "Friday", "the 3rd", "the 14th", "March 2",
                                "June 21", "October 9"]),
    "days": lambda r: str(r.choice([10, 12, 14, 18, 21, 30])),
}

POLITE_OPEN = ["Hello, ", "Hi, ", "Good morning, ", "Dear support team, ", "Hello there. ", "Hi team, ",
               "Good afternoon. "]
POLITE_CLOSE = [" Could you please help?", " Thank you in advance.", " Kind regards.",
                " I would appreciate a quick reply.", " Please advise.", " Thanks for your help.",
                " Many thanks."]
CASUAL_OPEN = ["hey ", "hi ", "ok so ", "so ", "hello? ", "", ""]
CASUAL_CLOSE = ["", " pls help", " ??", " thx", " any ideas?", " this is really annoying",
                " asap please", " help"]
CONTEXT = [" I have been a customer for years.", " This is my second message about this.",
           " I need this sorted out today.", " Sorry if this was asked before.",
           " I'm writing from my phone so this is short.", " Nobody answered in the chat."]

STOP = set("""a an the i i'm im i've i'd me my mine you your yours it it's its is are was were be been being am
do does did doing don't dont didn't didnt doesn't isn't won't can't cant can could would will should
to of in on at for from with by about as into out up down over after before than then so and or but if
not no nothing any some all this that these those there here what which who whom why how when where
have has had get got just still even only also please pls thanks thank hi hello hey ok u yet again
one two very too much more most less like make let them they their we our us he she him her yes""".split())


def content_words(text):
    words = re.findall(r"[a-z0-9']+", text.lower())
    out = set()
    for w in words:
        w = w.strip("'")
        if not w or w in STOP or w.isdigit():
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]  # crude plural folding: charges/charge, emails/email
        out.add(w)
    return out


def overlap(a, b):
    return len(content_words(a) & content_words(b))


def fill(core, r):
    return re.sub(r"\{(\w+)\}", lambda m: SLOTS[m.group(1)](r), core)


def typo(text, r):
    """One or two keyboard slips (swap, drop or double a letter) in longer words."""
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if re.fullmatch(r"[A-Za-z]{5,}[.,?!]?", w)]
    for i in r.sample(idx, min(len(idx), r.choice([1, 1, 2]))):
        w = words[i]
        core = w.rstrip(".,?!")
        tail = w[len(core):]
        p = r.randint(1, len(core) - 2)
        op = r.choice(["swap", "drop", "double"])
        if op == "swap":
            core = core[:p] + core[p + 1] + core[p] + core[p + 2:]
        elif op == "drop":
            core = core[:p] + core[p + 1:]
        else:
            core = core[:p] + core[p] + core[p:]
        words[i] = core + tail
    return " ".join(words)


def is_casual(core):
    return core[0].islower()


def render(core, r, style=None):
    text = fill(core, r)
    casual_core = is_casual(core)
    if style is None:
        options = ["plain", "casual", "typo"] if casual_core else \
            ["plain", "plain", "polite", "polite", "casual", "typo", "context"]
        style = r.choice(options)
    if casual_core and style in ("polite", "context"):
        style = "casual"
    if style == "plain":
        return text
    if style == "polite":
        opening = r.choice(POLITE_OPEN)
        if opening.endswith(", ") and re.match(r"[A-Z][a-z]", text):
            text = text[0].lower() + text[1:]  # "Hello, the tracking..." but keep "Hello, I..."
        return opening + text + r.choice(POLITE_CLOSE)
    if style == "context":
        return text + r.choice(CONTEXT)
    # casual and typo: lower-case start, drop the final full stop, casual opening/closing
    t = text[0].lower() + text[1:] if not text[:2].isupper() else text
    if t.endswith("."):
        t = t[:-1]
    t = (r.choice(CASUAL_OPEN) + t + r.choice(CASUAL_CLOSE)).strip()
    if style == "typo":
        t = typo(t, r)
    return t


def unique_render(core, r, used, style=None, tries=50):
    for _ in range(tries):
        t = render(core, r, style)
        if t not in used:
            used.add(t)
            return t
        style = None  # the requested register collided: let the next try pick another one
    raise RuntimeError("could not render a new text for: " + core)


def build_train(r):
    used, rows = set(), []
    for issue, _area, cores in ISSUES:
        train = cores[:TRAIN_CORES]
        ordered = [(a, b) for a in range(len(train)) for b in range(len(train)) if a != b]
        r.shuffle(ordered)
        # spread anchors evenly over the six wordings: each wording is the anchor twice
        picked, count = [], {}
        for a, b in ordered:
            if count.get(a, 0) < PAIRS_PER_ISSUE // len(train):
                picked.append((a, b))
                count[a] = count.get(a, 0) + 1
        for a, b in picked:
            anchor = unique_render(train[a], r, used)
            positive = unique_render(train[b], r, used)
            rows.append({"anchor": anchor, "positive": positive})
    r.shuffle(rows)
    return rows, used


def best_combo(ca, cb, r, want_max):
    """The held-out wording pair of two issues with the most (or fewest) content words in common."""
    combos = [(overlap(x, y), r.random(), x, y) for x in ca for y in cb if x != y]
    combos.sort(key=lambda c: (-c[0] if want_max else c[0], c[1]))
    return combos[0]


def take(cands, n, per_issue=3, used_counts=None):
    counts = used_counts if used_counts is not None else {}
    out = []
    for c in cands:
        i, j = c["i"], c["j"]
        if counts.get(i, 0) >= per_issue or counts.get(j, 0) >= per_issue:
            continue
        out.append(c)
        counts[i] = counts.get(i, 0) + 1
        counts[j] = counts.get(j, 0) + 1
        if len(out) == n:
            break
    if len(out) < n:
        raise RuntimeError("not enough candidates: %d < %d" % (len(out), n))
    return out


def build_eval(r, train_texts):
    held = {issue: cores[TRAIN_CORES:] for issue, _a, cores in ISSUES}
    area = {issue: a for issue, a, _c in ISSUES}
    names = [issue for issue, _a, _c in ISSUES]
    close = {frozenset(p) for p in CLOSE_SIBLINGS}
    adjacent = {frozenset(p) for p in ADJACENT_AREAS}
    rows = []

    # band 1.0: same issue, the least overlapping pair of held-out wordings
    for issue in names:
        ov, _, x, y = best_combo(held[issue][:2], held[issue][1:], r, want_max=False)
        rows.append((x, y, 1.0))

    # band 0.6-0.8: same area, different issue, most overlapping wordings; half close siblings
    same_close, same_other = [], []
    for i, j in combinations(names, 2):
        if area[i] != area[j]:
            continue
        ov, tie, x, y = best_combo(held[i], held[j], r, want_max=True)
        c = {"i": i, "j": j, "x": x, "y": y, "ov": ov, "tie": tie}
        (same_close if frozenset((i, j)) in close else same_other).append(c)
    for lst in (same_close, same_other):
        lst.sort(key=lambda c: (-c["ov"], c["tie"]))
    counts = {}
    half = EVAL_PER_BAND // 2
    for c in take(same_close, half, used_counts=counts):
        rows.append((c["x"], c["y"], 0.8))
    for c in take(same_other, EVAL_PER_BAND - half, used_counts=counts):
        rows.append((c["x"], c["y"], 0.6))

    # band 0.2-0.4: different area, sharing content words; half adjacent areas (0.4), half not (0.2)
    cross_adj, cross_far, unrelated = [], [], []
    for i, j in combinations(names, 2):
        if area[i] == area[j]:
            continue
        adj = frozenset((area[i], area[j])) in adjacent
        ov, tie, x, y = best_combo(held[i], held[j], r, want_max=True)
        if ov >= 1:
            (cross_adj if adj else cross_far).append({"i": i, "j": j, "x": x, "y": y, "ov": ov, "tie": tie})
        if not adj:
            ov0, tie0, x0, y0 = best_combo(held[i], held[j], r, want_max=False)
            if ov0 == 0:
                unrelated.append({"i": i, "j": j, "x": x0, "y": y0, "ov": 0, "tie": tie0})
    for lst in (cross_adj, cross_far):
        lst.sort(key=lambda c: (-c["ov"], c["tie"]))
    counts = {}
    for c in take(cross_adj, half, used_counts=counts):
        rows.append((c["x"], c["y"], 0.4))
    for c in take(cross_far, EVAL_PER_BAND - half, used_counts=counts):
        rows.append((c["x"], c["y"], 0.2))

    # band 0.0: unrelated areas, no content word in common, random
    r.shuffle(unrelated)
    for c in take(unrelated, EVAL_PER_BAND, per_issue=3):
        rows.append((c["x"], c["y"], 0.0))

    used = set(train_texts)
    out = []
    for x, y, s in rows:
        a = unique_render(x, r, used)
        b = unique_render(y, r, used)
        if r.random() < 0.5:
            a, b = b, a
        out.append((a, b, s))
    r.shuffle(out)
    return out


def main(out=OUT):
    r = random.Random(SEED)
    train, train_texts = build_train(r)
    ev = build_eval(r, train_texts)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "train.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for row in train:
            f.write(json.dumps(row, ensure_ascii=True) + "\n")
    with open(os.path.join(out, "eval.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("sentence1\tsentence2\tscore\n")
        for a, b, s in ev:
            f.write("%s\t%s\t%.1f\n" % (a, b, s))
    print("wrote %d training pairs and %d evaluation pairs to %s" % (len(train), len(ev), out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT)
