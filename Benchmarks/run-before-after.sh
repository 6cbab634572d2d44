#!/usr/bin/env bash
# A/B, interleaved, one thread: two builds of sgd-epoch (e.g. the library before and after a change)
# on the throughput problems, each round running A then B for every configuration group.
#   Benchmarks/run-before-after.sh BIN_BEFORE BIN_AFTER [ROUNDS]     (default 2; data from run-throughput.sh)
# Keep a copy of the "before" binary first, e.g.
#   swift build -c release --product sgd-epoch && cp "$(swift build -c release --show-bin-path)/sgd-epoch" /tmp/sgd-epoch-before
# Raw JSON lines go to $OUT/before-after.jsonl; the table (after/before of the medians) to stdout.
set -euo pipefail
cd "$(dirname "$0")"
BEFORE=$1
AFTER=$2
ROUNDS=${3:-2}
DATA=${DATA:-/tmp/descent-throughput}
OUT=${OUT:-results}
mkdir -p "$OUT"
RESULTS="$OUT/before-after.jsonl"
: > "$RESULTS"
python3 peers/gen_data.py "$DATA"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
    for DT in float32 float64; do
        for SIDE in before after; do
            BIN=$BEFORE; [ "$SIDE" = after ] && BIN=$AFTER
            {
                "$BIN" --x "$DATA/P1_X.npy" --y "$DATA/P1_Y.npy" --problem P1 --dtype "$DT" \
                    --batches 32,256,1024,8192,full --reps 3
                "$BIN" --x "$DATA/P1_X.npy" --y "$DATA/P1_Y.npy" --problem P1 --dtype "$DT" \
                    --batches 1 --reps 3 --lr 0.001 --momentum 0
                "$BIN" --x "$DATA/P2_X.npy" --y "$DATA/P2_Y.npy" --problem P2 --dtype "$DT" \
                    --batches 32,1024,8192,full --reps 3
            } 2>/dev/null | sed "s/\"impl\": \"descent\"/\"impl\": \"$SIDE\"/" >> "$RESULTS"
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
print("\n| problem | dtype | batch | before samples/s (per round) | after samples/s (per round) | after / before (median) |")
print("|---|---|---|---|---|---|")
key = lambda k: (k[0], k[1], 10**12 if k[2] == "full" else int(k[2]))
for k in sorted(runs, key=key):
    a, b = runs[k].get("before", []), runs[k].get("after", [])
    if a and b:
        print(f"| {k[0]} | {k[1]} | {k[2]} | {' / '.join(f'{v:.3g}' for v in a)} | {' / '.join(f'{v:.3g}' for v in b)} | "
              f"**{statistics.median(b) / statistics.median(a):.2f}** |")
PY
