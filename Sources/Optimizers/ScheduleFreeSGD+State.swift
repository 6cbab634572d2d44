/// `ScheduleFreeSGD`'s state, format version 1.
public struct ScheduleFreeSGDState: OptimizerStatePayload {
    public static let version = 1
    /// Steps taken.
    public var stepCount: Int
    /// The current β (changed by `setMomentum`), in (0, 1): x is recovered from y by dividing by it.
    public var momentum: Double
    /// Whether z has been filled from y (the first step).
    public var started: Bool
    /// Whether the buffer holds y (training mode) rather than x (after `eval(parameters:)`).
    public var isTraining: Bool
    /// z, one element per parameter.
    public var z: [Double]
    /// Σ w_k and max γ_k, one element per parameter group.
    public var weightSums: [Double]
    public var maxRates: [Double]

    public init(stepCount: Int, momentum: Double, started: Bool, isTraining: Bool, z: [Double], weightSums: [Double],
                maxRates: [Double]) {
        self.stepCount = stepCount; self.momentum = momentum; self.started = started; self.isTraining = isTraining
        self.z = z; self.weightSums = weightSums; self.maxRates = maxRates
    }
}

extension ScheduleFreeSGD: OptimizerWithTypedState {
    public typealias State = ScheduleFreeSGDState

    public var state: ScheduleFreeSGDState {
        ScheduleFreeSGDState(stepCount: stepCount, momentum: beta, started: started, isTraining: isTraining,
                             z: z.map { Double($0) }, weightSums: weightSums, maxRates: maxRates)
    }

    public func validate(_ s: ScheduleFreeSGDState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.require(s.momentum, "momentum", .open(0, 1))
        try check.perParameter(s.z, "z")
        try check.length(s.weightSums, "weightSums", groups.count, per: "parameter group")
        try check.length(s.maxRates, "maxRates", groups.count, per: "parameter group")
    }

    public mutating func restore(_ saved: OptimizerState) throws { install(try validatedState(from: saved)) }

    mutating func install(_ s: ScheduleFreeSGDState) {
        stepCount = s.stepCount; beta = s.momentum; started = s.started; isTraining = s.isTraining
        z = s.z.map { Scalar($0) }; weightSums = s.weightSums; maxRates = s.maxRates
    }
}
