import Foundation

// scikit-learn's SGDRegressor/SGDClassifier learning-rate rules
// (`sklearn/linear_model/_sgd_fast.pyx.tp`). sklearn counts t per training sample, starting at 1
// and continuing across epochs. Here this schedule has `unit == .sample`: `step` is the number
// of samples consumed before the update, so t = step + 1 (a mini-batch update uses the t of its
// first sample).

/// scikit-learn `learning_rate='invscaling'`:
///
///     η(t) = η₀ / t^p,   t = step + 1       (SGDRegressor defaults η₀ = 0.01, p = 0.25)
///
/// Text form: `invscaling:power=0.25` (η₀ from `--lr`, or `eta0=`).
public struct InverseScalingSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀ (scikit-learn's `eta0`).
    public let baseLearningRate: Double
    /// The power of t (scikit-learn's `power_t`).
    public let power: Double
    /// Always `.sample`: t counts training samples.
    public var unit: ScheduleUnit { .sample }

    /// η₀ / t^power; throws a `ScheduleError` naming the field when a value is out of its range.
    public init(baseLearningRate: Double = 0.01, power: Double = 0.25) throws {
        try Check.nonNegative(baseLearningRate, "eta0")
        try Check.nonNegative(power, "power")
        self.baseLearningRate = baseLearningRate
        self.power = power
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return baseLearningRate / pow(Double(step + 1), power)
    }

    public var description: String { "invscaling:eta0=\(formatNumber(baseLearningRate)),power=\(formatNumber(power))" }
}
