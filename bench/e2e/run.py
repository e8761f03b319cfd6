"""End-to-end comparison, whole process to whole process: `./sentence4j train|encode` against
sentence-transformers 6.0.1 (bench/e2e/st_side.py) on the same data, model folder, loss, batch size,
max_seq_length, learning rate and number of steps; interleaved rounds; JSON lines with each run, then the medians
and ratios (sentence-transformers time / sentence4j time: above 1 means sentence4j is faster).

Usage (repository root, after `mvn -B install -DskipTests`; a virtual environment with the torch CPU wheel,
sentence-transformers 6.0.1, datasets and accelerate from the package index):
    python bench/e2e/run.py --python /path/to/venv/bin/python [--rounds 3] [--steps 50] [--work /tmp/e2e]
        [--only train-mnrl,train-cosent,encode,first,cached-large]
'cached-large' (Java only, not in the default list: ~5 min a round) checks the large-batch goal: peak resident
memory of CachedMultipleNegativesRankingLoss at batch 1024 (mini-batch 32) against the same loss at batch 32, and
its time per pair against plain MNRL at batch 32.
Data come from testdata/ (SNLI dev triplets, STS Benchmark train pairs and test sentences); the model is the
embedded all-MiniLM-L6-v2 written as a folder by `./sentence4j save-model`, so both sides start from the same
weights. Runs offline.
"""
import argparse, json, os, re, statistics, subprocess, sys, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
p = argparse.ArgumentParser()
p.add_argument('--python', required=True)
p.add_argument('--rounds', type=int, default=3)
p.add_argument('--steps', type=int, default=50)
p.add_argument('--work', default='/tmp/sentence4j-e2e')
p.add_argument('--only', default='train-mnrl,train-cosent,encode,first')
a = p.parse_args()
os.makedirs(a.work, exist_ok=True)
S4J = os.path.join(ROOT, 'sentence4j')
ST = os.path.join(ROOT, 'bench', 'e2e', 'st_side.py')


def prepare():
    model = os.path.join(a.work, 'all-MiniLM-L6-v2')
    if not os.path.isdir(model):
        subprocess.run([S4J, 'save-model', '--output', model], check=True, capture_output=True)
    snli = os.path.join(ROOT, 'testdata', 'datasets', 'snli')
    s1 = open(os.path.join(snli, 's1.dev'), encoding='utf-8').read().splitlines()
    s2 = open(os.path.join(snli, 's2.dev'), encoding='utf-8').read().splitlines()
    labels = open(os.path.join(snli, 'labels.dev'), encoding='utf-8').read().splitlines()
    by = {}
    for x, y, l in zip(s1, s2, labels):
        t = by.setdefault(x.strip(), [None, None])
        if l == 'entailment' and t[0] is None:
            t[0] = y.strip()
        elif l == 'contradiction' and t[1] is None:
            t[1] = y.strip()
    with open(os.path.join(a.work, 'nli-triplets.jsonl'), 'w', encoding='utf-8') as f:
        for k, (pos, neg) in by.items():
            if pos and neg:
                f.write(json.dumps({'anchor': k, 'positive': pos, 'negative': neg}) + '\n')
    sts = os.path.join(ROOT, 'testdata', 'datasets', 'stsbenchmark')
    with open(os.path.join(a.work, 'sts-pairs.jsonl'), 'w', encoding='utf-8') as f:
        for line in open(os.path.join(sts, 'sts-train.csv'), encoding='utf-8'):
            c = line.rstrip('\n').split('\t')
            if len(c) >= 7:
                f.write(json.dumps({'sentence1': c[5], 'sentence2': c[6], 'score': float(c[4]) / 5.0}) + '\n')
    with open(os.path.join(a.work, 'sts-test-sentences.txt'), 'w', encoding='utf-8') as f:
        for line in open(os.path.join(sts, 'sts-test.csv'), encoding='utf-8'):
            c = line.rstrip('\n').split('\t')
            if len(c) >= 7:
                f.write(c[5].replace('\r', ' ') + '\n' + c[6].replace('\r', ' ') + '\n')
    with open(os.path.join(a.work, 'one.txt'), 'w', encoding='utf-8') as f:
        f.write('A man is playing a guitar.\n')
    return model


def timed(cmd):
    t = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t
    if r.returncode != 0:
        sys.exit('failed: ' + ' '.join(cmd) + '\n' + r.stdout[-2000:] + r.stderr[-2000:])
    return wall, r.stdout + r.stderr, r.stdout


def last_json(stdout):
    return json.loads([l for l in stdout.splitlines() if l.startswith('{')][-1])


def java_loss(out):
    found = re.findall(r"'loss': ([0-9.eE+-]+)|\bloss[=: ]+([0-9]+\.[0-9]+)", out)
    vals = [float(x or y) for x, y in found]
    return vals[-1] if vals else None


def java_train(data, loss, batch, steps, extra=()):
    """One `./sentence4j train` run: wall seconds and the peak resident memory it reports (MB)."""
    wall, out, _ = timed([S4J, 'train', '--model', model, '--data', data, '--loss', loss, '--warmup-ratio', '0',
                          '--save-steps', '0', '--batch-size', str(batch), '--max-steps', str(steps), '--lr', '5e-5',
                          '--output', os.path.join(a.work, 'out-java-large')] + list(extra))
    peak = re.search(r'peak resident memory ([0-9]+) MB', out)
    return wall, float(peak.group(1)) if peak else None


def pairs_between(rows, batch, first, last):
    """Rows trained on in steps first+1..last (epochs of ceil(rows/batch) batches, the last one partial)."""
    sizes = [min(batch, rows - i) for i in range(0, rows, batch)]
    return sum(sizes[s % len(sizes)] for s in range(first, last))


def cached_large():
    """CachedMultipleNegativesRankingLoss at batch 1024 (mini-batch 32) against the same loss at batch 32 (peak
    memory) and plain MNRL at batch 32 (time per pair, from the difference of two runs of different lengths, so
    that start-up and the first step's warm-up cancel out)."""
    data = os.path.join(a.work, 'nli-triplets.jsonl')
    rows = sum(1 for _ in open(data, encoding='utf-8'))
    cached = ['--loss-option', 'mini_batch_size=32']
    w1, _ = java_train(data, 'CachedMultipleNegativesRankingLoss', 1024, 1, cached)
    w3, peak_large = java_train(data, 'CachedMultipleNegativesRankingLoss', 1024, 3, cached)
    _, peak_small = java_train(data, 'CachedMultipleNegativesRankingLoss', 32, 40, cached)
    m10, _ = java_train(data, 'MultipleNegativesRankingLoss', 32, 10)
    m40, _ = java_train(data, 'MultipleNegativesRankingLoss', 32, 40)
    large_ms = 1000 * (w3 - w1) / pairs_between(rows, 1024, 1, 3)
    plain_ms = 1000 * (m40 - m10) / pairs_between(rows, 32, 10, 40)
    return {'config': 'cached-large', 'cached_b1024_peak_rss_mb': peak_large, 'cached_b32_peak_rss_mb': peak_small,
            'peak_rss_ratio': round(peak_large / peak_small, 3), 'cached_b1024_ms_per_pair': round(large_ms, 2),
            'mnrl_b32_ms_per_pair': round(plain_ms, 2), 'time_per_pair_ratio': round(large_ms / plain_ms, 3)}


model = prepare()
configs = {
    'train-mnrl': dict(data='nli-triplets.jsonl', loss='MultipleNegativesRankingLoss', batch=32),
    'train-cosent': dict(data='sts-pairs.jsonl', loss='CoSENTLoss', batch=16),
}
results = {}
for rnd in range(a.rounds):
    for name in a.only.split(','):
        if name in configs:
            c = configs[name]
            data = os.path.join(a.work, c['data'])
            common = ['--batch-size', str(c['batch']), '--max-steps', str(a.steps), '--lr', '5e-5']
            # the same logging window as the Python side (max_steps // 5), so both final losses are window means
            jw, jout, _ = timed([S4J, 'train', '--model', model, '--data', data, '--loss', c['loss'], '--warmup-ratio', '0',
                              '--save-steps', '0', '--logging-steps', str(max(1, a.steps // 5)),
                              '--output', os.path.join(a.work, 'out-java-' + name)] + common)
            pw, _, pout = timed([a.python, ST, 'train', '--model', model, '--data', data, '--loss', c['loss'],
                              '--max-seq-length', '256', '--output', os.path.join(a.work, 'out-st-' + name)] + common)
            st = last_json(pout)
            row = {'round': rnd, 'config': name, 'sentence4j_wall_s': round(jw, 2), 'st_wall_s': round(pw, 2),
                   'st_train_s': st['train_s'], 'sentence4j_final_loss': java_loss(jout), 'st_final_loss': st['final_loss'],
                   'steps': a.steps, 'batch': c['batch']}
        elif name == 'cached-large':
            row = cached_large()
            row['round'] = rnd
            print(json.dumps(row), flush=True)
            continue
        elif name in ('encode', 'first'):
            inp = os.path.join(a.work, 'sts-test-sentences.txt' if name == 'encode' else 'one.txt')
            jw, _, _ = timed([S4J, 'encode', '--model', model, '--input', inp, '--output', os.path.join(a.work, 'java.jsonl'),
                           '--batch-size', '32'])
            pw, _, pout = timed([a.python, ST, 'encode', '--model', model, '--input', inp, '--max-seq-length', '256',
                              '--batch-size', '32'])
            st = last_json(pout)
            row = {'round': rnd, 'config': name, 'texts': st['texts'], 'sentence4j_wall_s': round(jw, 2),
                   'st_wall_s': round(pw, 2), 'st_encode_s': st['encode_s']}
        else:
            continue
        row['ratio'] = round(row['st_wall_s'] / row['sentence4j_wall_s'], 3)
        print(json.dumps(row), flush=True)
        results.setdefault(name, []).append(row)
for name, rows in results.items():
    print(json.dumps({'summary': name, 'rounds': len(rows),
                      'median_sentence4j_wall_s': statistics.median(r['sentence4j_wall_s'] for r in rows),
                      'median_st_wall_s': statistics.median(r['st_wall_s'] for r in rows),
                      'median_ratio': statistics.median(r['ratio'] for r in rows)}), flush=True)
