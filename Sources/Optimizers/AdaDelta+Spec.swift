import LinearAlgebra

/// `adadelta` (microsoftml's `adadelta_optimizer`; see `AdaDelta`).
public struct AdaDeltaSpec: OptimizerSpec {
    public init() {}
    public var name: String { "adadelta" }
    public var aliases: [String] { ["adadelta_optimizer"] }
    public var summary: String { "AdaDelta (Zeiler 2012), microsoftml's adadelta_optimizer" }
    public var defaultLearningRate: Double { 1 }
    public var fields: [OptimizerField] {
        [.number("rho", aliases: ["decay"], default: 0.95, in: .unitOpen, help: "decay ρ of the running averages"),
         .number("eps", aliases: ["epsilon", "cond"], default: 1e-6, in: .unitOpen, help: "conditioning constant ε"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ (L2 in the gradient)")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try AdaDelta<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, decay: s.number("rho")!,
                             epsilon: s.number("eps")!, weightDecay: s.number("weight_decay")!, learningRate: learningRate)
    }
}
