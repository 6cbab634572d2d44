import LinearAlgebra

/// Iterate averaging, the library's one averaging mechanism: wraps an optimizer and keeps a
/// weighted average of its evaluation points, which `evaluationPoint` returns (evaluate and save
/// x̄, train on x). From the wrapped optimizer's update `start` on (0-based), the t-th averaged point
/// enters with weight
///
///     w_t = (1 + γ)/(t + γ),   x̄_t = (1 − w_t)·x̄_{t−1} + w_t·x_t     (t = 1, 2, …; w_1 = 1, so x̄_1 = x_1)
///
/// where x_t is the wrapped optimizer's evaluation point after the update (the parameters for most
/// methods). γ = 0 is the uniform running mean (averaged SGD, Polyak–Ruppert; PyTorch's
/// `ASGD(t0=…)` without its decay). scikit-learn's `average=a` (`_plain_sgd`: `if 0 < average <= t`,
/// t the 1-based sample update, then `add_average` and `average_intercept`, the running mean of the
/// weights and the intercept after each such update) is γ = 0 with `start = a − 1` (`--average-from
/// a-1`; `average=True` is a = 1, start 0), checked against scikit-learn in `SGDPenaltySklearnTests`.
/// With an L1 penalty scikit-learn averages before its L1 clip, this after the whole step; γ > 0 is polynomial-decay averaging
/// (Shamir & Zhang, ICML 2013), which DoG and L-DoG use with γ = 8 (reference `dog-optimizer` 1.0.3,
/// `dog/averager.py`, `PolynomialDecayAverager`). Until the first averaged update `evaluationPoint`
/// is the wrapped optimizer's. Its state (`PolynomialAveragingState`) is the counters, γ, the start
/// and x̄, with the wrapped optimizer's state nested: one state path, and one evaluation point that
/// the training loop, validation, early stopping and checkpoints all use.
public struct PolynomialAveraging<Base: Optimizer>: Optimizer {
    /// The wrapped optimizer's element type.
    public typealias Scalar = Base.Scalar
    /// The wrapped optimizer.
    public internal(set) var base: Base
    /// γ of the weights (1 + γ)/(τ + γ): 0 for the uniform mean, 8 as DoG's authors use.
    public let gamma: Double
    /// The wrapped optimizer's first update (0-based) whose result is averaged.
    public let start: Int
    /// The index of the next average update (1 before the first averaged update).
    public internal(set) var t = 1
    /// Updates the wrapped optimizer has taken.
    public internal(set) var steps = 0
    var average: [Scalar]
    /// Scratch for the wrapped optimizer's evaluation point.
    var point: [Scalar]

    /// Averages `base`'s iterates from its update `start` on with weight γ = `gamma`; throws an
    /// `OptimizerError` for γ < 0 or a negative start.
    public init(_ base: Base, gamma: Double = 8, start: Int = 0) throws {
        try HyperParameterCheck("polynomial averaging")(gamma, "gamma", .nonNegative)
        guard start >= 0 else { throw OptimizerError("averaging: the start update must be at least 0, got \(start)") }
        self.base = base
        self.gamma = gamma
        self.start = start
        average = Array(repeating: 0, count: base.parameterCount)
        point = average
    }

    public var name: String { base.name + "+average" }
    public var parameterCount: Int { base.parameterCount }
    public var momentum: Double? { base.momentum }
    public mutating func setMomentum(_ value: Double) throws { try base.setMomentum(value) }

    /// The current average x̄ (meaningful after the first step).
    public var averagedParameters: [Scalar] { average }

    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        base.step(parameters: parameters, gradient: gradient, learningRate: learningRate)
        steps += 1
        guard steps > start else { return }
        let w = Self.weight(t: t, gamma: gamma)
        let b = base
        point.withUnsafeMutableBufferPointer { x in
            b.evaluationPoint(parameters: UnsafeBufferPointer(parameters), into: x)
            average.withUnsafeMutableBufferPointer { Self.update(average: $0, parameters: x, weight: w) }
        }
        t += 1
    }

    /// w_t = (1 + γ)/(t + γ)
    static func weight(t: Int, gamma γ: Double) -> Double { (1 + γ) / (Double(t) + γ) }

    /// x̄ ← (1 − w)·x̄;  x̄ ← x̄ + w·x, in place.
    static func update(average x̄: UnsafeMutableBufferPointer<Scalar>, parameters x: UnsafeMutableBufferPointer<Scalar>,
                       weight w: Double) {
        BLAS.scal(Scalar(1 - w), x̄)
        BLAS.axpy(Scalar(w), x, x̄)
    }

    public func evaluationPoint(parameters: UnsafeBufferPointer<Scalar>, into destination: UnsafeMutableBufferPointer<Scalar>) {
        if t == 1 {
            base.evaluationPoint(parameters: parameters, into: destination)
        } else {
            average.withUnsafeBufferPointer { BLAS.copy($0, destination) }
        }
    }
}

// MARK: - Saved state

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
    /// The first averaged update.
    public var start: Int
    /// x̄, one element per parameter.
    public var average: [Double]
    /// The wrapped optimizer's state.
    public var base: OptimizerState

    /// A state with these values.
    public init(t: Int, steps: Int, gamma: Double, start: Int, average: [Double], base: OptimizerState) {
        self.t = t; self.steps = steps; self.gamma = gamma; self.start = start; self.average = average; self.base = base
    }
}

extension PolynomialAveraging: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`PolynomialAveragingState`).
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
