import Foundation

/// A constant per-step factor — PyTorch's `MultiplicativeLR` with `lr_lambda = lambda t: factor`.
///
/// torch (`torch/optim/lr_scheduler.py`, `MultiplicativeLR.get_lr`) multiplies the rate it holds by
/// `lr_lambda(t)` at every `scheduler.step()` after the first, where t is the new `last_epoch`:
///
///     η(0) = η₀,   η(t) = η(t−1) · f(t)   for t ≥ 1,   so   η(t) = η₀ · ∏_{k=1..t} f(k)
///
/// A text form cannot hold a lambda, so f is a constant here: η(t) = η₀ · f^t, the same closed form
/// as `ExponentialSchedule` with γ = f (torch's ExponentialLR also computes η(t−1)·γ). The two
/// differ in torch only for a non-constant lambda, which Descent does not offer; unlike torch's
/// `LambdaLR`, the factor compounds (LambdaLR gives η₀·f(t), not a product).
///
/// Text form: `multiplicative:factor=0.95,unit=epoch`; factor in (0, ∞).
public struct MultiplicativeSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// The factor applied at every step.
    public let factor: Double
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// η₀ multiplied by `factor` at every step; throws a `ScheduleError` naming the field when a value is out
    /// of its range.
    public init(baseLearningRate: Double, factor: Double, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.positive(factor, "factor")
        self.baseLearningRate = baseLearningRate
        self.factor = factor
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return baseLearningRate * pow(factor, Double(step))
    }

    public var description: String { "multiplicative:factor=\(formatNumber(factor)),unit=\(unit.rawValue)" }
}
