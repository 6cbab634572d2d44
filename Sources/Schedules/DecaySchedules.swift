import Foundation

/// Step decay — PyTorch's `StepLR`: multiply by γ every `stepSize` steps.
///
///     η(t) = η₀ · γ^⌊t / stepSize⌋        (PyTorch default γ = 0.1)
///
/// Text form: `step:size=30,gamma=0.1,unit=epoch`.
public struct StepDecaySchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    public let baseLearningRate: Double
    public let stepSize: Int
    public let gamma: Double
    public let unit: ScheduleUnit

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

/// Multi-step decay — PyTorch's `MultiStepLR`: multiply by γ at each milestone.
///
///     η(t) = η₀ · γ^(number of milestones m with m ≤ t)        (PyTorch default γ = 0.1)
///
/// Milestones must be non-decreasing and ≥ 0; a repeated milestone counts twice (as in PyTorch).
/// Text form: `multistep:at=30/80/150,gamma=0.1,unit=epoch`.
public struct MultiStepDecaySchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    public let baseLearningRate: Double
    public let milestones: [Int]
    public let gamma: Double
    public let unit: ScheduleUnit

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

/// Polynomial decay to zero — PyTorch's `PolynomialLR`.
///
///     η(t) = η₀ · (1 − min(t, T) / T)^p        (PyTorch defaults T = 5, p = 1)
///
/// Reaches 0 at t = T and stays there. Text form: `poly:iters=100,power=1,unit=epoch`.
public struct PolynomialSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    public let baseLearningRate: Double
    public let iterations: Int
    public let power: Double
    public let unit: ScheduleUnit

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
