/// `LFM`'s state, format version 1.
public struct LFMState: OptimizerStatePayload {
    public static let version = 1
    /// Completed steps.
    public var stepCount: Int
    /// The current β (changed by `setMomentum`), in [0, 1).
    public var momentum: Double
    /// x₀ and the momentum m, one element per parameter.
    public var x0: [Double]
    public var m: [Double]
    /// The last η, r̄ and Σ‖m_i‖², one element per parameter group.
    public var stepSizes: [Double]
    public var maxDistances: [Double]
    public var momentumSquares: [Double]

    public init(stepCount: Int, momentum: Double, x0: [Double], m: [Double], stepSizes: [Double],
                maxDistances: [Double], momentumSquares: [Double]) {
        self.stepCount = stepCount; self.momentum = momentum; self.x0 = x0; self.m = m
        self.stepSizes = stepSizes; self.maxDistances = maxDistances; self.momentumSquares = momentumSquares
    }
}

extension LFM: OptimizerWithTypedState {
    public typealias State = LFMState

    public var state: LFMState {
        LFMState(stepCount: stepCount, momentum: beta, x0: x0.map { Double($0) }, m: m.map { Double($0) },
                 stepSizes: stepSizes, maxDistances: maxDistances, momentumSquares: momentumSquares)
    }

    public func validate(_ s: LFMState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.require(s.momentum, "momentum", .closedOpen(0, 1))
        try check.perParameter(s.x0, "x0")
        try check.perParameter(s.m, "m")
        for (field, v) in [("stepSizes", s.stepSizes), ("maxDistances", s.maxDistances), ("momentumSquares", s.momentumSquares)] {
            try check.length(v, field, groups.count, per: "parameter group")
        }
    }

    public mutating func restore(_ saved: OptimizerState) throws { install(try validatedState(from: saved)) }

    mutating func install(_ s: LFMState) {
        stepCount = s.stepCount; beta = s.momentum
        x0 = s.x0.map { Scalar($0) }; m = s.m.map { Scalar($0) }
        stepSizes = s.stepSizes; maxDistances = s.maxDistances; momentumSquares = s.momentumSquares
    }
}
