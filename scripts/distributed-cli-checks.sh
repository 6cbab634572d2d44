#!/usr/bin/env bash
# The command-line checks of distributed training, run by .ci/run after the in-process checks:
#   scripts/distributed-cli-checks.sh PLAIN_DESCENT MPI_DESCENT MPI_CHECKS
# PLAIN_DESCENT is a build without the MPI trait, MPI_DESCENT and MPI_CHECKS (the DistributedChecks
# executable) builds with it. Prints one line per check and "N passed, M failed"; exit 1 on a failure.
set -uo pipefail
plain=$1; mpi=$2; checks=$3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
launch=(mpirun --oversubscribe --mca btl self,vader)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
result() {   # result NAME STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok    $1"; else failed=$((failed + 1)); echo "FAIL  $1  ${3:-}"; fi
}

"$checks" --write-npy "$work" || { echo "cannot write the test data"; exit 1; }
data=(--data "$work/x.npy" --targets "$work/y.npy")
common=(--epochs 6 --batch-size 64 --momentum 0.9 --lr 0.05 --quiet)

# 1. -np 1 with the trait equals the build without it, bit for bit (Float and Double).
for dtype in float double; do
  "$plain" train "${data[@]}" "${common[@]}" --dtype $dtype --output "$work/plain-$dtype.json" >/dev/null 2>&1
  "${launch[@]}" -np 1 "$mpi" train --distributed "${data[@]}" "${common[@]}" --dtype $dtype --output "$work/np1-$dtype.json" >/dev/null 2>&1
  "$checks" --same-model "$work/plain-$dtype.json" "$work/np1-$dtype.json" >/dev/null 2>&1
  result "-np 1 --distributed equals the build without MPI ($dtype)" $?
done

# 2. SIGKILL of the whole job after a checkpoint, then resume: bit-identical to an uninterrupted 2-process run.
for mode in exact sharded; do
  run=("${launch[@]}" -np 2 "$mpi" train --distributed --sharding $mode "${data[@]}" "${common[@]}")
  "${run[@]}" --output "$work/straight-$mode.json" >/dev/null 2>&1
  rm -f "$work/ck-$mode"
  setsid "${run[@]}" --checkpoint "$work/ck-$mode" --checkpoint-every 1 --epoch-delay 0.4 --output "$work/killed-$mode.json" \
    >/dev/null 2>&1 &
  job=$!
  for _ in $(seq 100); do
    [ -f "$work/ck-$mode" ] && grep -q '"epoch" *: *[2-9]' "$work/ck-$mode" 2>/dev/null && break
    sleep 0.1
  done
  kill -9 -- -"$job" 2>/dev/null; wait "$job" 2>/dev/null
  status=1
  if [ -f "$work/ck-$mode" ] && [ ! -f "$work/killed-$mode.json" ]; then
    "${run[@]}" --checkpoint "$work/ck-$mode" --resume "$work/ck-$mode" --output "$work/resumed-$mode.json" >/dev/null 2>&1 &&
      "$checks" --same-model "$work/straight-$mode.json" "$work/resumed-$mode.json" >/dev/null 2>&1
    status=$?
  fi
  result "SIGKILL after a checkpoint, resume on 2 processes ($mode): bit-identical" $status
done

# 3. Resuming on another process count: exact continues (with a note), sharded refuses.
"${launch[@]}" -np 1 "$mpi" train --distributed "${data[@]}" "${common[@]}" --checkpoint "$work/ck-exact" --resume "$work/ck-exact" \
  --output "$work/other-n.json" 2>"$work/other-n.err" >/dev/null
status=$?
grep -q "written by 2 processes, this run has 1" "$work/other-n.err"
result "exact checkpoint from 2 processes resumes on 1, with a note" $(( status != 0 || $? != 0 ))
"${launch[@]}" -np 1 "$mpi" train --distributed --sharding sharded "${data[@]}" "${common[@]}" --checkpoint "$work/ck-sharded" \
  --resume "$work/ck-sharded" 2>"$work/sharded-n.err" >/dev/null
status=$?
grep -q "resumes only on 2" "$work/sharded-n.err"
result "sharded checkpoint from 2 processes refused on 1" $(( status == 0 || $? != 0 )) "$(cat "$work/sharded-n.err")"

# 4. Bad data on one process (a NaN in process 1's shard): every process exits with an error, none hangs.
start=$(date +%s)
timeout 60 "${launch[@]}" -np 2 "$mpi" train --distributed --sharding sharded --data "$work/bad-x.npy" --targets "$work/y.npy" \
  "${common[@]}" --output "$work/bad.json" >"$work/bad.out" 2>"$work/bad.err"
status=$?
elapsed=$(( $(date +%s) - start ))
ok=1
[ $status -ne 0 ] && [ $status -ne 124 ] && grep -q "^error: process 1: .*bad-x.npy.*row 1990 (0-based), feature column 2 is nan" "$work/bad.err" &&
  grep -q "^error: process 1 of the distributed run failed" "$work/bad.err" && [ ! -f "$work/bad.json" ] && ok=0
result "a bad file on one process ends every process with an error (${elapsed}s, status $status)" $ok "$(cat "$work/bad.err")"

# 5. Without the trait, --distributed is one error line; under mpirun without --distributed, a warning.
"$plain" train --distributed --epochs 1 2>"$work/no-mpi.err" >/dev/null
status=$?
[ $status -ne 0 ] && [ "$(wc -l <"$work/no-mpi.err")" -eq 1 ] && grep -q "^error: .*--traits MPI" "$work/no-mpi.err"
result "--distributed without the MPI trait: one error line naming the fix" $?
"${launch[@]}" -np 2 "$mpi" train --epochs 1 --quiet 2>"$work/copies.err" >/dev/null
grep -q "2 independent copies" "$work/copies.err"
result "mpirun without --distributed warns about independent copies" $?

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
