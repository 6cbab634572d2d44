/// `AdaDelta`'s state, format version 1: the step count and both running averages.
public struct AdaDeltaState: OptimizerStatePayload {
    public static let version = 1
    /// Completed updates.
    public var stepCount: Int
    /// E[g²] and E[Δ²], one element per parameter.
    public var squaredGradientAverage: [Double]
    public var squaredUpdateAverage: [Double]

    public init(stepCount: Int, squaredGradientAverage: [Double], squaredUpdateAverage: [Double]) {
        self.stepCount = stepCount
        self.squaredGradientAverage = squaredGradientAverage; self.squaredUpdateAverage = squaredUpdateAverage
    }
}

extension AdaDelta: OptimizerWithTypedState {
    public typealias State = AdaDeltaState

    public var state: AdaDeltaState {
        AdaDeltaState(stepCount: stepCount, squaredGradientAverage: squaredGradientAverage.map { Double($0) },
                      squaredUpdateAverage: squaredUpdateAverage.map { Double($0) })
    }

    public func validate(_ s: AdaDeltaState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.perParameter(s.squaredGradientAverage, "squaredGradientAverage")
        try check.perParameter(s.squaredUpdateAverage, "squaredUpdateAverage")
    }

    /// Restores a `saveState()` snapshot; throws (leaving the optimizer unchanged) for another kind
    /// or version, a missing entry or vectors of another length.
    public mutating func restore(_ saved: OptimizerState) throws {
        install(try validatedState(from: saved))
    }

    mutating func install(_ s: AdaDeltaState) {
        stepCount = s.stepCount
        squaredGradientAverage = s.squaredGradientAverage.map { Scalar($0) }
        squaredUpdateAverage = s.squaredUpdateAverage.map { Scalar($0) }
    }
}
