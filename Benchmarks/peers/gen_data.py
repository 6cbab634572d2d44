#!/usr/bin/env python3
"""Deterministic regression problems for the SGD-epoch throughput benchmark, as float32 .npy.

P1: X 262144×256, y = X·w* + 0.1·noise           (single output; X is 268 MB)
P2: X 65536×512,  Y = X·W* + 0.1·noise, 64 outputs (X is 134 MB)

Features are i.i.d. standard normal (already standardised), w*/W* entries N(0, 1/d), so every target
column has variance ≈ 1 and the least-squares noise floor of the MSE is 0.01. Fixed seeds: the same
files on every machine with the same numpy. Writes to a temporary name and renames, so an interrupted
run never leaves a half file. Usage: gen_data.py [DIR] (default /tmp/descent-throughput).
"""
import os
import sys
import time

import numpy as np

PROBLEMS = {"P1": (262144, 256, 1, 1), "P2": (65536, 512, 64, 2)}  # n, d, k, seed


def save(path, array):
    tmp = path + ".partial.npy"
    np.save(tmp, array)
    os.replace(tmp, path)


def generate(directory, name):
    n, d, k, seed = PROBLEMS[name]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d), dtype=np.float32)
    w = (rng.standard_normal((d, k)) / np.sqrt(d)).astype(np.float32)
    y = x @ w + np.float32(0.1) * rng.standard_normal((n, k), dtype=np.float32)
    save(os.path.join(directory, f"{name}_X.npy"), x)
    # One output is stored as a vector (n,), as a user's y usually is.
    save(os.path.join(directory, f"{name}_Y.npy"), y[:, 0].copy() if k == 1 else y)


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp/descent-throughput"
    os.makedirs(directory, exist_ok=True)
    for name in PROBLEMS:
        if all(os.path.exists(os.path.join(directory, f"{name}_{s}.npy")) for s in "XY"):
            continue
        start = time.perf_counter()
        generate(directory, name)
        print(f"gen_data: {name} written to {directory} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
