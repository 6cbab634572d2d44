#!/usr/bin/env python3
"""The peers of Benchmarks/run-sparse-train.sh: one epoch of mini-batch AdaGrad on a linear
logistic model over an svmlight file, the computation of

    descent train --data FILE --loss logistic --optimizer adagrad --lr ETA --batch-size B \
                  --epochs 1 --shuffle none

(torch.optim.Adagrad's rule, ε = 1e-10, no decay; the labels ±1 as 0/1; batches of B consecutive
rows; the loss the batch mean of log(1 + e^−z)). One measurement per process, one JSON line:

    sparse_train_peers.py numpy FILE ETA B   scipy.sparse CSR slices; each batch updates only the
                                             columns it holds (np.unique), as AdaGrad allows exactly
    sparse_train_peers.py torch FILE ETA B   nn.EmbeddingBag(sparse=True) with per-sample weights
                                             (the sparse linear layer) and torch.optim.Adagrad,
                                             which takes its sparse gradients; one thread

The data come from FILE.csr.npz when run-sparse.sh has made that cache (the CSR arrays, read
untimed as far as the comparison goes), else from sklearn's load_svmlight_file; either way the load
is timed apart from the epoch, and only the epochs are compared.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.datasets import load_svmlight_file

impl, path, eta, batch = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
t0 = time.perf_counter()
if os.path.exists(path + ".csr.npz"):
    import scipy.sparse as sp
    cached = np.load(path + ".csr.npz")
    X = sp.csr_matrix((cached["data"], cached["indices"], cached["indptr"]), shape=tuple(cached["shape"]))
    y = cached["y"]
    source = "csr.npz cache"
else:
    X, y = load_svmlight_file(path, dtype="float64")
    source = "load_svmlight_file"
load = time.perf_counter() - t0
y = (y > 0).astype(np.float64)
n, d = X.shape
eps = 1e-10

if impl == "numpy":
    w = np.zeros(d); s = np.zeros(d); b = 0.0; sb = 0.0
    t0 = time.perf_counter()
    total = 0.0
    for start in range(0, n, batch):
        xb = X[start:start + batch]
        yb = y[start:start + batch]
        m = xb.shape[0]
        z = xb @ w + b
        total += np.sum(np.logaddexp(0.0, z) - yb * z) / m
        dz = (1.0 / (1.0 + np.exp(-z)) - yb) / m
        cols, inverse = np.unique(xb.indices, return_inverse=True)
        g = np.bincount(inverse, weights=xb.data * np.repeat(dz, np.diff(xb.indptr)), minlength=cols.size)
        s[cols] += g * g
        w[cols] -= eta * g / (np.sqrt(s[cols]) + eps)
        gb = dz.sum()
        sb += gb * gb
        b -= eta * gb / (np.sqrt(sb) + eps)
    epoch = time.perf_counter() - t0
    norm, intercept = float(np.linalg.norm(w)), float(b)
else:
    import torch
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    layer = torch.nn.EmbeddingBag(d, 1, mode="sum", sparse=True)
    torch.nn.init.zeros_(layer.weight)
    bias = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adagrad([layer.weight, bias], lr=eta, eps=eps)
    indices = torch.from_numpy(X.indices.astype(np.int64))
    values = torch.from_numpy(X.data)
    indptr = X.indptr.astype(np.int64)
    targets = torch.from_numpy(y)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    t0 = time.perf_counter()
    total = 0.0
    for start in range(0, n, batch):
        end = min(n, start + batch)
        lo, hi = indptr[start], indptr[end]
        offsets = torch.from_numpy(indptr[start:end] - lo)
        z = layer(indices[lo:hi], offsets, per_sample_weights=values[lo:hi]).squeeze(1) + bias
        loss = loss_fn(z, targets[start:end])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    epoch = time.perf_counter() - t0
    norm, intercept = float(layer.weight.detach().norm()), float(bias.item())

batches = (n + batch - 1) // batch
print(json.dumps({"impl": impl, "load": load, "loadFrom": source, "epoch": epoch, "meanLoss": total / batches, "weightNorm": norm,
                  "intercept": intercept, "rows": n, "batch": batch}))
