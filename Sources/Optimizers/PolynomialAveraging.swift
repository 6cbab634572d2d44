import LinearAlgebra

/// Wraps an optimizer and keeps the polynomial-decay average of its iterates, which
/// `evaluationPoint` returns (evaluate and save x̄, train on x). DoG and L-DoG need it.
///
///     t = 1, 2, …:  w_t = (1 + γ)/(t + γ),   x̄_t = (1 − w_t)·x̄_{t−1} + w_t·x_t     (w_1 = 1, so x̄_1 = x_1)
///
/// x_t is the parameter buffer after the wrapped optimizer's t-th step. Before the first step
/// `evaluationPoint` is the wrapped optimizer's. Default γ = 8. Chosen as an `Optimizer` wrapper
/// so the training loop needs nothing new: it steps, evaluates and saves it like any optimizer.
/// Its state (`PolynomialAveragingState`) is t, γ and x̄ with the wrapped optimizer's state nested.
///
/// Source: Shamir, Zhang, "Stochastic Gradient Descent for Non-smooth Optimization", ICML 2013
/// (polynomial-decay averaging); as used by DoG, reference `dog-optimizer` 1.0.3 `dog/averager.py`
/// (`PolynomialDecayAverager`).
public struct PolynomialAveraging<Base: Optimizer>: Optimizer {
    public typealias Scalar = Base.Scalar
    public internal(set) var base: Base
    public let gamma: Double
    /// The index of the next average update (1 before the first step).
    public internal(set) var t = 1
    var average: [Scalar]

    public init(_ base: Base, gamma: Double = 8) throws {
        try HyperParameterCheck("polynomial averaging")(gamma, "gamma", .nonNegative)
        self.base = base
        self.gamma = gamma
        average = Array(repeating: 0, count: base.parameterCount)
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
        let w = Self.weight(t: t, gamma: gamma)
        average.withUnsafeMutableBufferPointer { Self.update(average: $0, parameters: parameters, weight: w) }
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
