/// The momentum range a cyclic schedule sweeps, opposite to the learning rate (high momentum
/// when the rate is low). Passing one is the explicit opt-in to momentum cycling: Descent never
/// cycles momentum by default (PyTorch does, and thereby silently turns momentum on for plain
/// SGD). The training loop applies it with `Optimizer.setMomentum`, which throws for an optimizer
/// without momentum — so asking to cycle momentum on such an optimizer is an error, never a
/// silent switch.
public struct MomentumCycle: Sendable, Equatable {
    /// The momentum at the rate's peak, in [0, 1).
    public let base: Double
    /// The momentum at the rate's lowest, in [0, 1).
    public let max: Double

    /// The range from `base` to `max`; throws a `ScheduleError` naming the field when a value is out of its
    /// range.
    public init(base: Double, max: Double) throws {
        try Check.within(base, "momentum", lower: 0, lowerOpen: false, upper: 1, upperOpen: true)
        try Check.within(max, "momentum", lower: 0, lowerOpen: false, upper: 1, upperOpen: true)
        if base > max { throw ScheduleError(field: "momentum", "base \(base) must not exceed max \(max)") }
        self.base = base
        self.max = max
    }

    var text: String { "\(formatNumber(base))/\(formatNumber(max))" }
}
