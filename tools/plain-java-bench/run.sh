#!/usr/bin/env bash
# What a library user's plain `java` costs against the launcher: encodes the 2,758 sentences of STS Benchmark
# test (the default model, batch 32) in fresh JVMs, the variants taking turns round by round so that a load that
# comes and goes on a shared machine falls on all of them alike. Prints one line per run and the medians.
#   tools/plain-java-bench/run.sh [rounds, default 2]        (after mvn -B install -DskipTests)
# Variants:
#   plain-no-settings  plain java, -Dsentence4j.nativeSettings=false: what a user got before the library set the
#                      natives' environment itself (no OPENBLAS_CORETYPE, spinning BLAS/OpenMP workers)
#   plain              plain java: the library sets OPENBLAS_CORETYPE etc. in-process; no vector module (logs the hint)
#   plain+vector       plain java with the one flag the hint names: --add-modules jdk.incubator.vector
#   launcher           ./sentence4j encode: every setting of the launcher
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-2}"
target="$root/examples/target"
jar="$(ls "$target"/examples-*.jar | grep -v -- '-sources\|-javadoc' | head -1)"
cp="$jar:$target/lib/*"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cut -f6,7 "$root/testdata/datasets/stsbenchmark/sts-test.csv" | tr '\t' '\n' > "$work/texts.txt"
echo "texts: $(wc -l < "$work/texts.txt"); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); cores: $(nproc)"
plain_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_THREAD_TIMEOUT -u OMP_WAIT_POLICY -u JDK_JAVA_OPTIONS -u JAVA_TOOL_OPTIONS)
run() {
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" encode --input "$work/texts.txt" --output "$work/$name.jsonl" > "$work/$name.out" 2> "$work/$name.err"
  t1=$(date +%s.%N)
  local s; s=$(echo "$t1 - $t0" | bc)
  echo "$name $s" | tee -a "$work/times"
}
for ((r = 1; r <= rounds; r++)); do
  run plain-no-settings "${plain_env[@]}" java -Dsentence4j.nativeSettings=false -cp "$cp" org.sentence4j.examples.Sentence4j
  run plain "${plain_env[@]}" java -cp "$cp" org.sentence4j.examples.Sentence4j
  run plain+vector "${plain_env[@]}" java --add-modules jdk.incubator.vector -cp "$cp" org.sentence4j.examples.Sentence4j
  run launcher "${plain_env[@]}" "$root/sentence4j"
done
echo "medians (s, whole command: JVM start, model load, encoding, writing):"
for v in plain-no-settings plain plain+vector launcher; do
  grep "^$v " "$work/times" | awk '{print $2}' | sort -n | awk -v v="$v" '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "  %-18s %6.1f\n", v, m}'
done
cmp -s "$work/plain.jsonl" "$work/launcher.jsonl" && echo "plain and launcher outputs: identical" || echo "plain and launcher outputs: differ (last-bit float sums)"
grep -h "FastRouteHint" "$work"/plain.err | head -1 | cut -c1-200 || true
