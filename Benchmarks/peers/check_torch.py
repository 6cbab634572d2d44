#!/usr/bin/env python3
"""Identical-math check: one epoch in file order (no shuffle) from W = b = 0 with torch.optim.SGD
(momentum) on MSELoss, compared with the parameters Descent wrote (`sgd-epoch --check-out`).

    check_torch.py --x X.npy --y Y.npy --descent theta.npy --batch 4096 [--dtype float64] [--lr 0.01] [--momentum 0.9]

Descent's parameter vector is W (k × d, nn.Linear's out × in layout) then b (k). Prints one JSON line:
the largest absolute difference, the same relative to max|θ|, and whether it is within the tolerance
of the dtype: float64 1e-12 relative (the two libraries sum in different orders, so not 0), float32 1e-3.
Exits 1 when it is not, 3 when torch is not installed. run-throughput.sh runs it on P1s and P2.
"""
import argparse
import json
import sys

import numpy as np

try:
    import torch
except ImportError as e:
    print(f"check_torch: torch is not installed ({e})", file=sys.stderr)
    sys.exit(3)

p = argparse.ArgumentParser()
p.add_argument("--x", required=True)
p.add_argument("--y", required=True)
p.add_argument("--descent", required=True)
p.add_argument("--batch", type=int, required=True)
p.add_argument("--dtype", default="float64", choices=["float32", "float64"])
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--momentum", type=float, default=0.9)
p.add_argument("--problem", default="")
p.add_argument("--descent-threads", type=int, default=1, help="the thread count Descent ran with (recorded)")
a = p.parse_args()

torch.set_num_threads(1)
x = torch.from_numpy(np.load(a.x).astype(a.dtype))
y = np.load(a.y).astype(a.dtype)
y = torch.from_numpy(y[:, None] if y.ndim == 1 else y)
n, d = x.shape
k = y.shape[1]
model = torch.nn.Linear(d, k, dtype=x.dtype)
torch.nn.init.zeros_(model.weight)
torch.nn.init.zeros_(model.bias)
opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
loss_fn = torch.nn.MSELoss()
for start in range(0, n, a.batch):
    opt.zero_grad()
    loss_fn(model(x[start:start + a.batch]), y[start:start + a.batch]).backward()
    opt.step()

theta_torch = torch.cat([model.weight.detach().reshape(-1), model.bias.detach()]).numpy().astype(np.float64)
theta_descent = np.load(a.descent).astype(np.float64).reshape(-1)
assert theta_descent.shape == theta_torch.shape, (theta_descent.shape, theta_torch.shape)
diff = float(np.max(np.abs(theta_descent - theta_torch)))
scale = float(np.max(np.abs(theta_torch)))
tolerance = 1e-12 if a.dtype == "float64" else 1e-3
ok = diff <= tolerance * scale
print(json.dumps({"check": a.problem, "threads": a.descent_threads, "dtype": a.dtype, "batch": a.batch, "steps": (n + a.batch - 1) // a.batch,
                  "max_abs_diff": diff, "max_abs_theta": scale, "relative": diff / scale, "tolerance": tolerance,
                  "ok": ok}))
sys.exit(0 if ok else 1)
