import Foundation

/// Exponential decay — PyTorch's `ExponentialLR`.
///
///     η(t) = η₀ · γ^t
///
/// Text form: `exp:gamma=0.99,unit=epoch`.
public struct ExponentialSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// γ, the factor per step.
    public let gamma: Double
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// η₀·γᵗ; throws a `ScheduleError` naming the field when a value is out of its range.
    public init(baseLearningRate: Double, gamma: Double, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.positive(gamma, "gamma")
        self.baseLearningRate = baseLearningRate
        self.gamma = gamma
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return baseLearningRate * pow(gamma, Double(step))
    }

    public var description: String { "exp:gamma=\(formatNumber(gamma)),unit=\(unit.rawValue)" }
}
