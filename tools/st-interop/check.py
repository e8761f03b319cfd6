"""Checks that model folders trained and saved by sentence4j load in the real sentence-transformers and give the
embeddings sentence4j computes for them.

For each architecture folder of testdata/fixtures/st-architectures (and the embedded all-MiniLM-L6-v2 when asked),
this script:
  1. trains it with `./sentence4j train` (MultipleNegativesRankingLoss, a few steps on STS Benchmark pairs),
  2. encodes probe texts with `./sentence4j encode --model <saved folder>`,
  3. loads the saved folder with sentence_transformers.SentenceTransformer and encodes the same texts,
  4. prints the largest absolute difference per folder (float32; < 1e-5 is the project's parity bar), and checks
     the saved weights differ from the original (the training step reached the file),
  5. loads the saved Transformer folder with transformers.AutoModel.from_pretrained(output_loading_info=True) and
     fails if it reports missing, unexpected or mismatched weights (e.g. a pooler the file lacks), and checks a
     pooler the source had is written back unchanged (it is never trained).

Usage (repository root, after `mvn -B install -DskipTests`; a virtual environment with torch CPU and
sentence-transformers 6.0.1):
    python tools/st-interop/check.py [work dir]
Runs offline; nothing is downloaded. Not part of the test suite (CI has no Python).
"""
import csv, json, os, subprocess, sys, tempfile

import numpy as np
from safetensors.numpy import load_file
from sentence_transformers import SentenceTransformer
from transformers import AutoModel

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ARCH = os.path.join(ROOT, 'testdata', 'fixtures', 'st-architectures')
FOLDERS = ['tiny-xlm-roberta-mean', 'tiny-roberta-cls', 'tiny-mpnet-mean', 'tiny-distilbert-mean',
           'tiny-modernbert-mean', 'tiny-bert-dense', 'tiny-bert-prompts']
PROBES = ['A man is playing a guitar.', 'Ein Mann spielt Gitarre.', 'Un homme joue de la guitare.',
          'The weather is lovely today!', 'naïve café résumé', '東京は日本の首都です。', 'x', '']

work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix='st-interop-')
os.makedirs(work, exist_ok=True)

pairs = os.path.join(work, 'pairs.jsonl')
with open(os.path.join(ROOT, 'testdata', 'datasets', 'stsbenchmark', 'sts-train.csv'), encoding='utf-8') as f, \
        open(pairs, 'w', encoding='utf-8') as out:
    n = 0
    for row in csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE):
        if len(row) >= 7 and float(row[4]) >= 4.0 and n < 64:
            out.write(json.dumps({'anchor': row[5], 'positive': row[6]}) + '\n')
            n += 1
probe_file = os.path.join(work, 'probes.txt')
with open(probe_file, 'w', encoding='utf-8') as f:
    f.write('\n'.join(PROBES) + '\n')


def run(*args):
    r = subprocess.run([os.path.join(ROOT, 'sentence4j'), *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit('sentence4j ' + ' '.join(args) + ' failed:\n' + r.stdout[-3000:] + r.stderr[-3000:])


def tensors(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if name == 'model.safetensors':
                prefix = os.path.relpath(root, folder)
                for k, v in load_file(os.path.join(root, name)).items():
                    out[prefix + '/' + k] = v
    return out


def transformer_dir(folder):
    """The folder of the Transformer module named in modules.json."""
    for m in json.load(open(os.path.join(folder, 'modules.json'), encoding='utf-8')):
        if m['type'].endswith('.Transformer'):
            return os.path.join(folder, m['path'])
    raise SystemExit(folder + ': modules.json has no Transformer module')


def load_report(folder):
    """What transformers reports when loading the bare model: {kind: [keys]}, only the non-empty kinds."""
    _, info = AutoModel.from_pretrained(transformer_dir(folder), output_loading_info=True)
    kinds = ('missing_keys', 'unexpected_keys', 'mismatched_keys')
    return {k: sorted(str(key) for key in info.get(k) or []) for k in kinds if info.get(k)}


# a Normalize between Pooling and Dense (sentence-transformers allows Normalize anywhere after Pooling)
import shutil
variant = os.path.join(work, 'src-tiny-bert-normalize-dense')
if not os.path.isdir(variant):
    shutil.copytree(os.path.join(ARCH, 'tiny-bert-dense'), variant)
    os.makedirs(os.path.join(variant, '1b_Normalize'), exist_ok=True)
    mods = json.load(open(os.path.join(variant, 'modules.json')))
    mods.insert(2, {'idx': 2, 'name': '2', 'path': '1b_Normalize',
                    'type': 'sentence_transformers.base.modules.normalize.Normalize'})
    for i, m in enumerate(mods):
        m['idx'], m['name'] = i, str(i)
    json.dump(mods, open(os.path.join(variant, 'modules.json'), 'w'), indent=2)

worst_all = 0.0
load_problems = []
for name in FOLDERS + ['tiny-bert-normalize-dense']:
    src = variant if name == 'tiny-bert-normalize-dense' else os.path.join(ARCH, name)
    saved = os.path.join(work, name)
    run('train', '--model', src, '--data', pairs, '--loss', 'MultipleNegativesRankingLoss', '--max-steps', '3',
        '--batch-size', '8', '--lr', '1e-3', '--save-steps', '0', '--output', saved)
    java_out = os.path.join(work, name + '.jsonl')
    run('encode', '--model', saved, '--input', probe_file, '--output', java_out)
    java = np.array([json.loads(l)['embedding'] for l in open(java_out, encoding='utf-8')], dtype=np.float32)
    model = SentenceTransformer(saved, device='cpu')
    py = model.encode(PROBES, convert_to_numpy=True)
    diff = float(np.abs(py - java).max())
    before, after = tensors(src), tensors(saved)
    moved = max(float(np.abs(after[k] - before[k]).max()) for k in before if k in after)
    pooler_changed = [k for k in before if '/pooler.' in k and not np.array_equal(before[k], after.get(k))]
    report = load_report(saved)
    worst_all = max(worst_all, diff)
    print(f'{name:24s} {type(model[0].auto_model).__name__:18s} modules={[type(m).__name__ for m in model]} '
          f'max|python - java| = {diff:.2e}  weights moved by up to {moved:.2e}  '
          f'transformers load report: {report or "clean"}')
    if report or pooler_changed:
        load_problems.append(name)
        if pooler_changed:
            print(f'  the source pooler was not written back unchanged: {pooler_changed}')
print(f'worst {worst_all:.2e}')
if load_problems:
    print('missing, unexpected or mismatched weights (or a changed pooler) in: ' + ', '.join(load_problems))
sys.exit(0 if worst_all < 1e-5 and not load_problems else 1)
