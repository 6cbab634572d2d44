#!/usr/bin/env python3
"""One epoch of shuffled mini-batch SGD (momentum, MSE, linear model with bias) in one peer library.

Run one peer per process (thread settings are fixed at import):
    peers.py --peer numpy|torch|sklearn --x P1_X.npy --y P1_Y.npy --problem P1 --threads 1 \
             [--dtype float32] [--batches 32,256,1024,8192,full] [--reps 3] [--lr 0.01] [--momentum 0.9]
Prints one JSON line per batch size (same fields as sgd-epoch) on stdout.

The update is torch.optim.SGD's on MSELoss (mean over B·k):  G = 2/(B·k)·Rᵀ·X_B with R = X_B·Wᵀ + b − Y_B,
V ← G on the first step, V ← μV + G afterwards, W ← W − lr·V (bias likewise). Every configuration starts
from W = b = 0 and runs 1 warm-up + `reps` timed epochs; an epoch = a fresh permutation + ⌈n/B⌉ steps
(the permutation is inside the timing, as in Descent's trainer). "full" = one step on all rows, no gather.
scikit-learn's SGDRegressor is per-sample plain SGD (no momentum) on ½r², so eta0 = 2·lr gives the same
step size as MSELoss; it is run only for batch 1 and single-output problems.
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
# Thread counts must be fixed before numpy/torch load their BLAS.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402


def load():
    x = np.load(ARGS.x).astype(ARGS.dtype, copy=False)
    y = np.load(ARGS.y).astype(ARGS.dtype, copy=False)
    if y.ndim == 1:
        y = y[:, None]
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def half_mse(pred, y):
    """Descent's squared-error loss ½·mean_i Σ_k r² (float64), as a cross-check of the runs."""
    r = pred.astype(np.float64) - y
    return 0.5 * float(np.mean(np.sum(r * r, axis=1)))


# ---------------------------------------------------------------- numpy
def numpy_runner(x, y):
    n, d = x.shape
    k = y.shape[1]
    dt = x.dtype
    rng = np.random.default_rng(ARGS.seed)
    lr, mu = dt.type(ARGS.lr), dt.type(ARGS.momentum)

    def epoch_fn(b, state):
        w, bias, vw, vb, started, bx, by, r = state
        perm = rng.permutation(n)
        for s in range(0, n, b):
            if b >= n:
                xb, yb = x, y
            else:
                idx = perm[s:s + b]
                m = idx.shape[0]
                xb, yb = bx[:m], by[:m]
                np.take(x, idx, axis=0, out=xb)
                np.take(y, idx, axis=0, out=yb)
            m = xb.shape[0]
            rr = r[:m]
            np.matmul(xb, w.T, out=rr)          # (m, k); k = 1 is a gemv in numpy's matmul
            rr += bias
            rr -= yb
            scale = dt.type(2.0 / (m * k))
            gw = (rr.T @ xb) * scale             # (k, d)
            gb = rr.sum(axis=0) * scale
            if started[0]:
                vw *= mu; vw += gw
                vb *= mu; vb += gb
            else:
                vw[...] = gw; vb[...] = gb; started[0] = True
            w -= lr * vw
            bias -= lr * vb

    def fresh(b):
        m = min(b, n)
        return [np.zeros((k, d), dt), np.zeros(k, dt), np.zeros((k, d), dt), np.zeros(k, dt), [False],
                np.empty((m, d), dt), np.empty((m, k), dt), np.empty((m, k), dt)]

    def loss(state):
        return half_mse(x @ state[0].T + state[1], y)

    return fresh, epoch_fn, loss


# ---------------------------------------------------------------- torch
def torch_runner(x, y):
    import torch
    torch.set_num_threads(ARGS.threads)
    torch.set_num_interop_threads(1)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    n, d = X.shape
    k = Y.shape[1]
    gen = torch.Generator().manual_seed(ARGS.seed)

    def fresh(b):
        model = torch.nn.Linear(d, k, dtype=X.dtype)
        torch.nn.init.zeros_(model.weight)
        torch.nn.init.zeros_(model.bias)
        opt = torch.optim.SGD(model.parameters(), lr=ARGS.lr, momentum=ARGS.momentum)
        return model, opt

    loss_fn = torch.nn.MSELoss()

    def epoch_fn(b, state):
        model, opt = state
        if b >= n:
            batches = [(X, Y)]
        else:
            perm = torch.randperm(n, generator=gen)
            batches = ((X[idx], Y[idx]) for idx in perm.split(b))
        for xb, yb in batches:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()

    def loss(state):
        with torch.no_grad():
            return half_mse(state[0](X).numpy(), y)

    return fresh, epoch_fn, loss


# ---------------------------------------------------------------- scikit-learn
def sklearn_runner(x, y):
    from sklearn.linear_model import SGDRegressor
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    if y.shape[1] != 1:
        raise SystemExit("sklearn: SGDRegressor has a single output; skipping")
    target = y[:, 0]
    seeds = iter(range(ARGS.seed, ARGS.seed + 1000))

    def fresh(b):
        if b != 1:
            raise SystemExit("sklearn: SGDRegressor is per-sample (batch 1) only")
        return [None]

    def epoch_fn(b, state):
        # Plain per-sample SGD on ½r² (no momentum: scikit-learn has none): eta0 = 2·lr matches MSELoss.
        model = SGDRegressor(loss="squared_error", penalty=None, learning_rate="constant", eta0=2 * ARGS.lr,
                             max_iter=1, tol=None, shuffle=True, random_state=next(seeds), average=False)
        model.fit(x, target)
        state[0] = model

    def loss(state):
        return half_mse(state[0].predict(x)[:, None], y)

    return fresh, epoch_fn, loss


def main():
    x, y = load()
    n, d = x.shape
    fresh, epoch_fn, loss = {"numpy": numpy_runner, "torch": torch_runner, "sklearn": sklearn_runner}[ARGS.peer](x, y)
    blas = ""
    try:
        from threadpoolctl import threadpool_info
        blas = ";".join(f"{i.get('internal_api')}:{i.get('num_threads')}:{i.get('architecture')}" for i in threadpool_info())
    except Exception:
        pass
    for label in ARGS.batches.split(","):
        b = n if label == "full" else min(int(label), n)
        state = fresh(b)
        times = []
        for e in range(1 + ARGS.reps):
            start = time.perf_counter()
            epoch_fn(b, state)
            t = time.perf_counter() - start
            if e > 0:
                times.append(t)
        t = sorted(times)[len(times) // 2] if len(times) % 2 else sum(sorted(times)[len(times) // 2 - 1:len(times) // 2 + 1]) / 2
        rec = {"impl": ARGS.peer, "problem": ARGS.problem, "dtype": ARGS.dtype, "batch": "full" if label == "full" else str(b),
               "threads": ARGS.threads, "n": n, "d": d, "k": y.shape[1], "median_s": t, "min_s": min(times),
               "max_s": max(times), "samples_per_s": n / t, "gbps": n * d * x.itemsize / t / 1e9,
               "loss": loss(state), "blas": blas}
        print(json.dumps(rec), flush=True)
        print(f"{ARGS.peer} {ARGS.problem} {ARGS.dtype} b={rec['batch']}: {t:.4f} s ({min(times):.4f}-{max(times):.4f}), "
              f"{n / t:.3g} samples/s, loss {rec['loss']:.5g}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
