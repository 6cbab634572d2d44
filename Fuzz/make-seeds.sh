#!/usr/bin/env bash
# Rewrites the generated part of the seed corpus: model files and checkpoints written by the built
# `descent` (Corpus/model, Corpus/checkpoint, Corpus/checkpoint-sealed), on the training data of the
# checkpoint targets' resumed run (written by a checkpoint target itself, so the seeds' fingerprints
# match what the targets resume), and the svmlight seeds taken from the test fixtures
# (Corpus/svmlight/fixture-*.svm) and the .npz fixtures (Corpus/npz). The other seeds (CSV, .npy, schedule and optimizer texts, the
# other svmlight files) are hand-made files kept as they are.
#
#   Fuzz/make-seeds.sh <descent binary> <fuzz-checkpoint binary>
#
# e.g. after `swift build -c release --product descent --scratch-path /tmp/fuzz-cli` in the
# repository and `Fuzz/run.sh build`:
#   Fuzz/make-seeds.sh /tmp/fuzz-cli/release/descent Fuzz/.build/release/fuzz-checkpoint
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
descent="$(realpath "$1")"
harness="$(realpath "$2")"
work="$(mktemp -d)"
for f in "$here"/../Tests/DataFilesTests/Fixtures/sparse/*.svm; do cp "$f" "$here/Corpus/svmlight/fixture-$(basename "$f")"; done
cp "$here"/../Tests/DataFilesTests/Fixtures/sparse/*.npz "$here/Corpus/npz/"
trap 'rm -rf "$work"' EXIT
cd "$work"

ASAN_OPTIONS=detect_leaks=0 DESCENT_FUZZ_WRITE_DATA="$work/data.csv" "$harness" >/dev/null 2>&1 || true
[ -s data.csv ] || { echo "make-seeds: $harness did not write the training data" >&2; exit 1; }

train() { "$descent" train --quiet --data data.csv --threads 1 "$@" >/dev/null; }

models="$here/Corpus/model"
rm -f "$models"/*.json
train --epochs 2 --output "$models/linear.json"
train --epochs 2 --no-intercept --output "$models/linear-no-intercept.json"
train --epochs 2 --model mlp --hidden 4,3 --seed 1 --initial random --output "$models/mlp.json"
train --epochs 2 --standardize all --output "$models/standardized.json"
train --epochs 2 --dtype float --loss huber:1 --output "$models/float-huber.json"
train --epochs 2 --target y --target x3 --standardize features --output "$models/two-targets.json"

checkpoints="$here/Corpus/checkpoint"
rm -f "$checkpoints"/*.json
# The resumed run's own settings (`descent train`'s defaults): these resume under the fingerprint check.
train --epochs 2 --checkpoint "$checkpoints/sgd.json"
train --epochs 1 --checkpoint "$checkpoints/sgd-epoch1.json"
# Other optimizers: the targets resume them into a run with that optimizer (no fingerprint check).
for o in "sgd:momentum=0.9,nesterov,weight_decay=1e-4" "mml-sgd:momentum=0.5" adadelta dog ldog dadapt-sgd schedule-free lfm; do
  train --epochs 2 --optimizer "$o" --checkpoint "$checkpoints/${o%%:*}$([ "$o" = "${o%%:*}" ] || echo -fields).json"
done
# Other loop states: early stopping with validation, averaging, a schedule with metrics, float, an mlp.
train --epochs 2 --validation-split 0.25 --early-stopping 1 --checkpoint "$checkpoints/early-stopping.json"
train --epochs 2 --average-from 0 --schedule plateau:patience=1 --checkpoint "$checkpoints/averaged-plateau.json"
train --epochs 2 --dtype float --checkpoint "$checkpoints/float.json"
train --epochs 2 --model mlp --hidden 3 --checkpoint "$checkpoints/mlp.json"

sealed="$here/Corpus/checkpoint-sealed"
rm -f "$sealed"/*.json
cp "$checkpoints"/*.json "$sealed"/
ls -l "$models" "$checkpoints" | awk 'NF > 5 { print $5, $9 }'
