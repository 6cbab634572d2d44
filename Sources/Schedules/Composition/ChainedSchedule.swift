/// Children applied together as multiplicative factors — PyTorch's `ChainedScheduler`:
///
///     η(t) = η₀ · Π_i (child_i(t) / η₀)
///
/// Every child must be built with the same base rate η₀ (PyTorch's children share the
/// optimizer's initial rate). For the multiplicative schedules (constant, linear, step,
/// multistep, exponential, polynomial, plateau) this equals PyTorch's chained result; PyTorch's
/// recursive cosine form chains differently and is not reproduced. Metrics pass to every child
/// unchanged; momentum is the last child's that cycles it (PyTorch: the last writer wins).
/// Text form: children joined by ` * ` — `constant:factor=0.1,iters=20 * exp:gamma=0.98`.
public struct ChainedSchedule: LearningRateSchedule, CustomStringConvertible {
    /// η₀, the base rate every child was built with.
    public let baseLearningRate: Double
    /// The schedules whose factors multiply.
    public let children: [any LearningRateSchedule]
    /// The children's common unit.
    public let unit: ScheduleUnit

    /// The product of `children`' factors on `baseLearningRate` (at least one child, all with this base rate
    /// and one unit); throws a `ScheduleError` naming the field when a value is out of its range.
    public init(baseLearningRate: Double, _ children: [any LearningRateSchedule]) throws {
        try Check.positive(baseLearningRate, "lr")
        guard let first = children.first else { throw ScheduleError(field: "chained", "needs at least one schedule") }
        for (i, child) in children.enumerated() where child.unit != first.unit {
            throw ScheduleError(field: "unit", "schedule \(i) counts in \(child.unit.rawValue) but schedule 0 in \(first.unit.rawValue); all must share one unit")
        }
        self.baseLearningRate = baseLearningRate
        self.children = children
        self.unit = first.unit
    }

    public var usesMetrics: Bool { children.contains { $0.usesMetrics } }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        var lr = baseLearningRate
        for child in children { lr *= try child.learningRate(at: step, metrics: metrics) / baseLearningRate }
        return lr
    }

    public func momentum(at step: Int, metrics: [Double]) throws -> Double? {
        try Check.step(step)
        var result: Double?
        for child in children { if let m = try child.momentum(at: step, metrics: metrics) { result = m } }
        return result
    }

    public var description: String { children.map { String(describing: $0) }.joined(separator: " * ") }
}
