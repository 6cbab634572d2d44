#!/usr/bin/env python3
"""Golden learning-rate (and momentum) sequences for Descent's schedules.

Regenerate the Swift fixture with:

    python3 scripts/reference/schedules.py > Tests/ScheduleTests/ScheduleFixtures.swift

PyTorch: every scheduler is driven exactly as a training loop drives it: the value recorded for
step k is optimizer.param_groups[0]['lr'] (and ['momentum'] for the cyclic schedulers, which write
it into the optimizer) *before* the k-th optimizer.step(); after each update the scheduler steps.
So index 0 is the first update's rate, matching Descent's "step 0 is the first update".
ReduceLROnPlateau is fed a fixed metric sequence (printed too): value k is the rate after k metrics.

scikit-learn: sklearn never exposes its per-sample eta, so it is read off the weight trajectory of
a 1-feature, no-intercept, no-penalty model fitted one sample at a time with partial_fit (t keeps
counting across calls, as documented). With x = 1 and prediction p = w, one update is
w' = w - eta * dloss(p, y), so eta = (w - w') / dloss(p, y). The label of each sample is chosen so
that |dloss| is of order one and w stays near zero, which keeps the recovered eta accurate to a
few ulps. The script also checks the recovered rates against sklearn's documented formula
(invscaling eta0 / t^power_t; optimal 1 / (alpha (t0 + t - 1)) with Bottou's t0) and aborts if
they disagree by more than 1e-12 relative.
"""
import math
import sys
import warnings

import numpy as np
import sklearn
import torch
from sklearn.linear_model import SGDClassifier, SGDRegressor

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float64)
STEPS = 300
BASE = 0.1


def fresh(momentum=0.0):
    p = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.SGD([p], lr=BASE, momentum=momentum)


def run(make, steps=STEPS, momentum=False):
    opt = fresh(0.9 if momentum else 0.0)
    sched = make(opt)
    lrs, moms = [], []
    for _ in range(steps):
        lrs.append(float(opt.param_groups[0]["lr"]))
        if momentum:
            moms.append(float(opt.param_groups[0]["momentum"]))
        opt.step()
        sched.step()
    return lrs, (moms if momentum else None)


S = torch.optim.lr_scheduler
torch_cases = {
    "constantFactor_default": lambda o: S.ConstantLR(o),
    "constantFactor_half40": lambda o: S.ConstantLR(o, factor=0.5, total_iters=40),
    "linear_warmup50": lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=50),
    "linear_decay100": lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=100),
    "step_30_0.1": lambda o: S.StepLR(o, step_size=30, gamma=0.1),
    "step_7_0.5": lambda o: S.StepLR(o, step_size=7, gamma=0.5),
    "multistep_30_80_80_150": lambda o: S.MultiStepLR(o, milestones=[30, 80, 80, 150], gamma=0.1),
    "exponential_0.99": lambda o: S.ExponentialLR(o, gamma=0.99),
    "exponential_0.95": lambda o: S.ExponentialLR(o, gamma=0.95),
    "polynomial_100_1": lambda o: S.PolynomialLR(o, total_iters=100, power=1.0),
    "polynomial_150_2.5": lambda o: S.PolynomialLR(o, total_iters=150, power=2.5),
    "cosine_100_0": lambda o: S.CosineAnnealingLR(o, T_max=100, eta_min=0.0),
    "cosine_75_1e-3": lambda o: S.CosineAnnealingLR(o, T_max=75, eta_min=1e-3),
    "restarts_10_1_0": lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=1, eta_min=0.0),
    "restarts_10_2_1e-4": lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-4),
    "sequential_linear10_cosine90": lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=10), S.CosineAnnealingLR(o, T_max=90)], milestones=[10]),
    "sequential_const_exp_step": lambda o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.5, total_iters=100), S.ExponentialLR(o, gamma=0.97),
            S.StepLR(o, step_size=20, gamma=0.5)], milestones=[5, 50]),
    # MultiplicativeLR with a constant lambda (lr_t = lr_{t-1} * f for t >= 1); own factors, not
    # the ExponentialLR cases' gammas, plus one equal to exponential_0.95 for the equivalence test.
    "multiplicative_0.97": lambda o: S.MultiplicativeLR(o, lr_lambda=lambda t: 0.97),
    "multiplicative_0.9": lambda o: S.MultiplicativeLR(o, lr_lambda=lambda t: 0.9),
    "multiplicative_1.01": lambda o: S.MultiplicativeLR(o, lr_lambda=lambda t: 1.01),
    "multiplicative_0.95": lambda o: S.MultiplicativeLR(o, lr_lambda=lambda t: 0.95),
    "chained_constant_exponential": lambda o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=20), S.ExponentialLR(o, gamma=0.98)]),
}
momentum_cases = {
    "cyclic_triangular": lambda o: S.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=20),
    "cyclic_triangular2": lambda o: S.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=15,
                                              step_size_down=25, mode="triangular2",
                                              base_momentum=0.85, max_momentum=0.95),
    "cyclic_exp_range": lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.2, step_size_up=10,
                                             mode="exp_range", gamma=0.99),
    # A custom scale_fn with an explicit scale_mode: Descent's scale-mode= with the mode's function.
    "cyclic_exp_by_cycle": lambda o: S.CyclicLR(o, base_lr=0.02, max_lr=0.3, step_size_up=7, step_size_down=11,
                                                scale_fn=lambda a: 0.8 ** a, scale_mode="cycle"),
    "cyclic_halving_by_iterations": lambda o: S.CyclicLR(o, base_lr=0.005, max_lr=0.05, step_size_up=9,
                                                         scale_fn=lambda a: 1 / (2.0 ** (a - 1)),
                                                         scale_mode="iterations", base_momentum=0.7,
                                                         max_momentum=0.95),
    "onecycle_cos": lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=300),
    "onecycle_linear": lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=300, anneal_strategy="linear"),
    "onecycle_three_phase": lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=300, three_phase=True),
    # OneCycleLR given epochs and steps_per_epoch (total_steps = E * S); the run covers E * S steps.
    "onecycle_e12_s25": lambda o: S.OneCycleLR(o, max_lr=0.2, epochs=12, steps_per_epoch=25),
    "onecycle_e5_s37_linear": lambda o: S.OneCycleLR(o, max_lr=0.05, epochs=5, steps_per_epoch=37,
                                                     anneal_strategy="linear", pct_start=0.4),
    "onecycle_e3_s61_three": lambda o: S.OneCycleLR(o, max_lr=0.3, epochs=3, steps_per_epoch=61, three_phase=True,
                                                    div_factor=8.0, base_momentum=0.82, max_momentum=0.93),
    "onecycle_custom": lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=250, pct_start=0.25, div_factor=10.0,
                                              final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9),
}

# A fixed, reproducible metric history: a noisy, slowly decreasing loss with flat stretches.
rng = np.random.default_rng(20261125)
metrics = [1.0]
for i in range(1, 120):
    drift = -0.02 if (i // 15) % 2 == 0 else 0.0
    metrics.append(float(metrics[-1] * (1.0 + drift + 0.01 * rng.standard_normal())))
metrics_up = [-m for m in metrics]  # the same history as an accuracy-like metric (mode max)

plateau_cases = {
    "plateau_min_rel_p3": (dict(mode="min", factor=0.5, patience=3), metrics),
    "plateau_min_abs_cooldown": (dict(mode="min", factor=0.3, patience=2, threshold=0.01,
                                      threshold_mode="abs", cooldown=4, min_lr=1e-3), metrics),
    "plateau_max_rel_p0": (dict(mode="max", factor=0.7, patience=0, threshold=1e-3), metrics_up),
    "plateau_max_abs_eps": (dict(mode="max", factor=0.5, patience=1, threshold=0.005,
                                 threshold_mode="abs", min_lr=0.02, eps=0.011), metrics_up),
}


def run_plateau(kw, ms):
    opt = fresh()
    sched = S.ReduceLROnPlateau(opt, **kw)
    lrs = [float(opt.param_groups[0]["lr"])]
    for m in ms:
        opt.step()
        sched.step(m)
        lrs.append(float(opt.param_groups[0]["lr"]))
    return lrs


# ---- scikit-learn: eta read off the weight trajectory --------------------------------------
def dloss(loss, p, y):
    if loss == "squared_error":
        return p - y
    if loss == "hinge":
        return -y if p * y <= 1.0 else 0.0
    if loss == "log_loss":
        z = p * y
        if z > 18.0:
            return math.exp(-z) * -y
        if z < -18.0:
            return -y
        return -y / (math.exp(z) + 1.0)
    raise ValueError(loss)


def sklearn_etas(loss, samples=STEPS, **kw):
    classifier = loss != "squared_error"
    cls = SGDClassifier if classifier else SGDRegressor
    model = cls(loss=loss, penalty=None, fit_intercept=False, shuffle=False, **kw)
    w, etas = 0.0, []
    for i in range(samples):
        if classifier:
            y = -1.0 if w > 0 else 1.0      # always on the wrong side: |dloss| ~ 1
            model.partial_fit([[1.0]], [int(y)], classes=[-1, 1])
        else:
            y = w - 1.0 if w > 0 else w + 1.0
            model.partial_fit([[1.0]], [y])
        w_new = float(model.coef_.ravel()[0])
        etas.append((w - w_new) / dloss(loss, w, y))
        w = w_new
    assert model.t_ == samples + 1, model.t_
    return etas


def bottou_eta_init(loss, alpha):
    typw = math.sqrt(1.0 / math.sqrt(alpha))
    # sklearn calls loss.cy_gradient(1.0, -typw) with its (y, p) argument order: label 1,
    # prediction -typw. For squared error, hinge and log loss that derivative is negative, so
    # eta_init = typw for all three.
    return typw / max(1.0, dloss(loss, -typw, 1.0))


sk_cases = {
    "sk_invscaling_0.01_0.25": (dict(loss="squared_error", learning_rate="invscaling", eta0=0.01, power_t=0.25),
                                lambda t: 0.01 / t ** 0.25),
    "sk_invscaling_0.1_0.5": (dict(loss="squared_error", learning_rate="invscaling", eta0=0.1, power_t=0.5),
                              lambda t: 0.1 / t ** 0.5),
    "sk_optimal_squared_1e-4": (dict(loss="squared_error", learning_rate="optimal", alpha=1e-4),
                                lambda t: 1.0 / (1e-4 * (1.0 / (bottou_eta_init("squared_error", 1e-4) * 1e-4) + t - 1))),
    "sk_optimal_hinge_1e-3": (dict(loss="hinge", learning_rate="optimal", alpha=1e-3),
                              lambda t: 1.0 / (1e-3 * (1.0 / (bottou_eta_init("hinge", 1e-3) * 1e-3) + t - 1))),
    "sk_optimal_log_0.01": (dict(loss="log_loss", learning_rate="optimal", alpha=0.01),
                            lambda t: 1.0 / (0.01 * (1.0 / (bottou_eta_init("log_loss", 0.01) * 0.01) + t - 1))),
}


# sklearn 'adaptive': eta changes only between epochs of one fit() call, so neither partial_fit
# nor a weight-per-sample readout can show it. Instead fit(max_iter=k) is run from scratch for
# k = 1, 2, ... (deterministic: shuffle=False), and for each epoch k the script replays that
# epoch in Python for each candidate eta0 / 5^j and keeps the one that reproduces sklearn's
# coef_ after k epochs. The replay also yields the epoch objective sklearn compares (mean
# half squared error at the pre-update predictions; penalty=None so no penalty term).
ADAPTIVE = dict(eta0=0.3, n_iter_no_change=3, tol=1e-3)
_rng = np.random.default_rng(7)
ADAPTIVE_X = _rng.uniform(0.5, 1.5, 20)
ADAPTIVE_Y = 2.0 * ADAPTIVE_X + 0.3 * _rng.standard_normal(20)


def sklearn_adaptive():
    def fit(k):
        m = SGDRegressor(penalty=None, fit_intercept=False, shuffle=False, learning_rate="adaptive",
                         max_iter=k, **ADAPTIVE)
        m.fit(ADAPTIVE_X.reshape(-1, 1), ADAPTIVE_Y, coef_init=[0.0])
        return float(m.coef_[0]), m.n_iter_

    def replay(w, eta):
        total = 0.0
        for x, y in zip(ADAPTIVE_X, ADAPTIVE_Y):
            p = w * x
            total += 0.5 * (y - p) ** 2
            w = w - eta * (p - y) * x
        return w, total / len(ADAPTIVE_X)

    w, etas, objectives = 0.0, [], []
    k = 1
    while True:
        w_next, n_iter = fit(k)
        if n_iter < k:       # sklearn stopped (eta <= 1e-6 or converged) before epoch k
            break
        found = None
        for j in range(20):
            eta = ADAPTIVE["eta0"] / 5 ** j
            w_try, objective = replay(w, eta)
            if abs(w_try - w_next) <= 1e-12 * max(abs(w_next), 1e-300):
                found = (eta, objective)
                break
        if found is None:
            sys.exit(f"sk_adaptive: no eta0/5^j reproduces sklearn's epoch {k}")
        etas.append(found[0])
        objectives.append(found[1])
        w = w_next
        k += 1
        if k > 400:
            break
    if len(set(etas)) < 3:
        sys.exit("sk_adaptive: fewer than two reductions; pick a harder problem")
    return etas, objectives


def fmt(xs):
    return " ".join(repr(float(x)) for x in xs)


def main():
    out = []
    out.append("// Generated by scripts/reference/schedules.py -- do not edit.")
    out.append("// Regenerate: python3 scripts/reference/schedules.py > Tests/ScheduleTests/ScheduleFixtures.swift")
    out.append(f"// torch {torch.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}.")
    out.append("// Series are space-separated shortest round-trip Double literals; index k = step k (step 0 = first update).")
    out.append("")
    out.append("enum ScheduleFixtures {")
    out.append("    /// Learning rates recorded from PyTorch (base lr 0.1 unless the case sets its own).")
    out.append("    static let learningRates: [String: String] = [")
    moms = {}
    for name, make in torch_cases.items():
        lrs, _ = run(make)
        out.append(f'        "{name}": "{fmt(lrs)}",')
    for name, make in momentum_cases.items():
        n = {"onecycle_custom": 250, "onecycle_e12_s25": 300, "onecycle_e5_s37_linear": 185,
             "onecycle_e3_s61_three": 183}.get(name, STEPS)
        lrs, m = run(make, steps=n, momentum=True)
        moms[name] = m
        out.append(f'        "{name}": "{fmt(lrs)}",')
    for name, (kw, ms) in plateau_cases.items():
        out.append(f'        "{name}": "{fmt(run_plateau(kw, ms))}",')
    for name, (kw, formula) in sk_cases.items():
        etas = sklearn_etas(**kw)
        for t, eta in enumerate(etas, start=1):
            ref = formula(t)
            if abs(eta - ref) > 1e-12 * abs(ref):
                sys.exit(f"{name}: sklearn eta at t={t} is {eta}, formula gives {ref}")
        out.append(f'        "{name}": "{fmt(etas)}",')
    adaptive_etas, adaptive_objectives = sklearn_adaptive()
    out.append(f'        "sk_adaptive": "{fmt(adaptive_etas)}",')
    out.append("    ]")
    out.append("")
    out.append("    /// Momenta PyTorch's CyclicLR/OneCycleLR wrote into optimizer.param_groups[0]['momentum'].")
    out.append("    static let momenta: [String: String] = [")
    for name, m in moms.items():
        out.append(f'        "{name}": "{fmt(m)}",')
    out.append("    ]")
    out.append("")
    out.append("    /// The metric history fed to ReduceLROnPlateau (mode min); mode max cases use its negation.")
    out.append(f'    static let plateauMetrics = "{fmt(metrics)}"')
    out.append("")
    out.append("    /// sklearn 'adaptive' (eta0 0.3, n_iter_no_change 3, tol 1e-3): the epoch objectives sklearn")
    out.append("    /// compared; sk_adaptive[k] is the eta it used in epoch k.")
    out.append(f'    static let adaptiveObjectives = "{fmt(adaptive_objectives)}"')
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
