import LinearAlgebra

/// `lfm` (see `LFM`).
public struct LFMSpec: OptimizerSpec {
    public init() {}
    public var name: String { "lfm" }
    public var summary: String { "LFM, learning-rate-free momentum SGD" }
    public var defaultLearningRate: Double { 1 }
    public var fields: [OptimizerField] {
        [.number("momentum", aliases: ["beta"], default: 0.9, in: .unitLeftClosed, help: "momentum β"),
         .number("reps_rel", default: 1e-6, in: .positive, help: "relative initial distance"),
         .number("eps", aliases: ["epsilon"], default: 1e-8, in: .nonNegative, help: "ε added to the gradient square sum"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try LFM<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, momentum: s.number("momentum")!,
                        relativeInitialDistance: s.number("reps_rel")!, epsilon: s.number("eps")!, weightDecay: s.number("weight_decay")!)
    }
}
