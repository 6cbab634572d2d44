import LinearAlgebra

/// `dadapt-sgd` (see `DAdaptSGD`).
public struct DAdaptSGDSpec: OptimizerSpec {
    public init() {}
    public var name: String { "dadapt-sgd" }
    public var aliases: [String] { ["dadaptation", "d-adaptation", "dadapt"] }
    public var summary: String { "D-Adaptation SGD (Defazio & Mishchenko 2023): learning-rate free" }
    public var defaultLearningRate: Double { 1 }
    public var fields: [OptimizerField] {
        [.number("momentum", default: 0, in: .unitLeftClosed, help: "momentum"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ"),
         .number("d0", default: 1e-6, in: .positive, help: "initial distance estimate"),
         .number("growth_rate", default: .infinity, in: ValueRange(1, .infinity), help: "largest factor by which d may grow per step")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try DAdaptSGD<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, momentum: s.number("momentum")!,
                              weightDecay: s.number("weight_decay")!, initialDistance: s.number("d0")!,
                              growthRate: s.number("growth_rate")!)
    }
}
