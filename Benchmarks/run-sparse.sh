#!/usr/bin/env bash
# Sparse data against scikit-learn, in interleaved rounds (one process per measurement, the order
# rotated every round, pinned to one core): reading an svmlight file (SVMLightReader vs
# load_svmlight_file) and one epoch of per-sample SGD on CSR (SparseLinearSGD vs SGDRegressor /
# SGDClassifier). Prints medians and ratios and writes results/sparse.jsonl and results/sparse.md.
#
#   ROWS=1000000 FEATURES=1048576 NNZ=50 ROUNDS=3 Benchmarks/run-sparse.sh
#
# Needs `pip install numpy scipy scikit-learn`. The data file is made once per size in $DATA
# (default /tmp/descent-sparse).
set -euo pipefail
cd "$(dirname "$0")"
ROWS=${ROWS:-1000000}; FEATURES=${FEATURES:-1048576}; NNZ=${NNZ:-50}; ROUNDS=${ROUNDS:-3}
ETA=${ETA:-0.01}; ALPHA=${ALPHA:-0.0001}; DATA=${DATA:-/tmp/descent-sparse}
mkdir -p "$DATA" results
file="$DATA/sparse-$ROWS-$FEATURES-$NNZ.svm"
[ -f "$file" ] || python3 peers/make_sparse.py "$ROWS" "$FEATURES" "$NNZ" "$file"
swift build -c release --product sparse-sgd >&2
bin="$(swift build -c release --show-bin-path)/sparse-sgd"
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
tasks=("load" "epoch squared $ETA $ALPHA" "epoch logistic $ETA $ALPHA")
out=results/sparse.jsonl; : > "$out"
for ((r = 0; r < ROUNDS; r++)); do
  jobs=()
  for t in "${tasks[@]}"; do jobs+=("descent|$t" "sklearn|$t"); done
  n=${#jobs[@]}
  for ((i = 0; i < n; i++)); do
    job=${jobs[$(((i + r) % n))]}
    impl=${job%%|*}; set -- ${job#*|}
    task=$1; shift
    if [ "$impl" = descent ]; then "${pin[@]}" "$bin" "$task" "$file" "$@" >> "$out"
    else "${pin[@]}" python3 peers/sparse_peers.py "$task" "$file" "$@" >> "$out"; fi
  done
done
python3 - "$out" "$file" "$ROUNDS" <<'PY' | tee results/sparse.md
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows: by.setdefault((r["task"], r["impl"]), []).append(r)
first = rows[0]
print(f"Sparse data, {sys.argv[2]}: {first['rows']} rows, medians of {sys.argv[3]} interleaved rounds, one core\n")
print("| task | Descent (s) | scikit-learn (s) | scikit-learn / Descent |")
print("|---|---|---|---|")
for task in ["load", "epoch-squared", "epoch-logistic"]:
    d = statistics.median(x["seconds"] for x in by[(task, "descent")])
    s = statistics.median(x["seconds"] for x in by[(task, "sklearn")])
    print(f"| {task} | {d:.3f} | {s:.3f} | {s / d:.2f}× |")
d, s = by[("load", "descent")][0], by[("load", "sklearn")][0]
print(f"\nPeak memory of a load: Descent {d['maxRSS'] / 2**20:.0f} MiB = {d['maxRSS'] / d['csrBytes']:.2f}× its CSR arrays "
      f"({d['csrBytes'] / 2**20:.0f} MiB); scikit-learn {s['maxRSS'] / 2**20:.0f} MiB = {s['maxRSS'] / s['csrBytes']:.2f}× its own "
      f"({s['csrBytes'] / 2**20:.0f} MiB).")
for task in ["epoch-squared", "epoch-logistic"]:
    a, b = by[(task, "descent")][0], by[(task, "sklearn")][0]
    print(f"{task}: weight norm Descent {a['weightNorm']:.10g}, scikit-learn {b['weightNorm']:.10g}; intercept {a['intercept']:.10g} vs {b['intercept']:.10g}")
PY
