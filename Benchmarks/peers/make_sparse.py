#!/usr/bin/env python3
"""A sparse regression/classification problem in svmlight form, for Benchmarks/run-sparse.sh.

    python3 make_sparse.py ROWS FEATURES NNZ_PER_ROW OUT.svm [SEED]

Each row holds NNZ_PER_ROW distinct feature indices (1-based in the file) drawn with power-law
frequencies (feature j's weight ∝ 1/(j+1)^1.1, so a few features are in most rows and most are
rare, as with text or hashed categoricals), values uniform in [0.5, 1.5]. The label is the sign
(±1) of x·w + noise for a fixed random w: the same file serves squared error (on ±1) and logistic.
Written with scikit-learn's dump_svmlight_file.
"""
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file

rows, features, k, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(int(sys.argv[5]) if len(sys.argv) > 5 else 1601)
p = 1.0 / np.arange(1, features + 1) ** 1.1
p /= p.sum()
cdf = np.cumsum(p)
indices = np.empty((rows, k), dtype=np.int64)
chunk = 100_000
for start in range(0, rows, chunk):
    m = min(chunk, rows - start)
    draw = np.searchsorted(cdf, rng.random((m, 2 * k)))   # oversample, keep k distinct per row
    draw = np.minimum(draw, features - 1)
    for i in range(m):
        u = np.unique(draw[i])
        while u.size < k:
            u = np.unique(np.concatenate([u, np.minimum(np.searchsorted(cdf, rng.random(k)), features - 1)]))
        indices[start + i] = np.sort(rng.permutation(u)[:k])
values = rng.uniform(0.5, 1.5, size=(rows, k))
X = sp.csr_matrix((values.ravel(), indices.ravel(), np.arange(0, rows * k + 1, k)), shape=(rows, features))
w = rng.standard_normal(features)
y = np.where(X @ w + 0.5 * rng.standard_normal(rows) > 0, 1.0, -1.0)
dump_svmlight_file(X, y, out, zero_based=False)
print(f"{out}: {rows} rows, {features} features, {X.nnz} non-zeros")
