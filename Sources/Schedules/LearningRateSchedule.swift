/// A learning-rate (and optionally momentum) schedule: a pure, `Sendable` value.
///
/// `step` counts completed units before the update being scheduled: **step 0 is the first update**
/// (for `.epoch` schedules, every update of the first epoch sees step 0; for `.sample`, step is the
/// number of samples consumed before this update). Metric-driven rules (plateau, microsoftml's
/// error trigger, scikit-learn's adaptive) read `metrics`: one value per completed epoch, oldest
/// first, and are pure functions of it.
public protocol LearningRateSchedule: Sendable {
    /// What one step counts: updates, epochs or samples.
    var unit: ScheduleUnit { get }
    /// The learning rate for the update at `step`, given the metrics of the completed epochs.
    /// Throws for steps outside the schedule's domain (e.g. past OneCycle's total steps).
    func learningRate(at step: Int, metrics: [Double]) throws -> Double
    /// The momentum for that update, or nil when the schedule does not cycle momentum.
    func momentum(at step: Int, metrics: [Double]) throws -> Double?
    /// Whether the schedule reads `metrics` (so the loop must supply the epoch metric).
    var usesMetrics: Bool { get }
}

extension LearningRateSchedule {
    public func momentum(at step: Int, metrics: [Double]) throws -> Double? { nil }
    public var usesMetrics: Bool { false }
}
