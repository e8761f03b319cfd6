"""The sentence-transformers side of the end-to-end comparison (bench/e2e/run.py runs it as a whole process).

    python st_side.py train --model DIR --data FILE.jsonl --loss MultipleNegativesRankingLoss|CoSENTLoss \
        --batch-size 32 --max-steps 50 --lr 5e-5 --max-seq-length 128 --output DIR
    python st_side.py encode --model DIR --input FILE.txt --batch-size 32

train: SentenceTransformerTrainer (sentence-transformers 6.0.1, PyTorch CPU), no evaluation, no checkpoints, no
warm-up, the jsonl's columns in order (labels in a column named score); prints one JSON line with the training
loop's wall time and the mean loss of the last logging window.
encode: model.encode of every line, batch 32; prints one JSON line.
"""
import argparse, json, os, sys, time

T0 = time.time()
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')

p = argparse.ArgumentParser()
p.add_argument('mode', choices=['train', 'encode'])
p.add_argument('--model', required=True)
p.add_argument('--data')
p.add_argument('--input')
p.add_argument('--loss', default='MultipleNegativesRankingLoss')
p.add_argument('--batch-size', type=int, default=32)
p.add_argument('--max-steps', type=int, default=50)
p.add_argument('--lr', type=float, default=5e-5)
p.add_argument('--max-seq-length', type=int, default=128)
p.add_argument('--output', default='/tmp/st-e2e-out')
p.add_argument('--threads', type=int, default=0)
a = p.parse_args()

import torch
if a.threads:
    torch.set_num_threads(a.threads)
from sentence_transformers import SentenceTransformer

model = SentenceTransformer(a.model, device='cpu')
model.max_seq_length = a.max_seq_length

if a.mode == 'encode':
    texts = open(a.input, encoding='utf-8').read().split('\n')
    if texts and texts[-1] == '':
        texts.pop()
    t = time.time()
    e = model.encode(texts, batch_size=a.batch_size, convert_to_numpy=True)
    print(json.dumps({'side': 'sentence-transformers', 'mode': 'encode', 'texts': len(texts),
                      'encode_s': round(time.time() - t, 3), 'in_process_s': round(time.time() - T0, 3),
                      'dim': int(e.shape[1])}))
    sys.exit(0)

from datasets import Dataset
from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments, losses

rows = [json.loads(l) for l in open(a.data, encoding='utf-8') if l.strip()]
dataset = Dataset.from_list(rows)
loss = getattr(losses, a.loss)(model)
args = SentenceTransformerTrainingArguments(
    output_dir=a.output, max_steps=a.max_steps, per_device_train_batch_size=a.batch_size, learning_rate=a.lr,
    warmup_ratio=0.0, seed=7, save_strategy='no', eval_strategy='no', logging_steps=max(1, a.max_steps // 5),
    report_to='none', use_cpu=True, disable_tqdm=True, dataloader_drop_last=True)
trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=dataset, loss=loss)
t = time.time()
trainer.train()
train_s = time.time() - t
losses_logged = [h['loss'] for h in trainer.state.log_history if 'loss' in h]
print(json.dumps({'side': 'sentence-transformers', 'mode': 'train', 'loss': a.loss, 'steps': trainer.state.global_step,
                  'train_s': round(train_s, 3), 'in_process_s': round(time.time() - T0, 3),
                  'final_loss': losses_logged[-1] if losses_logged else None}))
