#!/usr/bin/env bash
# A/B, interleaved: the library's SupervisedObjective against LeanLinearObjective (same math, the
# per-row loops specialised and fused; see its doc comment) under the same Trainer and SGD, one
# thread. Shows what the general objective's overheads cost (docs/throughput.md, "What the overheads cost").
#   Benchmarks/run-lean-ab.sh [ROUNDS]      (default 2; data from run-throughput.sh)
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-2}
DATA=${DATA:-/tmp/descent-throughput}
OUT=${OUT:-results}
mkdir -p "$OUT"
RESULTS="$OUT/lean-ab.jsonl"
: > "$RESULTS"
python3 peers/gen_data.py "$DATA"
swift build -c release --product sgd-epoch 2>&1 | grep -E "error|Build" >&2
BIN="$(swift build -c release --show-bin-path)/sgd-epoch"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
    for OBJ in supervised lean; do
        for DT in float32 float64; do
            "$BIN" --x "$DATA/P1_X.npy" --y "$DATA/P1_Y.npy" --problem P1 --dtype "$DT" --objective "$OBJ" \
                --batches 32,256,1024,8192,full --reps 3 >> "$RESULTS"
            "$BIN" --x "$DATA/P1_X.npy" --y "$DATA/P1_Y.npy" --problem P1 --dtype "$DT" --objective "$OBJ" \
                --batches 1 --reps 3 --lr 0.001 --momentum 0 >> "$RESULTS"
            "$BIN" --x "$DATA/P2_X.npy" --y "$DATA/P2_Y.npy" --problem P2 --dtype "$DT" --objective "$OBJ" \
                --batches 32,1024,full --reps 3 >> "$RESULTS"
        done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" <<'PY'
import json, sys, statistics
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault((r["problem"], r["dtype"], r["batch"]), {}).setdefault(r["impl"], []).append(r["samples_per_s"])
print("\n| problem | dtype | batch | SupervisedObjective samples/s (per round) | LeanLinearObjective samples/s (per round) | lean / library (median) |")
print("|---|---|---|---|---|---|")
key = lambda k: (k[0], k[1], 10**12 if k[2] == "full" else int(k[2]))
for k in sorted(runs, key=key):
    a, b = runs[k].get("descent", []), runs[k].get("descent-lean", [])
    if a and b:
        print(f"| {k[0]} | {k[1]} | {k[2]} | {' / '.join(f'{v:.3g}' for v in a)} | {' / '.join(f'{v:.3g}' for v in b)} | "
              f"**{statistics.median(b) / statistics.median(a):.2f}** |")
PY
