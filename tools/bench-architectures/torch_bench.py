"""PyTorch side of `./sentence4j bench --architecture <type>`: the same architecture at all-MiniLM-L6-v2's sizes
(hidden 384, 6 layers, 12 heads, feed-forward 1536, vocabulary 30522), randomly initialised, float32 CPU.

    python torch_bench.py --architecture roberta --mode encode --batch 32 --seq 128 --iters 10

encode: eval, no_grad, random ids [batch, seq] without padding, mean pooling, L2 normalisation.
train:  train mode (dropout 0.1; ModernBERT 0), MultipleNegativesRankingLoss on two columns [batch, seq]
        (scale 20, cosine), backward, clip_grad_norm_(1.0), AdamW(lr 2e-5, weight decay 0.01) step.
Prints one JSON line: median/min/max ms after --warmup untimed iterations, peak RSS.
Attention: transformers' default for the class (sdpa; MPNet has only eager).
"""
import argparse, json, resource, statistics, time

import torch
import transformers as tf

p = argparse.ArgumentParser()
p.add_argument('--architecture', required=True)
p.add_argument('--mode', choices=['encode', 'train'], required=True)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--seq', type=int, default=64)
p.add_argument('--iters', type=int, default=10)
p.add_argument('--warmup', type=int, default=2)
p.add_argument('--threads', type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)

common = dict(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536)
if a.architecture == 'bert':
    model = tf.BertModel(tf.BertConfig(**common, max_position_embeddings=512))
elif a.architecture == 'roberta':
    model = tf.RobertaModel(tf.RobertaConfig(**common, max_position_embeddings=514, pad_token_id=1))
elif a.architecture == 'xlm-roberta':
    model = tf.XLMRobertaModel(tf.XLMRobertaConfig(**common, max_position_embeddings=514, pad_token_id=1))
elif a.architecture == 'distilbert':
    model = tf.DistilBertModel(tf.DistilBertConfig(vocab_size=30522, dim=384, n_layers=6, n_heads=12, hidden_dim=1536))
elif a.architecture == 'mpnet':
    model = tf.MPNetModel(tf.MPNetConfig(**common, max_position_embeddings=514))
elif a.architecture == 'modernbert':
    model = tf.ModernBertModel(tf.ModernBertConfig(**common, global_attn_every_n_layers=3, local_attention=128,
                                                   pad_token_id=0, cls_token_id=101, sep_token_id=102,
                                                   bos_token_id=101, eos_token_id=102))
else:
    raise SystemExit('unknown architecture ' + a.architecture)

g = torch.Generator().manual_seed(7)


def ids():
    return torch.randint(1000, 30522, (a.batch, a.seq), generator=g)


def embed(x):
    out = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state
    return torch.nn.functional.normalize(out.mean(dim=1), dim=-1)


opt = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)


def step():
    if a.mode == 'encode':
        with torch.no_grad():
            embed(ids())
    else:
        e1, e2 = embed(ids()), embed(ids())
        scores = 20 * e1 @ e2.T
        loss = torch.nn.functional.cross_entropy(scores, torch.arange(a.batch))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()


model.train(a.mode == 'train')
times = []
for i in range(a.warmup + a.iters):
    t0 = time.perf_counter()
    step()
    if i >= a.warmup:
        times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({'side': 'pytorch', 'architecture': a.architecture, 'mode': a.mode, 'batch': a.batch, 'seq': a.seq,
                  'median_ms': round(statistics.median(times), 1), 'min_ms': round(min(times), 1),
                  'max_ms': round(max(times), 1), 'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  'torch': torch.__version__, 'transformers': tf.__version__}))
