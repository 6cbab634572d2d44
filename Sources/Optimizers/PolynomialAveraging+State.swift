/// `PolynomialAveraging`'s state, format version 1: the counters, γ and the start (which must
/// match on restore), x̄, and the wrapped optimizer's own envelope.
public struct PolynomialAveragingState: OptimizerStatePayload {
    public static let version = 1
    /// The index of the next average update (1 before the first step).
    public var t: Int
    /// Updates the wrapped optimizer has taken.
    public var steps: Int
    /// The γ and the first averaged update the average was built with.
    public var gamma: Double
    public var start: Int
    /// x̄, one element per parameter.
    public var average: [Double]
    /// The wrapped optimizer's state.
    public var base: OptimizerState

    public init(t: Int, steps: Int, gamma: Double, start: Int, average: [Double], base: OptimizerState) {
        self.t = t; self.steps = steps; self.gamma = gamma; self.start = start; self.average = average; self.base = base
    }
}

extension PolynomialAveraging: OptimizerWithTypedState {
    public typealias State = PolynomialAveragingState

    public var state: PolynomialAveragingState {
        PolynomialAveragingState(t: t, steps: steps, gamma: gamma, start: start, average: average.map { Double($0) }, base: base.saveState())
    }

    /// The averager's own fields; the wrapped state is checked by the wrapped optimizer's `restore`.
    public func validate(_ s: PolynomialAveragingState, _ check: StateCheck) throws {
        try check.counter(s.t, "t", atLeast: 1)
        try check.counter(s.steps, "steps")
        try check.matches(s.gamma, gamma, "gamma")
        try check.matches(s.start, start, "start")
        guard s.t - 1 == Swift.max(0, s.steps - start) else {
            throw check.error("has t \(s.t), which does not fit \(s.steps) updates averaged from update \(start)")
        }
        try check.perParameter(s.average, "average")
    }

    /// Restores the averager and the wrapped optimizer; throws, leaving both unchanged, when either
    /// state does not fit (the wrapped optimizer's restore is the last step that can throw).
    public mutating func restore(_ saved: OptimizerState) throws {
        let s = try validatedState(from: saved)
        try base.restore(s.base)
        t = s.t
        steps = s.steps
        average = s.average.map { Scalar($0) }
    }
}
