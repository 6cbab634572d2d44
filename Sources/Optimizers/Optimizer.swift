import LinearAlgebra

/// An update rule over one flat parameter buffer.
///
/// Conformers keep the math in small functions of (parameters, gradient, state, hyper-parameters)
/// with the equation in their doc comment, and the bookkeeping here. Construction takes the
/// parameter count and the `ParameterGroup`s and allocates all state, so `step` never allocates.
public protocol Optimizer<Scalar> {
    /// The element type of the parameters and gradients (`Float` or `Double`).
    associatedtype Scalar: BLASScalar

    /// A short identifier ("sgd", "dog", …), also the `kind` of the saved state.
    var name: String { get }

    /// The parameter count the optimizer was built for.
    var parameterCount: Int { get }

    /// One update, in place. `gradient` holds ∇f at `parameters` on entry and may be overwritten
    /// (used as scratch, e.g. for weight decay). `learningRate` is the scheduled rate for this step;
    /// learning-rate-free methods treat it as a multiplier (1 = the method's own step).
    mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>,
                       gradient: UnsafeMutableBufferPointer<Scalar>,
                       learningRate: Double)

    /// The momentum coefficient, or nil when the method has none.
    var momentum: Double? { get }

    /// Sets the momentum coefficient (momentum-cycling schedules call this every step). Throws when
    /// the method has no momentum, so a schedule never turns momentum on silently.
    mutating func setMomentum(_ value: Double) throws

    /// Writes the point to evaluate and to save (Schedule-Free's x, an averaged iterate, …) into
    /// `destination`; for most methods it is `parameters` itself.
    func evaluationPoint(parameters: UnsafeBufferPointer<Scalar>, into destination: UnsafeMutableBufferPointer<Scalar>)

    /// A complete snapshot of the state; `restore` makes the optimizer continue bit-identically.
    /// Optimizers with a typed state adopt `OptimizerWithTypedState`, which writes the envelope.
    func saveState() -> OptimizerState
    /// Restores a `saveState()` snapshot, or throws `OptimizerError` and leaves the optimizer
    /// unchanged (another kind or version, a missing or malformed entry, another shape).
    mutating func restore(_ state: OptimizerState) throws

    /// For model averaging (local SGD): how many state elements are averaged across processes with
    /// the parameters (SGD: its momentum buffer, or 0 without momentum); nil when the state holds
    /// more than averaging can combine (step-size estimates, running maxima, …). The default is nil.
    var averagedStateCount: Int? { get }

    /// Calls `body` with the `averagedStateCount` elements averaging combines, to be changed in
    /// place (the default passes an empty buffer). Must not allocate.
    mutating func withAveragedState(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows
}

extension Optimizer {
    public var momentum: Double? { nil }

    public var averagedStateCount: Int? { nil }

    public mutating func withAveragedState(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        try body(UnsafeMutableBufferPointer(start: nil, count: 0))
    }

    public mutating func setMomentum(_ value: Double) throws {
        throw OptimizerError("\(name) has no momentum to cycle; use an optimizer with momentum or turn momentum cycling off")
    }

    public func evaluationPoint(parameters: UnsafeBufferPointer<Scalar>, into destination: UnsafeMutableBufferPointer<Scalar>) {
        BLAS.copy(parameters, destination)
    }

    /// Convenience for arrays (tests, small problems).
    public mutating func step(parameters: inout [Scalar], gradient: inout [Scalar], learningRate: Double) {
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in step(parameters: p, gradient: g, learningRate: learningRate) }
        }
    }
}

/// An optimizer built with a base learning rate (SGD's γ, AdaDelta's multiplier), for callers that
/// step it without a schedule.
public protocol OptimizerWithBaseLearningRate: Optimizer {
    /// The rate used by `step(parameters:gradient:)` when no scheduled rate is passed.
    var learningRate: Double { get }
}

extension OptimizerWithBaseLearningRate {
    /// One update with the base `learningRate`.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>) {
        step(parameters: parameters, gradient: gradient, learningRate: learningRate)
    }

    /// Array convenience of `step(parameters:gradient:)`.
    public mutating func step(parameters: inout [Scalar], gradient: inout [Scalar]) {
        step(parameters: &parameters, gradient: &gradient, learningRate: learningRate)
    }
}
