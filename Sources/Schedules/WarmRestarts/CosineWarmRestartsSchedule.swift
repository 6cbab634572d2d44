import Foundation

/// Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017) — PyTorch's
/// `CosineAnnealingWarmRestarts`.
///
///     η(t) = η_min + (η₀ − η_min) · (1 + cos(π T_cur / T_i)) / 2
///
/// where the i-th cycle lasts T_i = T₀ · T_mult^i steps and T_cur counts steps since the last
/// restart (T_cur < T_i always, so η_min itself is never reached; PyTorch #47560). T₀ > 0,
/// T_mult ≥ 1 integers; PyTorch default η_min = 0. Integer steps only (PyTorch's fractional
/// `step(epoch + i/n)` is expressed here by choosing `unit: .batch` and T₀ in batches).
/// Text form: `restarts:T0=10,mult=2,min=0,unit=epoch`.
public struct CosineWarmRestartsSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// T₀, the length of the first period.
    public let firstPeriod: Int
    /// The factor by which each period is longer than the one before.
    public let periodMultiplier: Int
    /// The rate at the end of each period.
    public let minimumLearningRate: Double
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// Cosine annealing restarted at every period's end; throws a `ScheduleError` naming the field when a value
    /// is out of its range.
    public init(baseLearningRate: Double, firstPeriod: Int, periodMultiplier: Int = 1,
                minimumLearningRate: Double = 0, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.positive(firstPeriod, "T0")
        try Check.positive(periodMultiplier, "mult")
        try Check.nonNegative(minimumLearningRate, "min")
        self.baseLearningRate = baseLearningRate
        self.firstPeriod = firstPeriod
        self.periodMultiplier = periodMultiplier
        self.minimumLearningRate = minimumLearningRate
        self.unit = unit
    }

    /// (T_cur, T_i) for a step: walks the geometric cycle lengths, O(log t) for T_mult > 1.
    func position(of step: Int) -> (current: Int, length: Int) {
        if periodMultiplier == 1 { return (step % firstPeriod, firstPeriod) }
        var current = step, length = firstPeriod
        while current >= length {
            current -= length
            let (next, overflow) = length.multipliedReportingOverflow(by: periodMultiplier)
            if overflow { break }
            length = next
        }
        return (current, length)
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        let (current, length) = position(of: step)
        return cosineInterpolation(from: baseLearningRate, to: minimumLearningRate,
                                   fraction: Double(current) / Double(length))
    }

    public var description: String {
        "restarts:T0=\(firstPeriod),mult=\(periodMultiplier),min=\(formatNumber(minimumLearningRate)),unit=\(unit.rawValue)"
    }
}
