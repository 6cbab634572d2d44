#!/usr/bin/env bash
# `make throughput`: one epoch of shuffled SGD (momentum 0.9, MSE, linear model with bias) in Descent
# (Benchmarks/Sources/sgd-epoch) and in a plain C loop on the same OpenBLAS (peers/c_loop.c), NumPy,
# PyTorch (nn.Linear + MSELoss + optim.SGD) and scikit-learn (SGDRegressor, per sample), on
#   P1  X 1048576×256, 1 output, batches 32, 256, 1024, 8192, full
#   P2  X  262144×512, 64 outputs, batch 4096
#   P3  X  100000×100, 1 output, per sample (batch 1)
#   P1s the first 262144 rows of P1, Descent only: the scaling row (time per sample vs full P1)
# in float32 and float64, at 1 and 2 threads. Every configuration is its own process, one at a
# time; the order of the implementations rotates every round (peers/run_rounds.py). Then the
# identical-math check against torch.optim.SGD and the report (peers/make_tables.py).
#
#   Benchmarks/run-throughput.sh [THREADS...]      e.g. `run-throughput.sh 1`; default "1 2" (or $THREADS)
#
# Env (defaults):  ROUNDS (3 interleaved rounds)  REPS (2 timed epochs after 1 warm-up, per process)
#   DTYPES ("float32 float64")  IMPLS ("descent c-loop numpy torch sklearn")  PROBLEMS ("P1 P2 P3")
#   P1_BATCHES (32,256,1024,8192,full)  SKIP (rules impl:problem[:batches[:dtypes[:threads]]]; the default,
#   in peers/run_rounds.py, drops PyTorch at B = 32 and per sample, and on the P1 mini-batches keeps it
#   to float32 at 1 thread; SKIP="" runs everything)  SCALING (1; 0 drops the P1s rows)
#   CHECK (1; 0 skips the torch check)  DATA (/tmp/descent-throughput, 2.0 GB, generated when missing)
#   OUT (results, relative to Benchmarks/)  SGD_EPOCH (a prebuilt sgd-epoch: no swift build)
#   SCRATCH (swift build --scratch-path)  LIMITS_JSON (machine limits from `descent bench`, for the report)
#   OPENBLAS_CORETYPE (when unset and the system OpenBLAS falls back to its generic Prescott kernels on an
#   AVX-512 CPU it does not know, the script sets SkylakeX, the kernels NumPy's own OpenBLAS uses, and says
#   so; set OPENBLAS_CORETYPE=Prescott to measure the fallback)
# Output: $OUT/throughput.jsonl (raw JSON lines, rewritten each run) and $OUT/throughput.md (the report,
# also printed). Defaults: 357 processes, about 15–20 minutes on a 2-core machine (loading 1–2 GB per
# process is a good part of it); progress lines with elapsed minutes go to stderr.
set -euo pipefail
cd "$(dirname "$0")"
if [ $# -gt 0 ]; then THREADS="$*"; else THREADS=${THREADS:-"1 2"}; fi
ROUNDS=${ROUNDS:-3}
REPS=${REPS:-2}
DTYPES=${DTYPES:-"float32 float64"}
IMPLS=${IMPLS:-"descent c-loop numpy torch sklearn"}
P1_BATCHES=${P1_BATCHES:-32,256,1024,8192,full}
PROBLEMS=${PROBLEMS:-"P1 P2 P3"}
DATA=${DATA:-/tmp/descent-throughput}
OUT=${OUT:-results}
CHECK_BATCH=4096
BUILD=.build-peers/c-loop
mkdir -p "$OUT" "$BUILD"
RESULTS="$OUT/throughput.jsonl"
REPORT="$OUT/throughput.md"

python3 peers/gen_data.py "$DATA"

if [ -z "${SGD_EPOCH:-}" ]; then
    SWIFT_FLAGS=(-c release)
    [ -n "${SCRATCH:-}" ] && SWIFT_FLAGS+=(--scratch-path "$SCRATCH")
    echo "building sgd-epoch (swift build ${SWIFT_FLAGS[*]}) ..." >&2
    swift build "${SWIFT_FLAGS[@]}" --product sgd-epoch > "$BUILD/swift-build.log" 2>&1 \
        || { tail -30 "$BUILD/swift-build.log" >&2; echo "sgd-epoch did not build" >&2; exit 1; }
    SGD_EPOCH="$(swift build "${SWIFT_FLAGS[@]}" --show-bin-path)/sgd-epoch"
fi

# The C loop, once per scalar type, against the same system OpenBLAS Descent links.
BLAS_CFLAGS=$(pkg-config --cflags openblas 2>/dev/null || true)
BLAS_LIBS=$(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
for DT in float32 float64; do
    DEFINE=""; [ "$DT" = float64 ] && DEFINE=-DC_LOOP_DOUBLE
    # shellcheck disable=SC2086  # the pkg-config flags are word lists
    gcc -O3 -march=native -Wall -Wextra $DEFINE $BLAS_CFLAGS peers/c_loop.c -o "$BUILD/c-loop-$DT" $BLAS_LIBS \
        || { echo "c_loop.c ($DT) did not build: the C loop will be skipped" >&2; rm -f "$BUILD/c-loop-$DT"; }
done

blas_core() {
    python3 -c 'import ctypes
l = ctypes.CDLL("libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p
print(l.openblas_get_corename().decode())' 2>/dev/null || echo unknown
}
CORE=$(blas_core)
if [ -z "${OPENBLAS_CORETYPE+set}" ] && [ "$CORE" = Prescott ] && grep -qw avx512f /proc/cpuinfo; then
    export OPENBLAS_CORETYPE=SkylakeX
    echo "note: the system OpenBLAS does not know this CPU and would run its generic Prescott (SSE3) kernels;" \
         "this run sets OPENBLAS_CORETYPE=SkylakeX for every process (Descent, the C loop and the peers)" >&2
    CORE=$(blas_core)
fi
echo "system OpenBLAS core: $CORE; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The machine's limits in the same session, from `descent bench` (the report gives Descent's share of them).
if [ -z "${LIMITS_JSON:-}" ]; then
    LIMITS_JSON="$OUT/limits.json"
    echo "measuring the machine's limits (descent bench) ..." >&2
    if (cd .. && swift build -c release --product descent > "Benchmarks/$BUILD/descent-build.log" 2>&1); then
        python3 peers/bench_limits.py "$(cd .. && swift build -c release --show-bin-path)/descent" "$LIMITS_JSON" 2>/dev/null \
            || { echo "descent bench failed: no limits in the report" >&2; LIMITS_JSON=""; }
    else
        echo "descent did not build: no limits in the report" >&2; LIMITS_JSON=""
    fi
fi
export LIMITS_JSON

: > "$RESULTS"
FLAGS=()
[ "${SCALING:-1}" = 0 ] && FLAGS+=(--no-scaling)
[ -n "${SKIP+set}" ] && FLAGS+=(--skip "$SKIP")
python3 peers/run_rounds.py --data "$DATA" --out "$RESULTS" --descent "$SGD_EPOCH" --c-loop "$BUILD/c-loop-" \
    --threads "$THREADS" --rounds "$ROUNDS" --reps "$REPS" --dtypes "$DTYPES" --impls "$IMPLS" \
    --p1-batches "$P1_BATCHES" --problems "$PROBLEMS" "${FLAGS[@]}"

# Identical math: same start (0), file order, one epoch at batch 4096; Descent vs torch.optim.SGD.
# On P1s (not P1) to keep it short; it exercises the same code path.
if [ "${CHECK:-1}" != 0 ]; then
    for P in P1s P2; do
        Y=y; [ "$P" = P2 ] && Y=Y
        for DT in $DTYPES; do
          for T in $THREADS; do   # the split of a batch over threads changes the sums' order: check every count
            THETA=$(mktemp --suffix=.npy)
            if OPENBLAS_NUM_THREADS=1 "$SGD_EPOCH" --x "$DATA/${P}_X.npy" --y "$DATA/${P}_$Y.npy" --problem "$P" --dtype "$DT" --threads "$T" \
                    --batches "$CHECK_BATCH" --lr 0.01 --momentum 0.9 --check-out "$THETA" 2>/dev/null; then
                STATUS=0
                OPENBLAS_NUM_THREADS=1 python3 peers/check_torch.py --x "$DATA/${P}_X.npy" --y "$DATA/${P}_$Y.npy" \
                    --descent "$THETA" --batch "$CHECK_BATCH" --dtype "$DT" --lr 0.01 --momentum 0.9 --problem "$P" \
                    --descent-threads "$T" >> "$RESULTS" || STATUS=$?
                case $STATUS in
                    0) ;;
                    3) echo "identical-math check skipped: torch is not installed" >&2; rm -f "$THETA"; break 3 ;;
                    *) echo "identical-math check $P $DT: Descent and torch.optim.SGD DISAGREE (see the report)" >&2 ;;
                esac
            else
                echo "identical-math check $P $DT threads $T: sgd-epoch --check-out failed" >&2
            fi
            rm -f "$THETA"
          done
        done
    done
fi

python3 peers/make_tables.py "$RESULTS" > "$REPORT"
cat "$REPORT"
echo "raw: $RESULTS; report: $REPORT" >&2
