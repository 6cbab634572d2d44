import Foundation

/// Exponential decay — PyTorch's `ExponentialLR`.
///
///     η(t) = η₀ · γ^t
///
/// Text form: `exp:gamma=0.99,unit=epoch`.
public struct ExponentialSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    public let baseLearningRate: Double
    public let gamma: Double
    public let unit: ScheduleUnit

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
