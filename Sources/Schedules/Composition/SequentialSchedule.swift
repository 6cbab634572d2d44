/// Children run one after another — PyTorch's `SequentialLR`, for example warm-up then cosine,
/// or warm-up then plateau (PyTorch rejects plateau children; here they compose).
///
/// With milestones m₁ < m₂ < … (k = number of milestones ≤ t, m₀ = 0):
///
///     η(t) = child_k(t − m_k, metrics recorded since m_k)
///
/// Each child sees its own step counter from 0 at its milestone, as PyTorch's `SequentialLR`
/// does (its golden values agree). A metric-driven child sees only the metrics recorded since its
/// start (`metrics.dropFirst(m_k)`: with `.epoch` units, step t follows t completed epochs),
/// so a plateau child starts from a fresh baseline. Momentum is the active child's.
///
/// Deliberate differences from PyTorch: milestones must be strictly increasing and > 0 (PyTorch
/// accepts a milestone 0 or repeated milestones, which silently skip children; #185872), and all
/// children must share the sequence's `unit`; a metric-driven child after the first needs
/// `.epoch`, because only then is the number of metrics recorded before its start known.
/// Text form: children joined by ` then@m ` — `linear:start=0.1,iters=5 then@5 cosine:T=95`.
public struct SequentialSchedule: LearningRateSchedule, CustomStringConvertible {
    /// The schedules, in the order they run.
    public let children: [any LearningRateSchedule]
    /// The steps at which the second, third, … child starts.
    public let milestones: [Int]
    /// The children's common unit.
    public let unit: ScheduleUnit

    /// `children` one after another, child k + 1 from step `milestones[k]` (one milestone fewer than children);
    /// throws a `ScheduleError` naming the field when a value is out of its range.
    public init(_ children: [any LearningRateSchedule], milestones: [Int]) throws {
        guard let first = children.first else { throw ScheduleError(field: "sequential", "needs at least one schedule") }
        if milestones.count != children.count - 1 {
            throw ScheduleError(field: "milestones", "needs \(children.count - 1) milestones for \(children.count) schedules, got \(milestones.count)")
        }
        for (i, m) in milestones.enumerated() where m <= 0 || (i > 0 && m <= milestones[i - 1]) {
            throw ScheduleError(field: "milestones", "must be > 0 and strictly increasing, got \(milestones)")
        }
        for (i, child) in children.enumerated() {
            if child.unit != first.unit {
                throw ScheduleError(field: "unit", "schedule \(i) counts in \(child.unit.rawValue) but schedule 0 in \(first.unit.rawValue); all must share one unit")
            }
            if i > 0 && child.usesMetrics && first.unit != .epoch {
                throw ScheduleError(field: "unit", "schedule \(i) reads per-epoch metrics, so the sequence must count epochs, not \(first.unit.rawValue)")
            }
        }
        self.children = children
        self.milestones = milestones
        self.unit = first.unit
    }

    public var usesMetrics: Bool { children.contains { $0.usesMetrics } }

    /// The active child and its own step for a step of the sequence.
    func active(at step: Int) -> (index: Int, start: Int) {
        var index = 0
        while index < milestones.count && milestones[index] <= step { index += 1 }
        return (index, index == 0 ? 0 : milestones[index - 1])
    }

    private func childMetrics(_ metrics: [Double], index: Int, start: Int) -> [Double] {
        start == 0 || !children[index].usesMetrics ? metrics : Array(metrics.dropFirst(start))
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        let (i, start) = active(at: step)
        return try children[i].learningRate(at: step - start, metrics: childMetrics(metrics, index: i, start: start))
    }

    public func momentum(at step: Int, metrics: [Double]) throws -> Double? {
        try Check.step(step)
        let (i, start) = active(at: step)
        return try children[i].momentum(at: step - start, metrics: childMetrics(metrics, index: i, start: start))
    }

    public var description: String {
        var s = String(describing: children[0])
        for (m, child) in zip(milestones, children.dropFirst()) { s += " then@\(m) \(child)" }
        return s
    }
}
