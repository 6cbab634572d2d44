#!/usr/bin/env python3
"""The peers' side of Benchmarks/run-sparse.sh, one measurement per process, one JSON line:

    sparse_peers.py prepare FILE                   load FILE once and keep its CSR arrays beside it
                                                   (FILE.csr.npz, uncompressed) for the untimed loads below
    sparse_peers.py load FILE                      sklearn.datasets.load_svmlight_file (timed)
    sparse_peers.py epoch FILE LOSS ETA ALPHA      one epoch of SGDRegressor (squared) or
                                                   SGDClassifier (logistic) on the CSR matrix:
                                                   penalty='l2', alpha, learning_rate='constant',
                                                   eta0, max_iter=1, tol=None, shuffle=False
    sparse_peers.py minibatch FILE ETA ALPHA B     one epoch of mini-batch SGD on squared error as a
                                                   SciPy loop over consecutive batches of B rows:
                                                   r = X_b·w + b − y_b, g = X_bᵀ·r/B + α·w,
                                                   w ← w − η·g, b ← b − η·mean(r)
    sparse_peers.py liblinear FILE SOLVER C [P]    LIBLINEAR's train (liblinear-official) with
                                                   `-s SOLVER -c C [-p P] -B 1 -R -q` (a bias feature,
                                                   not regularised), to its own default tolerance

The epoch is the same computation as `sparse-sgd epoch` (per-sample SGD in file order, L2 by
scikit-learn's scale factor, intercept decay 0.01); its time is `fit`'s, after an untimed load.
The mini-batch loop is the same arithmetic as `sparse-sgd minibatch`. LIBLINEAR solves the
regularised problem to its stopping tolerance with a second-order method (trust-region Newton for
-s 0 and -s 11, dual coordinate descent for -s 7): a reference time, not the same computation as
one SGD epoch; its time is `train`'s, the conversion into its own format (`problem`) reported apart.
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_svmlight_file

warnings.simplefilter("ignore")  # one epoch does not converge, by design
task, path = sys.argv[1], sys.argv[2]
cache = path + ".csr.npz"


def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def training_data():
    """The CSR matrix (int32 indices, as SGD and a user converting for it need) and the labels, untimed."""
    data = np.load(cache)
    x = sp.csr_matrix((data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"]))
    return x, data["y"]


if task in ("load", "prepare"):
    t0 = time.perf_counter()
    X, y = load_svmlight_file(path, dtype="float64")
    load = time.perf_counter() - t0
    if task == "load":
        print(json.dumps({"impl": "sklearn", "task": "load", "seconds": load, "rows": X.shape[0], "features": X.shape[1],
                          "nonzeros": int(X.nnz), "maxRSS": rss(),
                          "csrBytes": int(X.indptr.nbytes + X.indices.nbytes + X.data.nbytes)}))
    else:
        # load_svmlight_file gives int64 indices here, which SGD refuses ("Only sparse matrices with
        # 32-bit integer indices are accepted"): converted once, as a user has to.
        tmp = cache + ".tmp.npz"
        np.savez(tmp, data=X.data, indices=X.indices.astype(np.int32), indptr=X.indptr.astype(np.int32),
                 shape=np.array(X.shape), y=y)
        os.replace(tmp, cache)
elif task == "epoch":
    from sklearn.linear_model import SGDClassifier, SGDRegressor
    X, y = training_data()
    loss, eta, alpha = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    common = dict(penalty="l2", alpha=alpha, learning_rate="constant", eta0=eta, max_iter=1, tol=None, shuffle=False)
    model = SGDClassifier(loss="log_loss", **common) if loss == "logistic" else SGDRegressor(loss="squared_error", **common)
    t0 = time.perf_counter()
    model.fit(X, y)
    fit = time.perf_counter() - t0
    print(json.dumps({"impl": "sklearn", "task": "epoch-" + loss, "seconds": fit,
                      "weightNorm": float(np.linalg.norm(model.coef_)), "intercept": float(np.ravel(model.intercept_)[0]),
                      "rows": X.shape[0], "maxRSS": rss()}))
elif task == "minibatch":
    X, y = training_data()
    eta, alpha, batch = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    t0 = time.perf_counter()
    for lo in range(0, n, batch):
        xb, yb = X[lo:lo + batch], y[lo:lo + batch]
        r = xb @ w + b - yb
        g = xb.T @ r
        g *= 1.0 / xb.shape[0]
        g += alpha * w
        w -= eta * g
        b -= eta * r.mean()
    seconds = time.perf_counter() - t0
    print(json.dumps({"impl": "scipy", "task": "minibatch-squared", "seconds": seconds, "batch": batch,
                      "weightNorm": float(np.linalg.norm(w)), "intercept": b, "rows": n, "maxRSS": rss()}))
elif task == "liblinear":
    from liblinear.liblinearutil import parameter, problem, train
    X, y = training_data()
    solver, c = int(sys.argv[3]), float(sys.argv[4])
    options = f"-s {solver} -c {c}" + (f" -p {float(sys.argv[5])}" if len(sys.argv) > 5 else "") + " -B 1 -R -q"
    t0 = time.perf_counter()
    prob = problem(y, X)
    convert = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = train(prob, parameter(options))
    seconds = time.perf_counter() - t0
    w = np.array(model.get_decfun()[0])
    print(json.dumps({"impl": "liblinear", "task": f"liblinear-s{solver}", "seconds": seconds, "convertSeconds": convert,
                      "options": options, "weightNorm": float(np.linalg.norm(w)), "intercept": float(model.get_decfun()[1]),
                      "rows": X.shape[0], "maxRSS": rss()}))
else:
    sys.exit(f"unknown task {task}")
