#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer + AddressSanitizer) and runs each in turn; `make fuzz` calls it.
# See docs/fuzzing.md.
#
#   Fuzz/run.sh [build | run | all] [target …]      (default: all, every target)
#
# Targets: csv npy model checkpoint checkpoint-sealed schedule optimizer svmlight npz.
# Environment:
#   FUZZ_SECONDS  seconds per target (default 60), unless
#   FUZZ_RUNS     inputs per target (libFuzzer -runs=N; takes precedence over FUZZ_SECONDS)
#   FUZZ_MAX_LEN  longest input in bytes (default 4096)
#   FUZZ_FLAGS    more libFuzzer flags (e.g. "-seed=1 -jobs=2")
#   SWIFT         the swift driver (default swift)
# Each target fuzzes from its committed seeds (Corpus/<target>) into a working corpus that grows
# between runs (.work/corpus/<target>, git-ignored); a crashing input is written to
# .work/artifacts/<target>/ and the run's log to .work/logs/<target>.log. Prints, per target, the
# inputs executed and the crashes, then "N passed, M failed"; exits non-zero when a target failed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
SWIFT="${SWIFT:-swift}"
all_targets=(csv npy model checkpoint checkpoint-sealed schedule optimizer svmlight npz)

mode=all
case "${1:-}" in build|run|all) mode="$1"; shift ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "run.sh: unknown target '$t' (targets: ${all_targets[*]})" >&2; exit 64; }
done

# Every Swift module (this package's and Descent's) gets AddressSanitizer and libFuzzer's coverage
# instrumentation; the C targets get the same from clang. `-sanitize=fuzzer` itself is given only to
# the fuzz executables' link (Package.swift): on every module it would also link libFuzzer's main()
# into Descent's build-tool plugin executable, whose link then fails. The plugin tool runs under
# ASan during the build, hence detect_leaks=0 there.
build_flags=(-c release
  -Xswiftc -sanitize=address
  -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table
  -Xcc -fsanitize=fuzzer-no-link,address)

if [ "$mode" != run ]; then
  echo "building the fuzz targets (swift build ${build_flags[*]})"
  if ! ASAN_OPTIONS=detect_leaks=0 "$SWIFT" build "${build_flags[@]}"; then
    echo "0 passed, ${#targets[@]} failed (the build failed)"
    exit 1
  fi
fi
[ "$mode" = build ] && exit 0
bin="$("$SWIFT" build "${build_flags[@]}" --show-bin-path)"

# The readers' "cannot allocate" paths must see a null from the allocator, as they would without
# ASan; a smaller quarantine and shorter allocation stacks keep the 1 MiB read buffers cheap.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allocator_may_return_null=1:quarantine_size_mb=64:malloc_context_size=8}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
limit=(-max_total_time="${FUZZ_SECONDS:-60}")
[ -n "${FUZZ_RUNS:-}" ] && limit=(-runs="$FUZZ_RUNS")

passed=0; failed=0
mkdir -p .work
printf '%-18s %12s %8s  %s\n' target executed crashes result
for t in "${targets[@]}"; do
  corpus=".work/corpus/$t" artifacts=".work/artifacts/$t" log=".work/logs/$t.log"
  mkdir -p "$corpus" "$artifacts" .work/logs
  before=$(ls "$artifacts" | wc -l)
  # shellcheck disable=SC2086
  "$bin/fuzz-$t" "${limit[@]}" -max_len="${FUZZ_MAX_LEN:-4096}" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} "$corpus" "Corpus/$t" >"$log" 2>&1
  status=$?
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$executed" ] || executed=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  crashes=$(( $(ls "$artifacts" | wc -l) - before ))
  if [ "$status" -eq 0 ] && [ "$crashes" -eq 0 ]; then
    result=passed; passed=$((passed + 1))
  else
    result="FAILED (exit $status; $log, $artifacts/)"; failed=$((failed + 1))
    [ "$crashes" -gt 0 ] || crashes=1
  fi
  printf '%-18s %12s %8s  %s\n' "$t" "${executed:-?}" "$crashes" "$result"
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$t" "${executed:-?}" "$crashes" "$result" >> .work/results.tsv
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
