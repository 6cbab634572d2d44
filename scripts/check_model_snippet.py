#!/usr/bin/env python3
"""Checks the numpy code of docs/model-file.md ("Predicting with numpy") against `descent predict`.

Trains four small models with the given `descent` binary (a linear model on standardised features
and targets with missing values filled, an MLP, a logistic classifier with -1/1 labels and a
softmax classifier with labels 1, 2, 3), then for new rows compares the snippet's `predict`,
`predict_proba` and `predict_classes` with `descent predict`, `--proba` and `--classes`.
Prints "N passed, M failed" and exits with status 1 when a comparison fails.

Usage: scripts/check_model_snippet.py --binary .build/debug/descent
"""
import argparse
import csv
import io
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def snippet_namespace():
    """Runs the first python block after the "Predicting with numpy" heading of docs/model-file.md."""
    with open(os.path.join(ROOT, "docs", "model-file.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("## Predicting with numpy", 1)
    if len(section) != 2:
        sys.exit("docs/model-file.md has no section \"Predicting with numpy\"")
    match = re.search(r"```python\n(.*?)```", section[1], re.S)
    if not match:
        sys.exit("docs/model-file.md: no python block in \"Predicting with numpy\"")
    namespace = {}
    exec(compile(match.group(1), "docs/model-file.md", "exec"), namespace)
    return namespace


def run(binary, args, cwd):
    result = subprocess.run([binary] + args, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"descent {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result.stdout


def read_csv_output(text, numeric=True):
    rows = list(csv.reader(io.StringIO(text)))
    body = rows[1:]
    return np.array([[float(v) for v in r] for r in body]) if numeric else body


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join("" if (isinstance(v, float) and np.isnan(v)) else repr(v) for v in r) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    ns = snippet_namespace()
    rng = np.random.default_rng(5)
    passed, failed = 0, 0

    def check(name, ours, theirs, exact=False):
        nonlocal passed, failed
        ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
        ok = ours.shape == theirs.shape and (np.array_equal(ours, theirs) if exact
                                             else np.allclose(ours, theirs, rtol=1e-9, atol=1e-12))
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAILED {name}:\n  snippet {ours.tolist()}\n  descent {theirs.tolist()}")

    with tempfile.TemporaryDirectory() as d:
        # Regression, with an empty cell in training and in the new rows (--fill-missing mean).
        x = rng.normal(size=(200, 3)) * [1, 10, 0.1] + [0, 5, -1]
        y = x @ [2, -0.3, 7] + 4 + 0.1 * rng.normal(size=200)
        rows = [list(map(float, r)) + [float(t)] for r, t in zip(x, y)]
        rows[3][1] = float("nan")
        write_csv(os.path.join(d, "reg.csv"), ["a", "b", "c", "y"], rows)
        new = rng.normal(size=(6, 3)) * [1, 10, 0.1] + [0, 5, -1]
        new_rows = [list(map(float, r)) for r in new]
        new_rows[2][0] = float("nan")
        write_csv(os.path.join(d, "new.csv"), ["a", "b", "c"], new_rows)
        new_x = np.array(new_rows)
        run(binary, ["train", "--data", "reg.csv", "--target", "y", "--standardize", "all", "--fill-missing", "mean",
                     "--epochs", "3", "--lr", "0.05", "--output", "linear.json", "--quiet"], d)
        model = ns["load_model"](os.path.join(d, "linear.json"))
        check("linear predict", ns["predict"](model, new_x),
              read_csv_output(run(binary, ["predict", "--model", "linear.json", "--data", "new.csv"], d)))

        # An MLP on the same data (rows with a missing cell dropped).
        run(binary, ["train", "--data", "reg.csv", "--target", "y", "--standardize", "all", "--drop-missing",
                     "--model", "mlp", "--hidden", "5,4", "--epochs", "3", "--lr", "0.05", "--output", "mlp.json", "--quiet"], d)
        complete = new_x[~np.isnan(new_x).any(axis=1)]
        write_csv(os.path.join(d, "complete.csv"), ["a", "b", "c"], [list(map(float, r)) for r in complete])
        model = ns["load_model"](os.path.join(d, "mlp.json"))
        check("mlp predict", ns["predict"](model, complete),
              read_csv_output(run(binary, ["predict", "--model", "mlp.json", "--data", "complete.csv"], d)))

        # Logistic regression with labels -1 and 1.
        z = x @ [1.5, -0.2, 3] + 0.5
        labels = np.where(rng.random(200) < 1 / (1 + np.exp(-z)), 1.0, -1.0)
        write_csv(os.path.join(d, "bin.csv"), ["a", "b", "c", "label"],
                  [list(map(float, r)) + [float(t)] for r, t in zip(np.nan_to_num(x), labels)])
        run(binary, ["train", "--data", "bin.csv", "--target", "label", "--loss", "logistic", "--standardize", "features",
                     "--epochs", "3", "--lr", "0.5", "--output", "logistic.json", "--quiet"], d)
        model = ns["load_model"](os.path.join(d, "logistic.json"))
        check("logistic predict", ns["predict"](model, complete),
              read_csv_output(run(binary, ["predict", "--model", "logistic.json", "--data", "complete.csv"], d)))
        check("logistic --proba", ns["predict_proba"](model, complete),
              read_csv_output(run(binary, ["predict", "--model", "logistic.json", "--data", "complete.csv", "--proba"], d)))
        check("logistic --classes", ns["predict_classes"](model, complete),
              read_csv_output(run(binary, ["predict", "--model", "logistic.json", "--data", "complete.csv", "--classes"], d))[:, 0],
              exact=True)

        # Softmax with labels 1, 2, 3.
        scores = x @ np.array([[1, -1, 0], [0.1, 0, -0.1], [2, 0, -2]])
        classes = scores.argmax(axis=1) + 1.0
        write_csv(os.path.join(d, "multi.csv"), ["a", "b", "c", "label"],
                  [list(map(float, r)) + [float(t)] for r, t in zip(np.nan_to_num(x), classes)])
        run(binary, ["train", "--data", "multi.csv", "--target", "label", "--loss", "softmax-cross-entropy",
                     "--standardize", "features", "--epochs", "3", "--lr", "0.5", "--output", "softmax.json", "--quiet"], d)
        model = ns["load_model"](os.path.join(d, "softmax.json"))
        check("softmax predict", ns["predict"](model, complete),
              read_csv_output(run(binary, ["predict", "--model", "softmax.json", "--data", "complete.csv"], d)))
        check("softmax --proba", ns["predict_proba"](model, complete),
              read_csv_output(run(binary, ["predict", "--model", "softmax.json", "--data", "complete.csv", "--proba"], d)))
        check("softmax --classes", ns["predict_classes"](model, complete),
              read_csv_output(run(binary, ["predict", "--model", "softmax.json", "--data", "complete.csv", "--classes"], d))[:, 0],
              exact=True)

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
