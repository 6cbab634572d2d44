#!/usr/bin/env python3
"""Golden traces of torch.optim.Adagrad, RMSprop, Adam and AdamW for the OptimizerTests.

Problem: least squares with a weight and a bias, f(w, b) = 1/(2n) Σᵢ (xᵢ·w + b − yᵢ)², float64,
n = 5 samples of 3 features (X, Y below), start w0, b0. The gradient is computed by plain Python
loops in a fixed order (rᵢ = ((xᵢ₀w₀ + xᵢ₁w₁) + xᵢ₂w₂) + b − yᵢ, then gw_j = (Σᵢ xᵢⱼrᵢ)/n and
gb = (Σᵢ rᵢ)/n), which `AdaptiveTestProblem` in Tests/OptimizerTests repeats, so the traces test
the optimizers alone.

The parameters are two torch param groups, as Descent's two `ParameterGroup`s:
  * "weight" = x[0..<3]: lr = the scheduled rate, weight_decay = the optimizer's;
  * "bias"   = x[3..<4]: lr = the scheduled rate × BIAS_SCALE (Descent's learningRateScale),
    weight_decay = the case's bias decay (Descent's group weightDecay override).
Before each step the scheduled rate is written into both groups (as a scheduler does) and the
gradient is set by hand; torch runs its default single-tensor path (foreach=False).

Each case is printed with its Descent text form (`--optimizer`), the rates, and x = [w, b] after
every step with Python's shortest round-tripping repr, as Swift source.

Regenerate (from the package root):
    python3 scripts/reference/adaptive_torch.py > Tests/OptimizerTests/AdaptiveFixtures.swift
"""
import json

import torch

torch.set_default_dtype(torch.float64)

X = [[1.0, 2.0, -1.0], [0.5, -1.0, 2.0], [-1.5, 0.5, 1.0], [2.0, 1.0, 0.5], [0.0, -2.0, 1.5]]
Y = [1.0, -2.0, 0.5, 3.0, -1.0]
W0 = [0.5, -0.25, 1.0]
B0 = 0.2
BIAS_SCALE = 2.0
STEPS = 20


def gradient(w, b):
    n = len(X)
    r = []
    for xi, yi in zip(X, Y):
        s = 0.0
        for xij, wj in zip(xi, w):
            s += xij * wj
        r.append(s + b - yi)
    gw = []
    for j in range(len(w)):
        s = 0.0
        for i in range(n):
            s += X[i][j] * r[i]
        gw.append(s / n)
    s = 0.0
    for ri in r:
        s += ri
    return gw, s / n


CONSTANT = [0.05] * STEPS
# A schedule: the rate changes every step (pins that the rate of the step is used where torch uses it).
DECAYING = [0.1 * 0.9 ** k for k in range(STEPS)]

# (name, torch class, torch kwargs, rates, bias weight decay)
CASES = [
    ("adagrad", "defaults, weight decay 0.1", torch.optim.Adagrad, dict(weight_decay=0.1), [0.1] * STEPS, 0.0),
    ("adagrad", "lr_decay 0.05, initial accumulator 0.5, eps 1e-6, decaying rate", torch.optim.Adagrad,
     dict(lr_decay=0.05, initial_accumulator_value=0.5, eps=1e-6), DECAYING, 0.0),
    ("adagrad", "lr_decay 0.1, initial accumulator 0.1, weight decay 0.2, bias decay 0.05", torch.optim.Adagrad,
     dict(lr_decay=0.1, initial_accumulator_value=0.1, weight_decay=0.2), [0.3] * STEPS, 0.05),
    ("rmsprop", "defaults", torch.optim.RMSprop, dict(), CONSTANT, 0.0),
    ("rmsprop", "centered, momentum 0.9, alpha 0.9, weight decay 0.1", torch.optim.RMSprop,
     dict(alpha=0.9, momentum=0.9, centered=True, weight_decay=0.1), [0.01] * STEPS, 0.0),
    ("rmsprop", "momentum 0.5, eps 1e-4, decaying rate, bias decay 0.05", torch.optim.RMSprop,
     dict(momentum=0.5, eps=1e-4), DECAYING, 0.05),
    ("rmsprop", "centered, alpha 0.95", torch.optim.RMSprop, dict(alpha=0.95, centered=True), CONSTANT, 0.0),
    ("adam", "defaults", torch.optim.Adam, dict(), CONSTANT, 0.0),
    ("adam", "amsgrad, betas 0.8 0.99, weight decay 0.1", torch.optim.Adam,
     dict(betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True), CONSTANT, 0.0),
    ("adam", "eps 1e-6, weight decay 0.05, bias decay 0.2, decaying rate", torch.optim.Adam,
     dict(eps=1e-6, weight_decay=0.05), DECAYING, 0.2),
    ("adam", "beta1 0, amsgrad", torch.optim.Adam, dict(betas=(0.0, 0.999), amsgrad=True), CONSTANT, 0.0),
    ("adamw", "defaults (weight decay 0.01)", torch.optim.AdamW, dict(), CONSTANT, 0.0),
    ("adamw", "amsgrad, weight decay 0.1, decaying rate", torch.optim.AdamW,
     dict(weight_decay=0.1, amsgrad=True), DECAYING, 0.0),
    ("adamw", "weight decay 0.5, bias decay 0.1, betas 0.85 0.95", torch.optim.AdamW,
     dict(weight_decay=0.5, betas=(0.85, 0.95)), CONSTANT, 0.1),
]


def descent_text(name, kwargs):
    """Descent's --optimizer text form of the torch kwargs (any field order parses)."""
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


def run(cls, kwargs, rates, bias_decay):
    w = torch.nn.Parameter(torch.tensor(W0))
    b = torch.nn.Parameter(torch.tensor([B0]))
    groups = [dict(params=[w]), dict(params=[b], weight_decay=bias_decay)]
    opt = cls(groups, lr=rates[0], foreach=False, **kwargs)
    trace = []
    for rate in rates:
        gw, gb = gradient(w.detach().tolist(), b.detach().item())
        w.grad = torch.tensor(gw)
        b.grad = torch.tensor([gb])
        opt.param_groups[0]["lr"] = rate
        opt.param_groups[1]["lr"] = rate * BIAS_SCALE
        opt.step()
        trace.append(w.detach().tolist() + b.detach().tolist())
    return trace


def swift_array(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def swift_matrix(rows, indent):
    pad = " " * indent
    return "[\n" + ",\n".join(pad + "    " + swift_array(r) for r in rows) + ",\n" + pad + "]"


def main():
    out = []
    w = out.append
    w("// Generated by scripts/reference/adaptive_torch.py with torch %s. Do not edit." % torch.__version__)
    w("// Regenerate from the package root:")
    w("//     python3 scripts/reference/adaptive_torch.py > Tests/OptimizerTests/AdaptiveFixtures.swift")
    w("//")
    w("// f(w, b) = 1/(2n) Σᵢ (xᵢ·w + b − yᵢ)², float64, x = [w, b]: two torch param groups, \"weight\" x[0..<3]")
    w("// (the optimizer's weight decay) and \"bias\" x[3..<4] (lr × biasScale, weight decay `biasWeightDecay`).")
    w("// `x[k]` is the parameter after step k (0-based); `learningRates[k]` is the scheduled rate of step k.")
    w("")
    w("enum AdaptiveFixtures {")
    w("    static let features: [[Double]] = " + swift_matrix(X, 4))
    w("    static let targets: [Double] = " + swift_array(Y))
    w("    static let x0: [Double] = " + swift_array(W0 + [B0]))
    w("    static let biasScale: Double = %r" % BIAS_SCALE)
    w("")
    w("    struct Trace {")
    w("        /// The registry name and the case.")
    w("        var optimizer: String, name: String")
    w("        /// Descent's text form of the torch options (the weight group's decay is the optimizer's).")
    w("        var settings: String")
    w("        var learningRates: [Double]")
    w("        var biasWeightDecay: Double")
    w("        var x: [[Double]]")
    w("    }")
    w("")
    w("    static let traces: [Trace] = [")
    for opt_name, name, cls, kwargs, rates, bias_decay in CASES:
        trace = run(cls, kwargs, rates, bias_decay)
        w("        Trace(")
        w("            optimizer: %s, name: %s," % (json.dumps(opt_name), json.dumps(name)))
        w("            settings: %s," % json.dumps(descent_text(opt_name, kwargs)))
        w("            learningRates: %s," % swift_array(rates))
        w("            biasWeightDecay: %r," % bias_decay)
        w("            x: " + swift_matrix(trace, 12) + "),")
    w("    ]")
    w("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
