#!/usr/bin/env python3
"""Fixed-seed regression problems for `make throughput`, written as float32 .npy files.

    gen_data.py [DIR]        (default /tmp/descent-throughput; 2.0 GB in all, 1.7 GB without P1s)

    P1   X 1048576×256  y (1048576,)    one output            X is 1.07 GB
    P2   X  262144×512  Y (262144, 64)  64 outputs            X is 0.54 GB
    P3   X  100000×100  y (100000,)     one output, per-sample SGD
    P1s  the first 262144 rows of P1 (the scaling row: time per sample at n = 262k vs 1M)

Features: i.i.d. standard normal, then standardised per column (mean 0, standard deviation 1, the
statistics accumulated in float64). Targets: y = X·W* + 0.1·ε with W* entries N(0, 1/d), so each
target column has variance ≈ 1 and the least-squares MSE floor is 0.01 (½·mean r² = 0.005 in
Descent's loss units). Same seeds, same numpy → the same files on every machine.

A file is rewritten only when it is missing or has the wrong shape, and always through a temporary
name and a rename, so an interrupted run never leaves a truncated file behind.
"""
import os
import sys
import time

import numpy as np

# name: (rows, features, outputs, seed)
PROBLEMS = {
    "P1": (1_048_576, 256, 1, 20261),
    "P2": (262_144, 512, 64, 20262),
    "P3": (100_000, 100, 1, 20263),
}
SUBSETS = {"P1s": ("P1", 262_144)}  # name: (source problem, leading rows)
CHUNK = 1 << 16  # rows per pass when standardising


def target_name(name):
    """y for one output (stored as a vector, as users usually have it), Y for several."""
    k = PROBLEMS[SUBSETS[name][0] if name in SUBSETS else name][2]
    return "y" if k == 1 else "Y"


def paths(directory, name):
    return (os.path.join(directory, f"{name}_X.npy"),
            os.path.join(directory, f"{name}_{target_name(name)}.npy"))


def expected_shapes(name):
    if name in SUBSETS:
        source, rows = SUBSETS[name]
        _, d, k, _ = PROBLEMS[source]
        n = rows
    else:
        n, d, k, _ = PROBLEMS[name]
    return (n, d), ((n,) if k == 1 else (n, k))


def present(directory, name):
    """True when both files exist with the expected shapes and dtype float32."""
    for path, shape in zip(paths(directory, name), expected_shapes(name)):
        try:
            a = np.load(path, mmap_mode="r")
        except (OSError, ValueError):
            return False
        if a.shape != shape or a.dtype != np.float32:
            return False
    return True


def save(path, array):
    partial = path + ".partial.npy"
    np.save(partial, np.ascontiguousarray(array))
    os.replace(partial, path)


def standardise(x):
    """Column-wise (x − mean)/std in place, with float64 statistics (two passes, chunked)."""
    n = x.shape[0]
    total = np.zeros(x.shape[1])
    for s in range(0, n, CHUNK):
        total += x[s:s + CHUNK].sum(axis=0, dtype=np.float64)
    mean = total / n
    squares = np.zeros(x.shape[1])
    for s in range(0, n, CHUNK):
        c = x[s:s + CHUNK] - mean
        squares += (c * c).sum(axis=0)
    scale = 1 / np.sqrt(squares / n)
    for s in range(0, n, CHUNK):
        x[s:s + CHUNK] = ((x[s:s + CHUNK] - mean) * scale).astype(np.float32)


def generate(directory, name):
    n, d, k, seed = PROBLEMS[name]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d), dtype=np.float32)
    standardise(x)
    w = (rng.standard_normal((d, k)) / np.sqrt(d)).astype(np.float32)
    y = x @ w
    y += np.float32(0.1) * rng.standard_normal((n, k), dtype=np.float32)
    x_path, y_path = paths(directory, name)
    save(x_path, x)
    save(y_path, y[:, 0] if k == 1 else y)


def make_subset(directory, name):
    source, rows = SUBSETS[name]
    for src, dst in zip(paths(directory, source), paths(directory, name)):
        save(dst, np.load(src, mmap_mode="r")[:rows])


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp/descent-throughput"
    os.makedirs(directory, exist_ok=True)
    for name in list(PROBLEMS) + list(SUBSETS):
        if present(directory, name):
            continue
        start = time.perf_counter()
        (make_subset if name in SUBSETS else generate)(directory, name)
        print(f"gen_data: {name} written to {directory} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
