/// A constant learning rate, optionally lowered for the first `iterations` steps — PyTorch's
/// `ConstantLR` and scikit-learn's `learning_rate='constant'`.
///
///     η(t) = η₀ · factor   for t < iterations
///     η(t) = η₀            for t ≥ iterations
///
/// Defaults `factor = 1, iterations = 0` give the plain constant η₀ (sklearn `constant`, torch
/// without a scheduler). PyTorch's `ConstantLR` defaults are `factor = 1/3, total_iters = 5`.
/// `factor` must be in [0, 1] (as in PyTorch). Text form: `constant` or
/// `constant:factor=0.5,iters=40,unit=epoch`.
public struct ConstantSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// The factor applied during the first `iterations` steps.
    public let factor: Double
    /// How many steps the factor lasts (0: none).
    public let iterations: Int
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// η₀·factor for `iterations` steps, then η₀; throws a `ScheduleError` naming the field when a value is out
    /// of its range.
    public init(baseLearningRate: Double, factor: Double = 1, iterations: Int = 0, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.within(factor, "factor", lower: 0, lowerOpen: false, upper: 1, upperOpen: false)
        try Check.nonNegative(iterations, "iters")
        self.baseLearningRate = baseLearningRate
        self.factor = factor
        self.iterations = iterations
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return step < iterations ? baseLearningRate * factor : baseLearningRate
    }

    public var description: String {
        factor == 1 || iterations == 0
            ? "constant:unit=\(unit.rawValue)"
            : "constant:factor=\(formatNumber(factor)),iters=\(iterations),unit=\(unit.rawValue)"
    }
}
