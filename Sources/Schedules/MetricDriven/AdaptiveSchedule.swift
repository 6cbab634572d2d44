// scikit-learn's SGDRegressor/SGDClassifier learning-rate rules
// (`sklearn/linear_model/_sgd_fast.pyx.tp`); this one counts epochs, not samples.

/// scikit-learn `learning_rate='adaptive'`, as a pure fold over the per-epoch objective
/// (sklearn: the mean training loss plus penalty of the epoch; early-stopping variants use a
/// validation score — pass its negation so lower is better).
///
/// η = η₀, best = +∞, bad = 0; after each epoch with objective m:
///
///     if m > best − tol { bad += 1 } else { bad = 0 }
///     if m < best { best = m }
///     if bad ≥ n_iter_no_change and η > 1e-6 { η ← η/5; bad = 0 }
///
/// sklearn stops training instead of reducing once η ≤ 1e-6; stopping is the loop's business, so
/// here η just stays. `tol = nil` (sklearn `tol=None`) disables reductions. Defaults η₀ = 0.01,
/// n_iter_no_change = 5, tol = 1e-3. Text form: `adaptive:n=5,tol=1e-3` (η₀ from `--lr`).
public struct AdaptiveSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀ (scikit-learn's `eta0`).
    public let baseLearningRate: Double
    /// Epochs without improvement before the rate is divided by 5 (`n_iter_no_change`).
    public let patience: Int
    /// The improvement that counts (`tol`); nil disables reductions.
    public let tolerance: Double?
    /// Always `.epoch`: one step and one metric per epoch.
    public var unit: ScheduleUnit { .epoch }
    public var usesMetrics: Bool { true }

    /// scikit-learn's `adaptive` rule with these settings; throws a `ScheduleError` naming the field when a
    /// value is out of its range.
    public init(baseLearningRate: Double = 0.01, patience: Int = 5, tolerance: Double? = 1e-3) throws {
        try Check.nonNegative(baseLearningRate, "eta0")
        try Check.positive(patience, "n")
        if let tol = tolerance { try Check.nonNegative(tol, "tol") }
        self.baseLearningRate = baseLearningRate
        self.patience = patience
        self.tolerance = tolerance
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        guard let tol = tolerance else { return baseLearningRate }
        var eta = baseLearningRate, best = Double.infinity, bad = 0
        for m in metrics {
            if m > best - tol { bad += 1 } else { bad = 0 }
            if m < best { best = m }
            if bad >= patience && eta > 1e-6 { eta /= 5; bad = 0 }
        }
        return eta
    }

    public var description: String {
        "adaptive:eta0=\(formatNumber(baseLearningRate)),n=\(patience),tol=\(tolerance.map(formatNumber) ?? "none")"
    }
}
