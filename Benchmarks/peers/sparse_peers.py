#!/usr/bin/env python3
"""scikit-learn's side of Benchmarks/run-sparse.sh, one measurement per process, one JSON line:

    sparse_peers.py load FILE                    sklearn.datasets.load_svmlight_file
    sparse_peers.py epoch FILE LOSS ETA ALPHA    one epoch of SGDRegressor (squared) or
                                                 SGDClassifier (logistic) on the CSR matrix:
                                                 penalty='l2', alpha, learning_rate='constant',
                                                 eta0, max_iter=1, tol=None, shuffle=False

The epoch is the same computation as `sparse-sgd epoch` (per-sample SGD in file order, L2 by
scikit-learn's scale factor, intercept decay 0.01); its time is `fit`'s, after an untimed load.
"""
import json
import resource
import sys
import time
import warnings

from sklearn.datasets import load_svmlight_file
from sklearn.linear_model import SGDClassifier, SGDRegressor

warnings.simplefilter("ignore")  # one epoch does not converge, by design
task, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
X, y = load_svmlight_file(path, dtype="float64")
load = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if task == "load":
    print(json.dumps({"impl": "sklearn", "task": "load", "seconds": load, "rows": X.shape[0], "features": X.shape[1],
                      "nonzeros": int(X.nnz), "maxRSS": rss,
                      "csrBytes": int(X.indptr.nbytes + X.indices.nbytes + X.data.nbytes)}))
else:
    # load_svmlight_file gives int64 indices here, which SGD refuses ("Only sparse matrices with
    # 32-bit integer indices are accepted"): converted before the timed fit, as a user has to.
    import numpy as np
    X.indices = X.indices.astype(np.int32)
    X.indptr = X.indptr.astype(np.int32)
    loss, eta, alpha = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    common = dict(penalty="l2", alpha=alpha, learning_rate="constant", eta0=eta, max_iter=1, tol=None, shuffle=False)
    model = SGDClassifier(loss="log_loss", **common) if loss == "logistic" else SGDRegressor(loss="squared_error", **common)
    t0 = time.perf_counter()
    model.fit(X, y)
    fit = time.perf_counter() - t0
    print(json.dumps({"impl": "sklearn", "task": "epoch-" + loss, "seconds": fit,
                      "weightNorm": float(np.linalg.norm(model.coef_)), "intercept": float(np.ravel(model.intercept_)[0]),
                      "rows": X.shape[0], "maxRSS": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
