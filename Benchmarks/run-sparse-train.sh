#!/usr/bin/env bash
# `descent train` on sparse data, the path users take, against the same computation in NumPy/SciPy
# and in PyTorch, in interleaved rounds (one process per measurement, the order rotated every round,
# pinned to one core): one epoch of mini-batch AdaGrad on a linear logistic model over an svmlight
# file (Benchmarks/peers/sparse_train_peers.py says what each peer runs). Descent runs twice: with
# its lazy updates (the default for AdaGrad) and with dense updates (forced by an early-stopping
# rule that never fires, which needs every coordinate each update). Prints medians and ratios and
# writes results/sparse-train.jsonl and results/sparse-train.md.
#
#   ROWS=1000000 FEATURES=1048576 NNZ=50 BATCH=256 ROUNDS=3 Benchmarks/run-sparse-train.sh
#
# Needs `pip install numpy scipy scikit-learn torch`. The data file is shared with run-sparse.sh.
set -euo pipefail
cd "$(dirname "$0")"
ROWS=${ROWS:-1000000}; FEATURES=${FEATURES:-1048576}; NNZ=${NNZ:-50}; BATCH=${BATCH:-256}; ROUNDS=${ROUNDS:-3}
ETA=${ETA:-0.05}; DATA=${DATA:-/tmp/descent-sparse}
mkdir -p "$DATA" results
file="$DATA/sparse-$ROWS-$FEATURES-$NNZ.svm"
[ -f "$file" ] || python3 peers/make_sparse.py "$ROWS" "$FEATURES" "$NNZ" "$file"
[ -f "$file.csr.npz" ] || python3 peers/sparse_peers.py prepare "$file"
(cd .. && swift build -c release --product descent >&2)
bin="$(cd .. && swift build -c release --show-bin-path)/descent"
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
out=results/sparse-train.jsonl; : > "$out"
descent() {   # $1: lazy or dense
  local extra=(); [ "$1" = dense ] && extra=(--early-stopping 1000000)
  local t0 t1 json
  t0=$(date +%s.%N)
  json=$("${pin[@]}" "$bin" train --data "$file" --loss logistic --optimizer adagrad --lr "$ETA" --batch-size "$BATCH" \
         --epochs 1 --shuffle none --threads 1 --json -q "${extra[@]}")
  t1=$(date +%s.%N)
  python3 -c 'import json, sys
d = json.loads(sys.argv[1]); h = d["history"][0]
print(json.dumps({"impl": "descent-" + sys.argv[2], "command": float(sys.argv[3]), "epoch": h["seconds"],
                  "meanLoss": h["trainingLoss"], "rows": h["samples"], "batch": int(sys.argv[4])}))' "$json" "$1" "$(echo "$t1 - $t0" | bc)" "$BATCH"
}
jobs=(descent-lazy descent-dense numpy torch)
n=${#jobs[@]}
for ((r = 0; r < ROUNDS; r++)); do
  for ((i = 0; i < n; i++)); do
    job=${jobs[$(((i + r) % n))]}
    case $job in
      descent-lazy) descent lazy >> "$out" ;;
      descent-dense) descent dense >> "$out" ;;
      *) t0=$(date +%s.%N)
         line=$("${pin[@]}" python3 peers/sparse_train_peers.py "$job" "$file" "$ETA" "$BATCH")
         t1=$(date +%s.%N)
         python3 -c 'import json, sys; d = json.loads(sys.argv[1]); d["command"] = float(sys.argv[2]); print(json.dumps(d))' \
           "$line" "$(echo "$t1 - $t0" | bc)" >> "$out" ;;
    esac
  done
done
python3 - "$out" "$file" "$ROUNDS" "$BATCH" <<'PY' | tee results/sparse-train.md
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows: by.setdefault(r["impl"], []).append(r)
med = lambda impl, key: statistics.median(r[key] for r in by[impl])
print(f"One epoch of mini-batch AdaGrad (batch {sys.argv[4]}, logistic, file order) on {sys.argv[2].split('/')[-1]}, "
      f"{sys.argv[3]} interleaved rounds, one core; medians in seconds.\n")
print("| implementation | epoch | whole command | epoch: this / descent (lazy) |")
print("|---|---:|---:|---:|")
base = med("descent-lazy", "epoch")
names = {"descent-lazy": "`descent train`, lazy updates", "descent-dense": "`descent train`, dense updates",
         "numpy": "NumPy/SciPy loop (touched columns only)", "torch": "PyTorch EmbeddingBag(sparse) + Adagrad"}
for impl in ["descent-lazy", "descent-dense", "numpy", "torch"]:
    if impl not in by: continue
    e, c = med(impl, "epoch"), med(impl, "command")
    print(f"| {names[impl]} | {e:.3f} | {c:.2f} | {e / base:.2f}× |")
print("\nThe whole command is `descent train` from start to exit (reading the svmlight file, the epoch, the "
      "final evaluation and the report), and for the peers the process (reading the CSR arrays from a cached .npz, then the epoch).")
losses = {impl: med(impl, "meanLoss") for impl in by}
print("\nMean training loss of the epoch: " + ", ".join(f"{k} {v:.6f}" for k, v in losses.items())
      + " (descent weighs the batches by size, the peers average the batch means; the weights agree to rounding).")
PY
