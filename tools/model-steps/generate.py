"""Writes sentence4j's own model-step cases (the model-step/1 format of testdata/fixtures/model-steps) with
the real sentence-transformers 6.0.1: one training step per case, float64, loss value and the gradient of
every trainable parameter.

The shared set covers each loss once or twice on two models; this set varies what it holds fixed: pooling
modes (max, mean_sqrt_len_tokens, weightedmean, lasttoken), Normalize, max_seq_length (14 to 20, with
truncated texts), other texts (STS Benchmark test), other loss options (per-direction MNRL, hardness modes,
MANHATTAN/EUCLIDEAN distances, separate KL temperatures, a guide model that must re-tokenize, mini-batch
sizes that do not divide the batch).

Usage (a virtual environment with torch 2.13 CPU, sentence-transformers 6.0.1, transformers 5.18):
    python generate.py <model-steps dir with models/student and models/small> <output dir> <datasets dir>
e.g. python generate.py testdata/fixtures/model-steps testdata/fixtures/model-steps-sentence4j testdata/datasets
Runs offline; the same versions give the same files.
"""
import copy, json, os, random, shutil, sys
import torch
from safetensors.torch import save_file
from sentence_transformers import SentenceTransformer, losses
from sentence_transformers.util import cos_sim, pairwise_cos_sim, pairwise_dot_score

SRC = sys.argv[1]          # the shared model-steps dir (for the tokenizer and model recipe)
OUT = sys.argv[2]
DATA = sys.argv[3]         # shared datasets dir
torch.set_num_threads(1)
rnd = random.Random(777)

def sts_sentences():
    out = []
    for line in open(os.path.join(DATA, 'stsbenchmark', 'sts-test.csv'), encoding='utf-8'):
        f = line.rstrip('\n').split('\t')
        out += [f[5], f[6]]
    return out
SENTS = [s for s in sts_sentences() if 2 <= len(s.split()) <= 30]
rnd.shuffle(SENTS)
_pos = [0]
def texts(n):
    t = SENTS[_pos[0]:_pos[0] + n]
    _pos[0] += n
    return t

def make_model(name, base, seed, pooling, normalize, max_len, scale):
    m = SentenceTransformer(os.path.join(SRC, 'models', base), device='cpu')
    torch.manual_seed(seed)
    am = m[0].auto_model
    with torch.no_grad():
        for n, p in am.named_parameters():
            if 'LayerNorm.weight' in n:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(scale * torch.randn_like(p))
    from sentence_transformers.sentence_transformer.modules import Pooling
    dim = am.config.hidden_size
    mods = [m[0], Pooling(dim, pooling_mode=pooling)]
    if normalize:
        from sentence_transformers.sentence_transformer.modules import Normalize
        mods.append(Normalize())
    m2 = SentenceTransformer(modules=mods, device='cpu')
    m2.max_seq_length = max_len
    path = os.path.join(OUT, 'models', name)
    if os.path.exists(path):
        shutil.rmtree(path)
    m2.save(path)
    return path

def main():
    os.makedirs(OUT, exist_ok=True)
    models = {
        'm-max': make_model('m-max', 'student', 9101, 'max', False, 14, 0.2),
        'm-sqrt': make_model('m-sqrt', 'small', 9102, 'mean_sqrt_len_tokens', True, 18, 0.5),
        'm-wmean': make_model('m-wmean', 'small', 9103, 'weightedmean', False, 20, 0.5),
        'm-last': make_model('m-last', 'small', 9104, 'lasttoken', True, 16, 0.5),
    }
    for case in CASES:
        run_case(case, models)

def rows(n, cols):
    """n rows of each of cols columns: fresh texts, never reused across cases."""
    return [texts(n) for _ in range(cols)]

# (name, model, loss factory(model, guide) -> loss, java config, columns, labels, label dtype, guide)
def C(name, model, make, config, ncols, n, labels=None, dtype=None, guide=None, same=()):
    """same: rows whose column 1 repeats column 0 (identical pairs for ContrastiveTension)."""
    return dict(name=name, model=model, make=make, config=config, ncols=ncols, n=n, labels=labels, dtype=dtype, guide=guide,
                same=same)

CASES = [
    C('mnrl-sym-perdir', 'm-max', lambda m, g: losses.MultipleNegativesRankingLoss(m, scale=15.0, directions=('query_to_doc', 'doc_to_query'), partition_mode='per_direction'),
      {"scale": 15.0, "similarity_fct": "cos_sim", "directions": ["query_to_doc", "doc_to_query"], "partition_mode": "per_direction"}, 3, 5),
    C('mnrl-dot-hard', 'm-sqrt', lambda m, g: losses.MultipleNegativesRankingLoss(m, scale=7.0, similarity_fct=__import__('sentence_transformers').util.dot_score, hardness_mode='hard_negatives', hardness_strength=2.0),
      {"scale": 7.0, "similarity_fct": "dot_score", "hardness_mode": "hard_negatives", "hardness_strength": 2.0}, 3, 5),
    C('cached-mnrl-mbs3', 'm-wmean', lambda m, g: losses.CachedMultipleNegativesRankingLoss(m, scale=12.0, mini_batch_size=3),
      {"scale": 12.0, "similarity_fct": "cos_sim", "mini_batch_size": 3}, 2, 7),
    C('triplet-manhattan', 'm-max', lambda m, g: losses.TripletLoss(m, distance_metric=losses.TripletDistanceMetric.MANHATTAN, triplet_margin=3.0),
      {"distance_metric": "TripletDistanceMetric.MANHATTAN", "triplet_margin": 3.0}, 3, 5),
    C('contrastive-euclid', 'm-last', lambda m, g: losses.ContrastiveLoss(m, distance_metric=losses.SiameseDistanceMetric.EUCLIDEAN, margin=0.9, size_average=False),
      {"distance_metric": "SiameseDistanceMetric.EUCLIDEAN", "margin": 0.9, "size_average": False}, 2, 6, [1, 0, 1, 0, 0, 1], 'int64'),
    C('softmax-mult', 'm-sqrt', lambda m, g: losses.SoftmaxLoss(m, embedding_dimension=8, num_labels=3, concatenation_sent_multiplication=True),
      {"embedding_dimension": 8, "num_labels": 3, "concatenation_sent_rep": True, "concatenation_sent_difference": True, "concatenation_sent_multiplication": True}, 2, 6, [0, 2, 1, 1, 0, 2], 'int64'),
    C('cosent-wmean', 'm-wmean', lambda m, g: losses.CoSENTLoss(m, scale=10.0),
      {"scale": 10.0, "similarity_fct": "pairwise_cos_sim"}, 2, 6, [0.1, 0.9, 0.4, 0.75, 0.0, 0.55], 'float'),
    C('angle-last', 'm-last', lambda m, g: losses.AnglELoss(m, scale=25.0),
      {"scale": 25.0}, 2, 6, [0.2, 0.8, 0.5, 0.95, 0.05, 0.6], 'float'),
    C('cosine-sim-max', 'm-max', lambda m, g: losses.CosineSimilarityLoss(m),
      {"loss_fct": "torch.nn.modules.loss.MSELoss", "cos_score_transformation": "torch.nn.modules.linear.Identity"}, 2, 5, [0.25, 0.5, 1.0, 0.0, 0.75], 'float'),
    C('distill-kl-temps', 'm-sqrt', lambda m, g: losses.DistillKLDivLoss(m, temperature=2.0, student_temperature=3.0, teacher_temperature=1.5),
      {"similarity_fct": "pairwise_dot_score", "temperature": 2.0, "student_temperature": 3.0, "teacher_temperature": 1.5}, 3, 4, [[5.0, 1.0], [3.5, 2.0], [0.5, 4.0], [2.0, 2.5]], 'float'),
    C('matryoshka-weighted', 'm-max', lambda m, g: losses.MatryoshkaLoss(m, losses.MultipleNegativesRankingLoss(m), matryoshka_dims=[8, 32, 12], matryoshka_weights=[0.5, 2.0, 1.0]),
      {"loss": {"loss": "MultipleNegativesRankingLoss", "config": {"scale": 20.0, "similarity_fct": "cos_sim"}}, "matryoshka_dims": [8, 32, 12], "matryoshka_weights": [0.5, 2.0, 1.0], "n_dims_per_step": -1}, 2, 5),
    C('adaptive-log', 'm-sqrt', lambda m, g: losses.AdaptiveLayerLoss(m, losses.CoSENTLoss(m), n_layers_per_step=-1, last_layer_weight=1.5, prior_layers_weight=0.7, kl_div_weight=2.0, kl_temperature=0.5, layer_weighting='log'),
      {"loss": {"loss": "CoSENTLoss", "config": {"scale": 20.0, "similarity_fct": "pairwise_cos_sim"}}, "n_layers_per_step": -1, "last_layer_weight": 1.5, "prior_layers_weight": 0.7, "kl_div_weight": 2.0, "kl_temperature": 0.5, "layer_weighting": "log"}, 2, 5, [0.3, 0.6, 0.9, 0.1, 0.5], 'float'),
    C('batch-semi-hard-cos', 'm-wmean', lambda m, g: losses.BatchSemiHardTripletLoss(m, distance_metric=losses.BatchHardTripletLossDistanceFunction.cosine_distance, margin=0.05),
      {"distance_metric": "BatchHardTripletLossDistanceFunction.cosine_distance", "margin": 0.05}, 1, 8, [0, 1, 0, 2, 1, 2, 0, 1], 'int64'),
    C('gist-no-anchors', 'm-max', lambda m, g: losses.GISTEmbedLoss(m, g, temperature=0.1, margin_strategy='relative', margin=0.05, contrast_anchors=False),
      {"temperature": 0.1, "margin_strategy": "relative", "margin": 0.05, "contrast_anchors": False, "contrast_positives": True}, 2, 5, None, None, 'm-wmean'),
    C('gist-retokenize', 'm-wmean', lambda m, g: losses.GISTEmbedLoss(m, g, temperature=0.05, margin_strategy='absolute', margin=0.01),
      {"temperature": 0.05, "margin_strategy": "absolute", "margin": 0.01, "contrast_anchors": True, "contrast_positives": True}, 3, 5, None, None, 'm-max'),
    C('cached-gist-mbs3', 'm-max', lambda m, g: losses.CachedGISTEmbedLoss(m, g, temperature=0.02, mini_batch_size=3, contrast_positives=False),
      {"temperature": 0.02, "margin_strategy": "absolute", "margin": 0.0, "contrast_anchors": True, "contrast_positives": False, "mini_batch_size": 3}, 3, 5, None, None, 'm-wmean'),
    C('cached-mnsrl-mbs4', 'm-last', lambda m, g: losses.CachedMultipleNegativesSymmetricRankingLoss(m, scale=30.0, mini_batch_size=4),
      {"scale": 30.0, "similarity_fct": "cos_sim", "mini_batch_size": 4}, 2, 6),
    C('megabatch-mb3', 'm-sqrt', lambda m, g: losses.MegaBatchMarginLoss(m, positive_margin=0.7, negative_margin=0.2, use_mini_batched_version=True, mini_batch_size=3),
      {"positive_margin": 0.7, "negative_margin": 0.2, "use_mini_batched_version": True, "mini_batch_size": 3}, 2, 7),
    C('batch-hard-cos', 'm-last', lambda m, g: losses.BatchHardTripletLoss(m, distance_metric=losses.BatchHardTripletLossDistanceFunction.cosine_distance, margin=0.02),
      {"distance_metric": "BatchHardTripletLossDistanceFunction.cosine_distance", "margin": 0.02}, 1, 8, [3, 3, 1, 1, 2, 2, 3, 1], 'int64'),
    C('batch-all-eucl', 'm-max', lambda m, g: losses.BatchAllTripletLoss(m, margin=2.0),
      {"distance_metric": "BatchHardTripletLossDistanceFunction.euclidean_distance", "margin": 2.0}, 1, 8, [0, 0, 1, 1, 0, 1, 2, 2], 'int64'),
    C('soft-margin-wmean', 'm-wmean', lambda m, g: losses.BatchHardSoftMarginTripletLoss(m),
      {"distance_metric": "BatchHardTripletLossDistanceFunction.euclidean_distance"}, 1, 8, [1, 2, 1, 2, 1, 2, 3, 3], 'int64'),
    C('online-contrastive-eucl', 'm-max', lambda m, g: losses.OnlineContrastiveLoss(m, distance_metric=losses.SiameseDistanceMetric.EUCLIDEAN, margin=4.0),
      {"distance_metric": "SiameseDistanceMetric.EUCLIDEAN", "margin": 4.0}, 2, 8, [1, 0, 1, 0, 1, 0, 0, 1], 'int64'),
    C('mse-two-cols', 'm-max', lambda m, g: losses.MSELoss(m),
      {}, 2, 5, [[0.1 * ((i * 7 + k * 3) % 11) - 0.5 for k in range(32)] for i in range(5)], 'float'),
    C('margin-mse-cos', 'm-last', lambda m, g: losses.MarginMSELoss(m, similarity_fct=pairwise_cos_sim),
      {"similarity_fct": "pairwise_cos_sim"}, 3, 5, [0.3, -0.2, 0.5, 0.05, 0.9], 'float'),
    C('matryoshka2d-cosent', 'm-sqrt', lambda m, g: losses.Matryoshka2dLoss(m, losses.CoSENTLoss(m), matryoshka_dims=[8, 4], n_layers_per_step=-1, n_dims_per_step=-1, last_layer_weight=2.0, kl_temperature=0.7),
      {"loss": {"loss": "CoSENTLoss", "config": {"scale": 20.0, "similarity_fct": "pairwise_cos_sim"}}, "matryoshka_dims": [8, 4], "n_layers_per_step": -1, "n_dims_per_step": -1, "last_layer_weight": 2.0, "kl_temperature": 0.7}, 2, 5, [0.2, 0.9, 0.5, 0.4, 0.7], 'float'),
    C('matryoshka-cached-mbs2', 'm-max', lambda m, g: losses.MatryoshkaLoss(m, losses.CachedMultipleNegativesRankingLoss(m, mini_batch_size=2), matryoshka_dims=[32, 8]),
      {"loss": {"loss": "CachedMultipleNegativesRankingLoss", "config": {"scale": 20.0, "similarity_fct": "cos_sim", "mini_batch_size": 2}}, "matryoshka_dims": [32, 8], "n_dims_per_step": -1}, 3, 5),
    C('ct-derived-labels', 'm-max', lambda m, g: losses.ContrastiveTensionLoss(m), {}, 2, 6, same=(1, 4)),
    C('ct-in-batch-dot', 'm-last', lambda m, g: losses.ContrastiveTensionLossInBatchNegatives(m, scale=10.0, similarity_fct=__import__('sentence_transformers').util.dot_score),
      {"scale": 10.0, "similarity_fct": "dot_score"}, 1, 6),
    C('gor-pairs-dot', 'm-max', lambda m, g: losses.GlobalOrthogonalRegularizationLoss(m, similarity_fct=__import__('sentence_transformers').util.dot_score, mean_weight=0.5, aggregation='sum'),
      {"similarity_fct": "dot_score", "mean_weight": 0.5, "second_moment_weight": 1.0, "aggregation": "sum"}, 2, 6),
    C('embed-distill-l2-projection', 'm-sqrt', lambda m, g: losses.EmbedDistillLoss(m, distance_metric='l2', projection_dim=12),
      {"distance_metric": "l2", "projection_dim": 12}, 2, 5, [[0.1 * ((i * 5 + k * 3) % 9) - 0.4 for k in range(12)] for i in range(5)], 'float'),
    C('mnrl-qq-dd', 'm-wmean', lambda m, g: losses.MultipleNegativesRankingLoss(m, scale=12.0, directions=('query_to_doc', 'query_to_query', 'doc_to_doc'), hardness_mode='in_batch_negatives', hardness_strength=1.5),
      {"scale": 12.0, "similarity_fct": "cos_sim", "directions": ["query_to_doc", "query_to_query", "doc_to_doc"], "hardness_mode": "in_batch_negatives", "hardness_strength": 1.5}, 2, 5),
]

def grads_of(m, prefix=''):
    out = {}
    for n, p in m[0].auto_model.named_parameters():
        if p.grad is not None:
            out[prefix + n] = p.grad.detach().clone()
    return out

def run_case(c, models):
    name = c['name']
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    mpath = models[c['model']]
    model = SentenceTransformer(mpath, device='cpu')
    guide = SentenceTransformer(models[c['guide']], device='cpu') if c['guide'] else None
    torch.manual_seed(1234)
    loss = c['make'](model, guide)
    extra = {}
    if isinstance(loss, losses.SoftmaxLoss):
        extra = {'classifier.weight': loss.classifier.weight.detach().clone(), 'classifier.bias': loss.classifier.bias.detach().clone()}
    if hasattr(loss, 'logit_scale'):
        extra = {'logit_scale': loss.logit_scale.detach().clone().reshape(())}
    if getattr(loss, 'projection', None) is not None:
        extra = {'projection.weight': loss.projection.weight.detach().clone(), 'projection.bias': loss.projection.bias.detach().clone()}
    model.to(torch.float64); loss.to(torch.float64)
    if guide is not None:
        guide.to(torch.float64)
    model.train()
    cols = rows(c['n'], c['ncols'])
    for r in c['same']:
        cols[1][r] = cols[0][r]
    feats = [model.preprocess(t) for t in cols]
    if c['labels'] is not None:
        labels = torch.tensor(c['labels'], dtype=torch.int64 if c['dtype'] == 'int64' else torch.float64)
    else:
        labels = None
    out = loss(feats, labels)
    components = None
    if isinstance(out, dict):
        components = {k: float(v.item()) for k, v in out.items()}
        out = sum(out.values())
    out.backward()
    g = grads_of(model)
    if hasattr(loss, 'model1'):
        g.update(grads_of(loss.model1, 'model1.'))
    if hasattr(loss, 'logit_scale'):
        g['logit_scale'] = loss.logit_scale.grad.detach().clone()
    if getattr(loss, 'projection', None) is not None:
        g['projection.weight'] = loss.projection.weight.grad.detach().clone()
        g['projection.bias'] = loss.projection.bias.grad.detach().clone()
    if isinstance(loss, losses.SoftmaxLoss):
        g['classifier.weight'] = loss.classifier.weight.grad.detach().clone()
        g['classifier.bias'] = loss.classifier.bias.grad.detach().clone()
    ids = [[[int(x) for x, mk in zip(r, mrow) if mk] for r, mrow in zip(f['input_ids'].tolist(), f['attention_mask'].tolist())] for f in feats]
    used = sorted({i for col in ids for r in col for i in r})
    for we in ['embeddings.word_embeddings.weight', 'model1.embeddings.word_embeddings.weight']:
        if we not in g:
            continue
        full = g[we]
        nz = torch.nonzero(full.abs().sum(1)).flatten().tolist()
        rws = sorted(set(used) | set(nz))
        g[we] = full[rws].contiguous()
        g[we + '.rows'] = torch.tensor(rws, dtype=torch.int64)
    G = max(float(v.abs().max()) for k, v in g.items() if not k.endswith('.rows'))
    small = model[0].auto_model.config.hidden_size < 32
    rtol = 2e-4 if small else 1e-4
    alpha = 2e-5 if small else 1e-5
    save_file({k: v.contiguous() for k, v in g.items()}, os.path.join(d, 'grads.safetensors'))
    if extra:
        save_file({k: v.contiguous() for k, v in extra.items()}, os.path.join(d, 'extra_state.safetensors'))
    without = [n for n, p in model[0].auto_model.named_parameters() if p.grad is None]
    case = {"format": "model-step/1", "name": name, "loss": type(loss).__name__, "config": c['config'],
            "model": os.path.relpath(mpath, OUT), "columns": cols, "column_names": [f"sentence_{i}" for i in range(len(cols))],
            "labels": c['labels'], "label_dtype": c['dtype'], "torch_seed": 1234, "input_ids": ids,
            "expected": {"loss": float(out.item()), "components": components}, "grads": "grads.safetensors",
            "params_without_grad": without, "extra_state": "extra_state.safetensors" if extra else None,
            "tolerance": {"loss": {"rtol": rtol, "atol": 1e-7}, "grads": {"rtol": rtol, "atol": alpha * G, "alpha": alpha, "G": G}}}
    if c['guide']:
        case['guide'] = os.path.relpath(models[c['guide']], OUT)
    json.dump(case, open(os.path.join(d, 'case.json'), 'w'), indent=1)
    print(name, float(out.item()))

main()
