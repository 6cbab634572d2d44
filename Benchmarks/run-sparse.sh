#!/usr/bin/env bash
# Sparse data against scikit-learn, SciPy and LIBLINEAR, in interleaved rounds (one process per
# measurement, the order rotated every round, pinned to one core): reading an svmlight file
# (SVMLightReader vs load_svmlight_file), one epoch of per-sample SGD on CSR (SparseLinearSGD vs
# SGDRegressor / SGDClassifier), one epoch of mini-batch SGD through the sparse products (vs a
# SciPy loop doing the same X_b·w and X_bᵀ·r per batch), and, as reference rows without a ratio,
# LIBLINEAR training the regularised problems to its own tolerance (-s 0 logistic regression, -s 11
# least squares with -p 0). Prints medians and ratios and writes results/sparse.jsonl and
# results/sparse.md.
#
#   ROWS=1000000 FEATURES=1048576 NNZ=50 ROUNDS=3 BATCH=1024 Benchmarks/run-sparse.sh
#
# Needs `pip install numpy scipy scikit-learn liblinear-official`. The data file (and its CSR
# arrays as .npz, for the peers' untimed loads) is made once per size in $DATA (default
# /tmp/descent-sparse).
set -euo pipefail
cd "$(dirname "$0")"
ROWS=${ROWS:-1000000}; FEATURES=${FEATURES:-1048576}; NNZ=${NNZ:-50}; ROUNDS=${ROUNDS:-3}
ETA=${ETA:-0.01}; ALPHA=${ALPHA:-0.0001}; DATA=${DATA:-/tmp/descent-sparse}; BATCH=${BATCH:-1024}
# LIBLINEAR's C for the same objectives as the SGD's (1/n)·Σℓ + (α/2)·‖w‖²: ½‖w‖² + C·Σℓ with
# C = 1/(nα) for the logistic loss, and C = 1/(2nα) for ½r² (LIBLINEAR's -s 11 loss is r² with -p 0).
C_LOG=$(python3 -c "print(1 / ($ROWS * $ALPHA))"); C_SQ=$(python3 -c "print(1 / (2 * $ROWS * $ALPHA))")
mkdir -p "$DATA" results
file="$DATA/sparse-$ROWS-$FEATURES-$NNZ.svm"
[ -f "$file" ] || python3 peers/make_sparse.py "$ROWS" "$FEATURES" "$NNZ" "$file"
[ -f "$file.csr.npz" ] || python3 peers/sparse_peers.py prepare "$file"
swift build -c release --product sparse-sgd >&2
bin="$(swift build -c release --show-bin-path)/sparse-sgd"
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
tasks=("load" "epoch squared $ETA $ALPHA" "epoch logistic $ETA $ALPHA" "minibatch $ETA $ALPHA $BATCH")
out=results/sparse.jsonl; : > "$out"
for ((r = 0; r < ROUNDS; r++)); do
  jobs=()
  for t in "${tasks[@]}"; do jobs+=("descent|$t" "sklearn|$t"); done
  jobs+=("sklearn|liblinear 0 $C_LOG" "sklearn|liblinear 11 $C_SQ 0")
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
import json, os, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows: by.setdefault((r["task"], r["impl"]), []).append(r)
first = rows[0]
med = lambda task, impl: statistics.median(x["seconds"] for x in by[(task, impl)])
print(f"Sparse data, {os.path.basename(sys.argv[2])}: {first['rows']} rows, medians of {sys.argv[3]} interleaved rounds, one core\n")
print("| task | Descent (s) | peer | peer (s) | peer / Descent |")
print("|---|---|---|---|---|")
for task, impl, name in [("load", "sklearn", "scikit-learn load_svmlight_file"), ("epoch-squared", "sklearn", "scikit-learn SGDRegressor"),
                         ("epoch-logistic", "sklearn", "scikit-learn SGDClassifier"),
                         ("minibatch-squared", "scipy", f"SciPy loop, batch {by[('minibatch-squared', 'scipy')][0]['batch']}")]:
    d, s = med(task, "descent"), med(task, impl)
    print(f"| {task} | {d:.3f} | {name} | {s:.3f} | {s / d:.2f}× |")
print("\nReference (no ratio: LIBLINEAR solves the regularised problem to its own tolerance with a Newton method, "
      "not one SGD epoch; time of `train`, its data conversion apart):\n")
print("| LIBLINEAR | solves | train (s) | conversion (s) |")
print("|---|---|---|---|")
for task, what in [("liblinear-s0", "L2 logistic regression, C = 1/(nα)"), ("liblinear-s11", "L2 least squares (-p 0), C = 1/(2nα)")]:
    conv = statistics.median(x["convertSeconds"] for x in by[(task, "liblinear")])
    print(f"| {by[(task, 'liblinear')][0]['options']} | {what} | {med(task, 'liblinear'):.3f} | {conv:.3f} |")
d, s = by[("load", "descent")][0], by[("load", "sklearn")][0]
print(f"\nPeak memory of a load: Descent {d['maxRSS'] / 2**20:.0f} MiB = {d['maxRSS'] / d['csrBytes']:.2f}× its CSR arrays "
      f"({d['csrBytes'] / 2**20:.0f} MiB); scikit-learn {s['maxRSS'] / 2**20:.0f} MiB = {s['maxRSS'] / s['csrBytes']:.2f}× its own "
      f"({s['csrBytes'] / 2**20:.0f} MiB).")
for task, impl in [("epoch-squared", "sklearn"), ("epoch-logistic", "sklearn"), ("minibatch-squared", "scipy")]:
    a, b = by[(task, "descent")][0], by[(task, impl)][0]
    print(f"{task}: weight norm Descent {a['weightNorm']:.10g}, {impl} {b['weightNorm']:.10g}; intercept {a['intercept']:.10g} vs {b['intercept']:.10g}")
for task in ["liblinear-s0", "liblinear-s11"]:
    b = by[(task, "liblinear")][0]
    print(f"{task}: weight norm {b['weightNorm']:.10g}, intercept {b['intercept']:.10g}")
PY
