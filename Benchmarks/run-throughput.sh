#!/usr/bin/env bash
# One epoch of shuffled mini-batch SGD (momentum 0.9, squared error, linear model with bias) in Descent
# and in NumPy, PyTorch and scikit-learn, on the same .npy problems with the same BLAS thread count,
# one benchmark process at a time; then one markdown table per problem and the identical-math check.
#
#   Benchmarks/run-throughput.sh [THREADS] [REPS]        (defaults: 1 thread, 3 timed epochs)
#
# Env: DATA (default /tmp/descent-throughput), DTYPES (default "float32 float64"), BATCHES
# (default 32,256,1024,8192,full), PEERS (default "numpy torch sklearn"), OUT (results folder,
# default Benchmarks/results). Raw JSON lines go to $OUT/throughput-${THREADS}t.jsonl.
set -euo pipefail
cd "$(dirname "$0")"
THREADS=${1:-1}
REPS=${2:-3}
DATA=${DATA:-/tmp/descent-throughput}
DTYPES=${DTYPES:-"float32 float64"}
BATCHES=${BATCHES:-32,256,1024,8192,full}
PEERS=${PEERS:-"numpy torch sklearn"}
OUT=${OUT:-results}
LR=0.01          # PyTorch MSELoss learning rate; Descent runs the equivalent η = 2·lr/k
LR_PER_SAMPLE=0.001  # batch 1 (P1 only): lr 0.01 diverges per sample (η‖x‖² ≈ 5 > 2)
# Batch 1 runs without momentum everywhere: scikit-learn has none, and with 0.9 it diverges at this lr.
CHECK_BATCH=4096
mkdir -p "$OUT"
RESULTS="$OUT/throughput-${THREADS}t.jsonl"
: > "$RESULTS"

python3 peers/gen_data.py "$DATA"
swift build -c release --product sgd-epoch 2>&1 | grep -E "error|warning: unre|Build" >&2
BIN="$(swift build -c release --show-bin-path)/sgd-epoch"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

for P in P1 P2; do
    X="$DATA/${P}_X.npy"; Y="$DATA/${P}_Y.npy"
    for DT in $DTYPES; do
        "$BIN" --x "$X" --y "$Y" --problem "$P" --dtype "$DT" --threads "$THREADS" --batches "$BATCHES" \
            --reps "$REPS" --lr "$LR" --momentum 0.9 >> "$RESULTS" || echo "descent $P $DT failed" >&2
        for PEER in $PEERS; do
            [ "$PEER" = sklearn ] && continue
            python3 peers/peers.py --peer "$PEER" --x "$X" --y "$Y" --problem "$P" --dtype "$DT" \
                --threads "$THREADS" --batches "$BATCHES" --reps "$REPS" --lr "$LR" --momentum 0.9 >> "$RESULTS" || echo "$PEER $P $DT failed" >&2
        done
        if [ "$P" = P1 ]; then  # per-sample SGD, where scikit-learn's SGDRegressor is the natural peer
            "$BIN" --x "$X" --y "$Y" --problem "$P" --dtype "$DT" --threads "$THREADS" --batches 1 \
                --reps "$REPS" --lr "$LR_PER_SAMPLE" --momentum 0 >> "$RESULTS" || echo "descent batch 1 failed" >&2
            for PEER in $PEERS; do
                [ "$PEER" = torch ] && continue   # ~60 µs per step: 16 s an epoch, not informative
                python3 peers/peers.py --peer "$PEER" --x "$X" --y "$Y" --problem "$P" --dtype "$DT" \
                    --threads "$THREADS" --batches 1 --reps "$REPS" --lr "$LR_PER_SAMPLE" --momentum 0 >> "$RESULTS" || echo "$PEER batch 1 failed" >&2
            done
        fi
    done
done

# Identical math: same start (0), same batch order (file order), one epoch; Descent vs torch.optim.SGD.
for P in P1 P2; do
    for DT in $DTYPES; do
        THETA="$OUT/check-${P}-${DT}.npy"
        "$BIN" --x "$DATA/${P}_X.npy" --y "$DATA/${P}_Y.npy" --problem "$P" --dtype "$DT" --threads "$THREADS" \
            --batches "$CHECK_BATCH" --lr "$LR" --momentum 0.9 --check-out "$THETA"
        python3 peers/check_torch.py --x "$DATA/${P}_X.npy" --y "$DATA/${P}_Y.npy" --descent "$THETA" \
            --batch "$CHECK_BATCH" --dtype "$DT" --lr "$LR" --momentum 0.9 --problem "$P" >> "$RESULTS" || true
        rm -f "$THETA"
    done
done

echo "load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "OpenBLAS core (Descent): $(grep -m1 -o '"core": "[^"]*"' "$RESULTS" | cut -d'"' -f4); Descent/peer > 1 means Descent is faster."
echo "batch 1 rows: plain per-sample SGD (momentum 0) in every library, lr $LR_PER_SAMPLE (MSELoss units; sklearn eta0 = 2·lr)."
python3 peers/make_tables.py "$RESULTS"
