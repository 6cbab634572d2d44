import Foundation

/// Polynomial decay to zero — PyTorch's `PolynomialLR`.
///
///     η(t) = η₀ · (1 − min(t, T) / T)^p        (PyTorch defaults T = 5, p = 1)
///
/// Reaches 0 at t = T and stays there. Text form: `poly:iters=100,power=1,unit=epoch`.
public struct PolynomialSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// T, the step at which the rate reaches 0.
    public let iterations: Int
    /// p, the power of the decay.
    public let power: Double
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// η₀·(1 − min(t, T)/T)^p; throws a `ScheduleError` naming the field when a value is out of its range.
    public init(baseLearningRate: Double, iterations: Int = 5, power: Double = 1, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.positive(iterations, "iters")
        try Check.positive(power, "power")
        self.baseLearningRate = baseLearningRate
        self.iterations = iterations
        self.power = power
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return baseLearningRate * pow(1 - Double(min(step, iterations)) / Double(iterations), power)
    }

    public var description: String {
        "poly:iters=\(iterations),power=\(formatNumber(power)),unit=\(unit.rawValue)"
    }
}
