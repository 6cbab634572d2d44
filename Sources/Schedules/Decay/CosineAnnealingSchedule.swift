import Foundation

/// Cosine annealing — PyTorch's `CosineAnnealingLR` (closed form, SGDR without restarts).
///
///     η(t) = η_min + (η₀ − η_min) · (1 + cos(π t / T)) / 2
///
/// (PyTorch default η_min = 0.) As in PyTorch there is no restart and no clamp: past T the cosine
/// climbs back towards η₀ with period 2T. Use `CosineWarmRestartsSchedule` for restarts, or a
/// `SequentialSchedule` with a constant tail to hold η_min. PyTorch evaluates this recursively
/// (so it also absorbs outside LR changes); the values agree with the closed form to rounding.
/// Text form: `cosine:T=100,min=1e-4,unit=epoch`.
public struct CosineAnnealingSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// T, the steps from η₀ to the minimum.
    public let period: Int
    /// The rate at step T.
    public let minimumLearningRate: Double
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// Cosine annealing from `baseLearningRate` to `minimumLearningRate` over `period` steps; throws a
    /// `ScheduleError` naming the field when a value is out of its range.
    public init(baseLearningRate: Double, period: Int, minimumLearningRate: Double = 0, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.positive(period, "T")
        try Check.nonNegative(minimumLearningRate, "min")
        self.baseLearningRate = baseLearningRate
        self.period = period
        self.minimumLearningRate = minimumLearningRate
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return cosineInterpolation(from: baseLearningRate, to: minimumLearningRate,
                                   fraction: Double(step) / Double(period))
    }

    public var description: String {
        "cosine:T=\(period),min=\(formatNumber(minimumLearningRate)),unit=\(unit.rawValue)"
    }
}

/// η_min + (η₀ − η_min)(1 + cos(π·fraction))/2: η₀ at fraction 0, η_min at fraction 1.
@inline(__always)
func cosineInterpolation(from start: Double, to end: Double, fraction: Double) -> Double {
    end + (start - end) * (1 + cos(Double.pi * fraction)) / 2
}
