#!/usr/bin/env python3
"""One SGD epoch (momentum, MSE, linear model with bias) in one Python library, one process per run.

    peers.py --peer numpy|torch|sklearn --x X.npy --y y.npy --problem P1 --threads 1 \
             [--dtype float32|float64] [--batches 32,256,full] [--reps 3] [--lr 0.01] [--momentum 0.9] [--seed 42]

Same flags and the same JSON line per batch size on stdout as sgd-epoch and c_loop.c (plus the list of
epoch times); a readable line on stderr. Exit status 3: the library is not installed.

The update is torch.optim.SGD's on MSELoss (the mean over B·k):
    R = X_B·Wᵀ + b − Y_B,  G = 2/(B·k)·(Rᵀ·X_B, Σ_i r_i),  V ← μV + G (V = G on the first step),  θ ← θ − lr·V
from W = b = 0, 1 warm-up epoch + `reps` timed epochs (training continues across them); an epoch is a
fresh permutation (timed) + ⌈n/B⌉ steps; "full" is one step on all rows, read in place.

* numpy: a careful hand-written loop: `np.take(..., out=)` into preallocated buffers, matmul (a gemv for
  k = 1), in-place momentum. Batch 1 (k = 1) is a per-sample loop on row views: one dot, in-place axpys.
* torch: idiomatic `nn.Linear` + `nn.MSELoss` + `optim.SGD(momentum=μ)`, batches `X[idx]` from
  `torch.randperm(n).split(B)`, `torch.set_num_threads(threads)`.
* sklearn: `SGDRegressor` is per-sample SGD without momentum on ½r², so it runs batch 1 only, with
  eta0 = 2·lr (the same step as MSELoss per sample, no momentum) and `warm_start=True` so each fit()
  call is one more epoch from where the last one stopped (fit's input validation is inside the timing:
  it is what a user pays). It computes in the input's dtype (float32 via its `_plain_sgd32`).
"""
import argparse
import json
import os
import sys
import time


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--peer", required=True, choices=["numpy", "torch", "sklearn"])
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p.add_argument("--problem", default="P1")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--batches", default="32,256,1024,8192,full")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--seed", type=int, default=42)
    return p.parse_args()


ARGS = parse()
# BLAS thread pools size themselves when the library loads, so this must come before the imports.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402


def read_npy(path, dtype, slice_rows=1 << 16):
    """A C-order .npy file into a new array of `dtype`, converted in slices: peak memory = the result."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, stored = header(f)
        assert not fortran, f"{path}: Fortran order"
        out = np.empty(shape, dtype)
        if stored == out.dtype:
            f.readinto(memoryview(out.reshape(-1)).cast("B"))
        else:
            rows = out.reshape(shape[0], -1)
            part = np.empty((slice_rows, rows.shape[1]), stored)
            for s in range(0, shape[0], slice_rows):
                m = min(slice_rows, shape[0] - s)
                f.readinto(memoryview(part[:m].reshape(-1)).cast("B"))
                rows[s:s + m] = part[:m]
    return out


def load():
    arrays = [read_npy(path, ARGS.dtype) for path in (ARGS.x, ARGS.y)]
    return [a[:, None] if a.ndim == 1 else a for a in arrays]


def half_mse(pred, y):
    """Descent's loss units, ½·mean_i Σ_k r², in float64: a cross-check that every run did the same work."""
    total = 0.0
    for s in range(0, y.shape[0], 65536):
        r = pred[s:s + 65536].astype(np.float64) - y[s:s + 65536]
        total += float(np.sum(r * r))
    return 0.5 * total / y.shape[0]


def numpy_peer(x, y):
    n, d = x.shape
    k = y.shape[1]
    dt = x.dtype.type
    rng = np.random.default_rng(ARGS.seed)
    lr, mu = dt(ARGS.lr), dt(ARGS.momentum)

    def fresh(b):
        m = min(b, n)
        zeros = lambda *shape: np.zeros(shape, x.dtype)  # noqa: E731
        return {"w": zeros(k, d), "b": zeros(k), "vw": zeros(k, d), "vb": zeros(k), "r": np.empty((m, k), x.dtype),
                "xb": np.empty((m, d), x.dtype) if b < n else None, "yb": np.empty((m, k), x.dtype)}

    def step(s, xb, yb):
        m = xb.shape[0]
        r = s["r"][:m]
        np.matmul(xb, s["w"].T, out=r)
        r += s["b"]
        r -= yb
        scale = dt(2.0 / (m * k))
        s["vw"] *= mu
        s["vw"] += (r.T @ xb) * scale
        s["vb"] *= mu
        s["vb"] += r.sum(axis=0) * scale
        s["w"] -= lr * s["vw"]
        s["b"] -= lr * s["vb"]

    def per_sample(s):
        # B = 1, k = 1 without the batch machinery: a row view, one dot, in-place axpys.
        w, vw, tmp, yv = s["w"][0], s["vw"][0], np.empty(d, x.dtype), y[:, 0]
        b, vb = s["b"][0], s["vb"][0]
        for i in rng.permutation(n).tolist():
            row = x[i]
            g = dt(2) * (row @ w + b - yv[i])
            vw *= mu
            np.multiply(row, g, out=tmp)
            vw += tmp
            vb = mu * vb + g
            np.multiply(vw, lr, out=tmp)
            w -= tmp
            b = b - lr * vb
        s["b"][0], s["vb"][0] = b, vb

    def epoch(b, s):
        if b >= n:
            step(s, x, y)
            return
        if b == 1 and k == 1:
            per_sample(s)
            return
        perm = rng.permutation(n)
        for start in range(0, n, b):
            idx = perm[start:start + b]
            m = idx.shape[0]
            xb, yb = s["xb"][:m], s["yb"][:m]
            np.take(x, idx, axis=0, out=xb)
            np.take(y, idx, axis=0, out=yb)
            step(s, xb, yb)

    def loss(s):
        return half_mse(x @ s["w"].T + s["b"], y)

    return fresh, epoch, loss


def torch_peer(x, y):
    import torch
    torch.set_num_threads(ARGS.threads)
    torch.set_num_interop_threads(1)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    n, d = X.shape
    k = Y.shape[1]
    generator = torch.Generator().manual_seed(ARGS.seed)
    mse = torch.nn.MSELoss()

    def fresh(b):
        model = torch.nn.Linear(d, k, dtype=X.dtype)
        torch.nn.init.zeros_(model.weight)
        torch.nn.init.zeros_(model.bias)
        return model, torch.optim.SGD(model.parameters(), lr=ARGS.lr, momentum=ARGS.momentum)

    def epoch(b, s):
        model, opt = s
        batches = [(X, Y)] if b >= n else ((X[i], Y[i]) for i in torch.randperm(n, generator=generator).split(b))
        for xb, yb in batches:
            opt.zero_grad()
            mse(model(xb), yb).backward()
            opt.step()

    def loss(s):
        with torch.no_grad():
            return half_mse(s[0](X).numpy(), y)

    return fresh, epoch, loss


def sklearn_peer(x, y):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDRegressor
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # max_iter=1 on purpose
    if y.shape[1] != 1:
        raise SystemExit("sklearn: SGDRegressor has one output; not run")
    target = y[:, 0]

    def fresh(b):
        if b != 1:
            raise SystemExit("sklearn: SGDRegressor is per-sample (batch 1) only; not run")
        return SGDRegressor(loss="squared_error", penalty=None, learning_rate="constant", eta0=2 * ARGS.lr,
                            max_iter=1, tol=None, shuffle=True, fit_intercept=True, average=False,
                            warm_start=True, random_state=np.random.RandomState(ARGS.seed))  # a new shuffle each fit

    def epoch(b, model):
        model.fit(x, target)

    def loss(model):
        return half_mse(model.predict(x)[:, None], y)

    return fresh, epoch, loss


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return ";".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} x{i.get('num_threads')}"
                        for i in threadpool_info())
    except Exception:  # noqa: BLE001 (threadpoolctl is optional)
        return ""


def main():
    try:
        runner = {"numpy": numpy_peer, "torch": torch_peer, "sklearn": sklearn_peer}[ARGS.peer]
        if ARGS.peer != "numpy":
            __import__("torch" if ARGS.peer == "torch" else "sklearn")
    except ImportError as e:
        print(f"{ARGS.peer}: not installed ({e})", file=sys.stderr)
        sys.exit(3)
    x, y = load()
    n, d = x.shape
    fresh, epoch, loss = runner(x, y)
    for label in ARGS.batches.split(","):
        b = n if label == "full" else min(int(label), n)
        state = fresh(b)
        times = []
        for e in range(1 + ARGS.reps):
            start = time.perf_counter()
            epoch(b, state)
            if e > 0:
                times.append(time.perf_counter() - start)
        s = sorted(times)
        t = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
        rec = {"impl": ARGS.peer, "problem": ARGS.problem, "dtype": ARGS.dtype, "batch": label,
               "threads": ARGS.threads, "n": n, "d": d, "k": y.shape[1], "median_s": t, "min_s": s[0],
               "max_s": s[-1], "samples_per_s": n / t, "gbps": n * d * x.itemsize / t / 1e9,
               "loss": loss(state), "times_s": times, "blas": blas_info()}
        print(json.dumps(rec), flush=True)
        print(f"{ARGS.peer} {ARGS.problem} {ARGS.dtype} b={label}: {t:.4f} s ({s[0]:.4f}-{s[-1]:.4f}), "
              f"{n / t:.3g} samples/s, loss {rec['loss']:.5g}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
