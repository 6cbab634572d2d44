/// Linear interpolation of a multiplicative factor — PyTorch's `LinearLR`, the usual warm-up.
///
///     η(t) = η₀ · (s + (e − s) · min(t, T) / T)
///
/// with s = `startFactor` ∈ (0, 1], e = `endFactor` ∈ [0, 1], T = `iterations` > 0 (PyTorch's
/// ranges; its defaults are s = 1/3, e = 1, T = 5). Constant at η₀·e from step T on.
/// Text form: `linear:start=0.1,end=1,iters=50,unit=batch`.
public struct LinearSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// s, the factor at step 0.
    public let startFactor: Double
    /// e, the factor from step T on.
    public let endFactor: Double
    /// T, the steps from s to e.
    public let iterations: Int
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// η₀ times a factor moving linearly from s to e over T steps; throws a `ScheduleError` naming the field
    /// when a value is out of its range.
    public init(baseLearningRate: Double, startFactor: Double = 1.0 / 3, endFactor: Double = 1,
                iterations: Int = 5, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.within(startFactor, "start", lower: 0, lowerOpen: true, upper: 1, upperOpen: false)
        try Check.within(endFactor, "end", lower: 0, lowerOpen: false, upper: 1, upperOpen: false)
        try Check.positive(iterations, "iters")
        self.baseLearningRate = baseLearningRate
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.iterations = iterations
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        let progress = Double(min(step, iterations)) / Double(iterations)
        return baseLearningRate * (startFactor + (endFactor - startFactor) * progress)
    }

    public var description: String {
        "linear:start=\(formatNumber(startFactor)),end=\(formatNumber(endFactor)),iters=\(iterations),unit=\(unit.rawValue)"
    }
}
