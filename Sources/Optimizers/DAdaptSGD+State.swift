/// `DAdaptSGD`'s state, format version 1.
public struct DAdaptSGDState: OptimizerStatePayload {
    public static let version = 1
    /// Steps taken (a step skipped because ‖g₀‖ or ‖s‖ was 0 does not count).
    public var stepCount: Int
    /// d, Σ λ_i⟨g_i, s_i⟩ and ‖g₀‖. d may be +∞ after a divergence, so it is not range-checked.
    public var distance: Double
    public var numerator: Double
    public var initialGradientNorm: Double
    /// The current μ (changed by `setMomentum`), in [0, 1).
    public var momentum: Double
    /// x₀ and s, one element per parameter.
    public var x0: [Double]
    public var s: [Double]

    public init(stepCount: Int, distance: Double, numerator: Double, initialGradientNorm: Double, momentum: Double,
                x0: [Double], s: [Double]) {
        self.stepCount = stepCount; self.distance = distance; self.numerator = numerator
        self.initialGradientNorm = initialGradientNorm; self.momentum = momentum; self.x0 = x0; self.s = s
    }
}

extension DAdaptSGD: OptimizerWithTypedState {
    public typealias State = DAdaptSGDState

    public var state: DAdaptSGDState {
        DAdaptSGDState(stepCount: stepCount, distance: distance, numerator: numerator, initialGradientNorm: initialGradientNorm,
                       momentum: momentumValue, x0: x0.map { Double($0) }, s: s.map { Double($0) })
    }

    public func validate(_ state: DAdaptSGDState, _ check: StateCheck) throws {
        try check.counter(state.stepCount, "stepCount")
        try check.require(state.momentum, "momentum", .closedOpen(0, 1))
        try check.perParameter(state.x0, "x0")
        try check.perParameter(state.s, "s")
    }

    public mutating func restore(_ saved: OptimizerState) throws { install(try validatedState(from: saved)) }

    mutating func install(_ state: DAdaptSGDState) {
        stepCount = state.stepCount; distance = state.distance; numerator = state.numerator
        initialGradientNorm = state.initialGradientNorm; momentumValue = state.momentum
        x0 = state.x0.map { Scalar($0) }; s = state.s.map { Scalar($0) }
    }
}
