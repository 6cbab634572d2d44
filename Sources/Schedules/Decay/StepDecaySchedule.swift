import Foundation

/// Step decay — PyTorch's `StepLR`: multiply by γ every `stepSize` steps.
///
///     η(t) = η₀ · γ^⌊t / stepSize⌋        (PyTorch default γ = 0.1)
///
/// Text form: `step:size=30,gamma=0.1,unit=epoch`.
public struct StepDecaySchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// The steps between two multiplications by γ.
    public let stepSize: Int
    /// γ, the factor every `stepSize` steps.
    public let gamma: Double
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// η₀·γ^⌊t/stepSize⌋; throws a `ScheduleError` naming the field when a value is out of its range.
    public init(baseLearningRate: Double, stepSize: Int, gamma: Double = 0.1, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.positive(stepSize, "size")
        try Check.positive(gamma, "gamma")
        self.baseLearningRate = baseLearningRate
        self.stepSize = stepSize
        self.gamma = gamma
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return baseLearningRate * pow(gamma, Double(step / stepSize))
    }

    public var description: String {
        "step:size=\(stepSize),gamma=\(formatNumber(gamma)),unit=\(unit.rawValue)"
    }
}
