#!/usr/bin/env bash
# Encode and train speed per architecture, sentence4j and PyTorch side by side in one session (interleaved:
# sentence4j then PyTorch for each configuration). Usage, from the repository root after `mvn -B install -DskipTests`:
#   tools/bench-architectures/run.sh <python with torch + transformers> [iters]
set -euo pipefail
PY=${1:?python of a virtual environment with torch and transformers}
ITERS=${2:-10}
cd "$(dirname "$0")/../.."
for arch in bert roberta xlm-roberta distilbert mpnet modernbert; do
  for cfg in "encode 32 128" "train 32 64"; do
    set -- $cfg
    printf '{"side":"sentence4j","architecture":"%s",' "$arch"
    ./sentence4j bench --architecture "$arch" --mode "$1" --batch "$2" --seq "$3" --iters "$ITERS" 2>/dev/null | tail -1 | sed 's/^{//'
    "$PY" tools/bench-architectures/torch_bench.py --architecture "$arch" --mode "$1" --batch "$2" --seq "$3" --iters "$ITERS" 2>/dev/null | tail -1
  done
done
