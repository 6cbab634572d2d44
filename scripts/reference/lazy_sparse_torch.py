#!/usr/bin/env python3
"""Torch traces of SGD, Adagrad, RMSprop, Adam and AdamW on a sparse linear least-squares problem, for
the lazy forms' tests (Tests/TrainingTests/LazySparseTorchTests.swift), and of torch.optim.SparseAdam
on the same problem, to measure how it differs from Adam.

Problem: 8 rows over 6 features stored sparsely (ROWS below: (column, value) pairs; a column missing
from a batch gets a gradient of exactly 0), targets Y, linear model ŷ = x·w + b, loss
L = 1/(2B) Σᵢ (ŷᵢ − yᵢ)² over batches of B = 2 consecutive rows, 4 batches an epoch, 3 epochs
(12 updates). The gradient is computed by loops in the order `SparseLinearObjective` uses:
ŷᵢ = b + Σ over the row's entries in stored order of w_j·x_ij; dᵢ = (ŷᵢ − yᵢ)·(1/B); then for each
row, g_j += dᵢ·x_ij over its entries and g_b += dᵢ.

Two torch param groups, as Descent's `ParameterGroup`s: "weight" w (the optimizer's weight decay)
and "bias" b (lr × BIAS_SCALE, weight decay 0). The rate of update u is RATES[u] (a decaying
schedule), written into both groups before the step; torch's single-tensor path (foreach=False).

SparseAdam: the same problem with sparse gradients holding only the touched columns (and the
bias), torch.optim.SparseAdam with Adam's default betas and eps.

Regenerate (from the package root):
    python3 scripts/reference/lazy_sparse_torch.py > Tests/TrainingTests/LazySparseTorchFixtures.swift
"""
import json

import torch

torch.set_default_dtype(torch.float64)

ROWS = [
    [(0, 1.0), (3, -2.0)],
    [(1, 0.5)],
    [(0, -1.5), (4, 1.0)],
    [(2, 2.0), (5, -0.5)],
    [(0, 0.5)],
    [(1, -1.0), (3, 1.5)],
    [],
    [(0, 2.0), (2, -1.0), (5, 1.0)],
]
Y = [1.0, -2.0, 0.5, 3.0, -1.0, 2.0, 0.25, -0.5]
D = 6
W0 = [0.1, -0.2, 0.3, 0.0, 0.05, -0.1]
B0 = 0.2
BATCH = 2
EPOCHS = 3
BIAS_SCALE = 0.5
UPDATES = EPOCHS * len(ROWS) // BATCH
RATES = [0.1 / (1 + 0.1 * u) for u in range(UPDATES)]

CASES = [
    ("sgd", torch.optim.SGD, dict()),
    ("sgd", torch.optim.SGD, dict(momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("sgd", torch.optim.SGD, dict(momentum=0.5, dampening=0.2)),
    ("adagrad", torch.optim.Adagrad, dict()),
    ("adagrad", torch.optim.Adagrad, dict(lr_decay=0.05, initial_accumulator_value=0.1, weight_decay=0.02)),
    ("rmsprop", torch.optim.RMSprop, dict()),
    ("rmsprop", torch.optim.RMSprop, dict(alpha=0.9, centered=True, momentum=0.5, weight_decay=0.01)),
    ("adam", torch.optim.Adam, dict()),
    ("adam", torch.optim.Adam, dict(betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True)),
    ("adamw", torch.optim.AdamW, dict()),
    ("adamw", torch.optim.AdamW, dict(weight_decay=0.1, amsgrad=True)),
]


def batch_gradient(w, b, start):
    rows = range(start, start + BATCH)
    scale = 1.0 / BATCH
    gw = [0.0] * D
    gb = 0.0
    touched = []
    for i in rows:
        s = b
        for j, v in ROWS[i]:
            s += w[j] * v
        d = (s - Y[i]) * scale
        for j, v in ROWS[i]:
            gw[j] += d * v
            if j not in touched:
                touched.append(j)
        gb += d
    return gw, gb, touched


def batches():
    for _ in range(EPOCHS):
        for start in range(0, len(ROWS), BATCH):
            yield start


def run(cls, kwargs):
    w = torch.nn.Parameter(torch.tensor(W0))
    b = torch.nn.Parameter(torch.tensor([B0]))
    opt = cls([dict(params=[w]), dict(params=[b], weight_decay=0.0)], lr=RATES[0], foreach=False, **kwargs)
    trace = []
    for u, start in enumerate(batches()):
        gw, gb, _ = batch_gradient(w.detach().tolist(), b.detach().item(), start)
        w.grad = torch.tensor(gw)
        b.grad = torch.tensor([gb])
        opt.param_groups[0]["lr"] = RATES[u]
        opt.param_groups[1]["lr"] = RATES[u] * BIAS_SCALE
        opt.step()
        trace.append(w.detach().tolist() + b.detach().tolist())
    return trace


def run_sparse_adam():
    w = torch.nn.Parameter(torch.tensor(W0))
    b = torch.nn.Parameter(torch.tensor([B0]))
    opt = torch.optim.SparseAdam([dict(params=[w]), dict(params=[b])], lr=RATES[0])
    trace = []
    for u, start in enumerate(batches()):
        gw, gb, touched = batch_gradient(w.detach().tolist(), b.detach().item(), start)
        touched.sort()
        w.grad = torch.sparse_coo_tensor([touched], [gw[j] for j in touched], (D,)) if touched else \
            torch.sparse_coo_tensor(torch.zeros((1, 0), dtype=torch.long), [], (D,))
        b.grad = torch.sparse_coo_tensor([[0]], [gb], (1,))
        opt.param_groups[0]["lr"] = RATES[u]
        opt.param_groups[1]["lr"] = RATES[u] * BIAS_SCALE
        opt.step()
        trace.append(w.detach().tolist() + b.detach().tolist())
    return trace


def descent_text(name, kwargs):
    parts = []
    for key, value in kwargs.items():
        if key == "betas":
            parts += ["beta1=%r" % value[0], "beta2=%r" % value[1]]
        elif isinstance(value, bool):
            if value:
                parts.append(key)
        else:
            parts.append("%s=%r" % (key, value))
    return name + (":" + ",".join(parts) if parts else "")


def swift_array(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def swift_matrix(rows, indent):
    pad = " " * indent
    return "[\n" + ",\n".join(pad + "    " + swift_array(r) for r in rows) + ",\n" + pad + "]"


def main():
    out = []
    w = out.append
    w("// Generated by scripts/reference/lazy_sparse_torch.py with torch %s. Do not edit." % torch.__version__)
    w("// Regenerate from the package root:")
    w("//     python3 scripts/reference/lazy_sparse_torch.py > Tests/TrainingTests/LazySparseTorchFixtures.swift")
    w("// `x[u]` is [w, b] after update u (0-based); see the script for the problem.")
    w("")
    w("enum LazySparseTorchFixtures {")
    w("    static let rows: [[(Int, Double)]] = [")
    for r in ROWS:
        w("        [" + ", ".join("(%d, %r)" % (j, v) for j, v in r) + "],")
    w("    ]")
    w("    static let targets: [Double] = " + swift_array(Y))
    w("    static let featureCount = %d" % D)
    w("    static let x0: [Double] = " + swift_array(W0 + [B0]))
    w("    static let batchSize = %d" % BATCH)
    w("    static let epochs = %d" % EPOCHS)
    w("    static let biasScale: Double = %r" % BIAS_SCALE)
    w("    static let learningRates: [Double] = " + swift_array(RATES))
    w("")
    w("    /// Descent's text form of each case and torch's trace.")
    w("    static let traces: [(settings: String, x: [[Double]])] = [")
    for name, cls, kwargs in CASES:
        w("        (%s, %s)," % (json.dumps(descent_text(name, kwargs)), swift_matrix(run(cls, kwargs), 8)))
    w("    ]")
    w("")
    w("    /// torch.optim.SparseAdam (default betas and eps) on the same problem and rates.")
    w("    static let sparseAdam: [[Double]] = " + swift_matrix(run_sparse_adam(), 4))
    w("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
