#!/usr/bin/env python3
"""Projected distributed step time and speed-up from the parts `./sentence4j spark-bench` measures.

Usage: ./sentence4j spark-bench ... | grep '^{' > parts.jsonl; python3 tools/scale-out/project.py parts.jsonl
The model and its assumptions are written out in docs/scale-out.md; this script only evaluates it.
"""
import json
import math
import sys

parts = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        d = json.loads(line)
        parts[d["part"]] = d

step = parts["training_step"]
P = parts["broadcast_parameters"]["bytes"]          # parameter bytes (MiniLM)
G = step["gradient_bytes"]                          # one task's gradient result: dense tensors + touched word-embedding rows
WORD = 30522 * 384 * 4                              # MiniLM's word-embedding matrix, sent as touched rows only
ser_p = parts["snapshot_java_serialization"]["serialize_ms"]
de_p = parts["snapshot_java_serialization"]["deserialize_ms"]
ser_g = parts["gradient_result_java_serialization"]["serialize_ms"]
de_g = parts["gradient_result_java_serialization"]["deserialize_ms"]
adam = parts["adamw_on_driver"]["ms"]
row = step["embed_task_ms_per_row"] + step["backward_task_ms_per_row"]   # one core, all columns of a row
local_row = step["in_process_step_ms"] / step["batch"]                     # this process, all its cores
prepare = step["prepare_ms"] / step["batch"]                                # driver tokenizing, per row
loss_ms = step["loss_on_driver_ms"]
snapshot_copy = max(step["broadcast_ms"] - ser_p, 0.0)                     # driver: copy of the parameters
JOB = 50.0                      # scheduling one Spark job on a warm cluster (ms), two per step
ADD_MS_PER_MB = 0.15            # summing float arrays on the driver, ms per MB (memory bound)

models = {
    "MiniLM-L6 (22.7M)": dict(scale_bytes=1.0, scale_flops=1.0, grad_bytes=G),
    # BERT-base-sized (110M): 4.9x the bytes; 8x the non-embedding parameters, i.e. the work per token; its word
    # embeddings (30,522 x 768) are 21 % of the parameters, so a gradient result is ~79 % of the parameters
    "110M (BERT-base)": dict(scale_bytes=110e6 / 22.57e6, scale_flops=8.0, grad_bytes=(110e6 - 30522 * 768) * 4 + (G - (P - WORD))),
}
links = {"10 GbE": 1.25e9, "25 GbE": 3.125e9}
B = int(sys.argv[2]) if len(sys.argv) > 2 else 256


def step_ms(W, bw, sb, sf, gb):
    gs = gb / P                                     # a gradient result relative to the parameters
    mb = gb / 1e6
    t_bytes = P * sb / bw * 1e3                     # one copy of the parameters over the link
    t_grad = gb / bw * 1e3                          # one gradient result over the link
    driver = prepare * B + loss_ms + adam * sb + (snapshot_copy + ser_p) * sb
    broadcast = t_bytes * (1 + math.log2(max(W, 1)) / 4) + de_p * sb   # torrent: peers share blocks
    compute = row * sf * math.ceil(B / W)
    scale = max(math.ceil(math.sqrt(W)), 2)
    per_result = t_grad + de_g * gs + ADD_MS_PER_MB * mb     # de_g was measured on a dense (P-byte) result
    aggregate = ser_g * gs + min(scale, W) * per_result + math.ceil(W / scale) * per_result if W > scale else \
        ser_g * gs + W * per_result
    return driver + broadcast + compute + aggregate + 2 * JOB, driver, compute, broadcast + aggregate


print(f"measured inputs: row {row:.1f} core-ms (embed {step['embed_task_ms_per_row']:.1f} + forward again and backward "
      f"{step['backward_task_ms_per_row']:.1f}), in-process {local_row:.1f} ms/row on all cores, parameters {P/1e6:.1f} MB, "
      f"serialize {ser_p:.0f}/{ser_g:.0f} ms, deserialize {de_p:.0f}/{de_g:.0f} ms, AdamW {adam:.0f} ms, loss {loss_ms:.0f} ms")
print(f"global batch B = {B} rows")
for name, m in models.items():
    for link, bw in links.items():
        # one core, one process, the plain step: a forward with activations kept and a backward per row, which is
        # exactly the tasks' second pass (the distributed step adds the first, embedding-only, forward)
        single = step["backward_task_ms_per_row"] * m["scale_flops"] * B + adam * m["scale_bytes"] + prepare * B + loss_ms
        print(f"\n{name}, {link}: single core, one process {single/1e3:.1f} s/step")
        print("| W | step s | driver s | compute s | communication s | speed-up vs one core |")
        print("|---|---|---|---|---|---|")
        for W in (2, 4, 8, 16, 32, 64):
            t, d, c, comm = step_ms(W, bw, m["scale_bytes"], m["scale_flops"], m["grad_bytes"])
            print(f"| {W} | {t/1e3:.2f} | {d/1e3:.2f} | {c/1e3:.2f} | {comm/1e3:.2f} | {single/t:.1f} |")
