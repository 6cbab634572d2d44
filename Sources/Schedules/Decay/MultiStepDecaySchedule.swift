import Foundation

/// Multi-step decay — PyTorch's `MultiStepLR`: multiply by γ at each milestone.
///
///     η(t) = η₀ · γ^(number of milestones m with m ≤ t)        (PyTorch default γ = 0.1)
///
/// Milestones must be non-decreasing and ≥ 0; a repeated milestone counts twice (as in PyTorch).
/// Text form: `multistep:at=30/80/150,gamma=0.1,unit=epoch`.
public struct MultiStepDecaySchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// The steps at which the rate is multiplied by γ.
    public let milestones: [Int]
    /// γ, the factor at each milestone.
    public let gamma: Double
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// η₀ multiplied by γ at each of `milestones`; throws a `ScheduleError` naming the field when a value is
    /// out of its range.
    public init(baseLearningRate: Double, milestones: [Int], gamma: Double = 0.1, unit: ScheduleUnit) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        if milestones.isEmpty { throw ScheduleError(field: "at", "needs at least one milestone") }
        if milestones.contains(where: { $0 < 0 }) || milestones != milestones.sorted() {
            throw ScheduleError(field: "at", "milestones must be >= 0 and non-decreasing, got \(milestones)")
        }
        try Check.positive(gamma, "gamma")
        self.baseLearningRate = baseLearningRate
        self.milestones = milestones
        self.gamma = gamma
        self.unit = unit
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        let passed = milestones.lazy.filter { $0 <= step }.count
        return baseLearningRate * pow(gamma, Double(passed))
    }

    public var description: String {
        "multistep:at=\(milestones.map(String.init).joined(separator: "/")),gamma=\(formatNumber(gamma)),unit=\(unit.rawValue)"
    }
}
