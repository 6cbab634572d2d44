import LinearAlgebra

/// `schedule-free` (see `ScheduleFreeSGD`).
public struct ScheduleFreeSGDSpec: OptimizerSpec {
    public init() {}
    public var name: String { "schedule-free" }
    public var aliases: [String] { ["schedule-free-sgd", "schedulefree", "sf-sgd"] }
    public var summary: String { "Schedule-Free SGD (Defazio et al. 2024): no decay schedule needed" }
    public var defaultLearningRate: Double { 1 }
    public var fields: [OptimizerField] {
        [.number("momentum", aliases: ["beta"], default: 0.9, in: .unitOpen, help: "interpolation β"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ"),
         .count("warmup_steps", default: 0, in: .nonNegative, help: "linear warm-up steps")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try ScheduleFreeSGD<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, momentum: s.number("momentum")!,
                                    weightDecay: s.number("weight_decay")!, warmupSteps: Int(s.number("warmup_steps")!))
    }
}
