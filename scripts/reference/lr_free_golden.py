#!/usr/bin/env python3
"""Short golden traces of the learning-rate-free optimizers on the 3x4 least-squares problem.

These are the step-by-step tables written inline in Tests/OptimizerTests/LRFreeGoldenTests.swift.
The script runs the reference implementations in float64:
    dog-optimizer 1.0.3  (dog/dog.py: DoG, LDoG)
    dadaptation 3.2      (dadaptation/dadapt_sgd.py: DAdaptSGD)
    schedulefree 1.4.1   (schedulefree/sgd_schedulefree.py: SGDScheduleFree)
Install them with
    pip install torch dog-optimizer==1.0.3 dadaptation==3.2 schedulefree==1.4.1

Problem (`LRFreeGoldenProblem` in Tests/OptimizerTests/LRFreeProblems.swift, the same A, b and x0
as scripts/reference/sgd_adadelta_traces.py): f(x) = 1/2 ||Ax - b||^2 with
A = [[2,0,1,0],[0,1,0,-1],[1,1,1,1]], b = [1,2,3], x0 = [0.5, -1, 2, 1.5]. Each run does 5
full-batch steps from x0; the gradient A^T(Ax - b) of the current x is written into .grad by hand
before each optimizer.step(). Row k of a table is read right after step k (0-based), as the Swift
test's `inspect(k, x, optimizer)` callback does: x is the parameter vector then, and eta, rbar, G
(DoG) and d (D-Adaptation) are the param-group values the step left behind. For Schedule-Free, x is
y (the training point) and the evaluation point is the parameters after optimizer.eval().

Regenerate (from the repository root):
    python3 scripts/reference/lr_free_golden.py
It prints one Swift-literal-like block per function of LRFreeGoldenTests, with all 5 steps; the
test writes the rows it checks inline, so compare them with this output by eye or with a diff.
Step sizes, distances and sums are printed as %.10e, parameter coordinates (all of order one) as
%.10f: the precision of the inline tables.
"""
from importlib.metadata import version

import torch
from dadaptation import DAdaptSGD
from dog import DoG, LDoG
from schedulefree import SGDScheduleFree

torch.set_default_dtype(torch.float64)

A = torch.tensor([[2.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, -1.0], [1.0, 1.0, 1.0, 1.0]])
B = torch.tensor([1.0, 2.0, 3.0])
X0 = [0.5, -1.0, 2.0, 1.5]
STEPS = 5


def gradient(x):
    return A.T @ (A @ x - B)


def run(make_optimizer, slices=((0, 4),), grouped=True, record=lambda opt: {}, schedule_free=False):
    """5 full-batch steps from X0 with x split into the tensors `slices`.

    grouped=True gives every tensor its own torch param group; False puts all of them in one group.
    Returns (rows, opt, params): rows[k] = {"x": x after step k, **record(opt)}."""
    x = torch.tensor(X0)
    params = [torch.nn.Parameter(x[lo:hi].clone()) for lo, hi in slices]
    opt = make_optimizer([{"params": [p]} for p in params] if grouped else [{"params": params}])
    if schedule_free:
        opt.train()
    rows = []
    for _ in range(STEPS):
        with torch.no_grad():
            g = gradient(torch.cat([p.detach() for p in params]))
        for p, (lo, hi) in zip(params, slices):
            p.grad = g[lo:hi].clone()
        opt.step()
        rows.append({"x": flat(params), **record(opt)})
    return rows, opt, params


def flat(params):
    return torch.cat([p.detach() for p in params]).tolist()


def dog_state(opt):
    """eta, rbar and G of every param group (LDoG: of every tensor of a group), in order."""
    out = {"eta": [], "rbar": [], "G": []}
    for group in opt.param_groups:
        out["eta"] += [float(e) for e in group["eta"]]
        out["rbar"] += torch.atleast_1d(group["rbar"]).tolist()
        out["G"] += torch.atleast_1d(group["G"]).tolist()
    return out


def dadapt_state(opt):
    """d, D-Adaptation's distance estimate after the step (kept in every param group)."""
    return {"d": opt.param_groups[0]["d"]}


def schedule_free_evaluation(opt, params):
    """x, the evaluation point: the parameters after opt.eval(); train() brings y back."""
    opt.eval()
    x = flat(params)
    opt.train()
    return x


def e(v):
    return "%.10e" % v


def f(v):
    return "%.10f" % v


def vec(xs):
    return "[" + ", ".join(f(v) for v in xs) + "]"


def print_rows(name, columns, rows, cells):
    print("    let %s: [Int: (%s)] = [" % (name, ", ".join(columns)))
    for k, row in enumerate(rows):
        print("        %d: (%s)," % (k, ", ".join(cells(row))))
    print("    ]")


def main():
    print("// scripts/reference/lr_free_golden.py: torch %s, dog-optimizer %s, dadaptation %s, schedulefree %s; float64."
          % (torch.__version__, version("dog-optimizer"), version("dadaptation"), version("schedulefree")))
    print("// Row k: after step k (0-based) of 5 full-batch steps on 1/2 ||Ax - b||^2 from x0.")
    print()

    print("// dogDefault: DoG() (reps_rel 1e-6, eps 1e-8), one group")
    rows, _, _ = run(lambda g: DoG(g), record=dog_state)
    print("dogDefault {")
    print_rows("table", ["eta: Double", "rbar: Double", "G: Double", "x: [Double]"], rows,
               lambda r: [e(r["eta"][0]), e(r["rbar"][0]), e(r["G"][0]), vec(r["x"])])
    print("    let expected: [Double] = %s" % vec(rows[-1]["x"]))
    print("}")
    print()

    print("// dogLargeReps: DoG(reps_rel=1e-2), one group")
    rows, _, _ = run(lambda g: DoG(g, reps_rel=1e-2), record=dog_state)
    print("dogLargeReps {")
    print_rows("table", ["eta: Double", "rbar: Double", "x: [Double]"], rows,
               lambda r: [e(r["eta"][0]), e(r["rbar"][0]), vec(r["x"])])
    print("}")
    print()

    print("// ldog: LDoG(reps_rel=1e-2) on the tensors x[0:2], x[2:4]; as two param groups (byGroups)")
    print("// and as one group of two tensors (byLayers)")
    halves = ((0, 2), (2, 4))
    for label, grouped in (("byGroups", True), ("byLayers", False)):
        rows, _, _ = run(lambda g: LDoG(g, reps_rel=1e-2), slices=halves, grouped=grouped, record=dog_state)
        print("ldog %s {" % label)
        print_rows("table", ["eta0: Double", "eta1: Double", "x: [Double]"], rows,
                   lambda r: [e(r["eta"][0]), e(r["eta"][1]), vec(r["x"])])
        print("    let final: [Double] = %s" % vec(rows[-1]["x"]))
        print("}")
    print()

    print("// dadapt: DAdaptSGD(d0=1e-2) (large), DAdaptSGD() (small, d0 1e-6), DAdaptSGD(momentum=0.9)")
    print("dadapt {")
    rows, _, _ = run(lambda g: DAdaptSGD(g, d0=1e-2), record=dadapt_state)
    print_rows("table", ["d: Double", "x: [Double]"], rows, lambda r: [e(r["d"]), vec(r["x"])])
    rows, _, _ = run(lambda g: DAdaptSGD(g), record=dadapt_state)
    print("    let ds = [%s]" % ", ".join(e(r["d"]) for r in rows))
    rows, _, _ = run(lambda g: DAdaptSGD(g, momentum=0.9))
    print("    let withMomentum: [Double] = %s" % vec(rows[-1]["x"]))
    print("}")
    print()

    print("// scheduleFree: SGDScheduleFree(lr=0.05, momentum=0.9) (r 0, weight_lr_power 2), then with warmup_steps=3;")
    print("// x is y, xEval the parameters after eval() following step 4")
    print("scheduleFree {")
    rows, opt, params = run(lambda g: SGDScheduleFree(g, lr=0.05, momentum=0.9), schedule_free=True)
    print("    let table: [Int: [Double]] = [")
    for k, r in enumerate(rows):
        print("        %d: %s," % (k, vec(r["x"])))
    print("    ]")
    print("    let xEval: [Double] = %s" % vec(schedule_free_evaluation(opt, params)))
    rows, opt, params = run(lambda g: SGDScheduleFree(g, lr=0.05, momentum=0.9, warmup_steps=3), schedule_free=True)
    print("    let warmTable: [Int: [Double]] = [")
    for k, r in enumerate(rows):
        print("        %d: %s," % (k, vec(r["x"])))
    print("    ]")
    print("    let warmEval: [Double] = %s" % vec(schedule_free_evaluation(opt, params)))
    print("}")


if __name__ == "__main__":
    main()
