import LinearAlgebra

/// `sgd`: PyTorch's `torch.optim.SGD` (see `SGD`). Text form `sgd:momentum=0.9,nesterov,weight_decay=1e-4`.
public struct SGDSpec: OptimizerSpec {
    public init() {}
    public var name: String { "sgd" }
    public var aliases: [String] { ["pytorch-sgd"] }
    public var summary: String { "PyTorch's SGD: momentum, dampening, Nesterov, coupled or shrinking weight decay" }
    public var defaultLearningRate: Double { 0.01 }

    public static let momentum = OptimizerField.number("momentum", default: 0, in: .nonNegative, help: "momentum μ")
    public static let dampening = OptimizerField.number("dampening", default: 0, in: .nonNegative, help: "dampening τ of the momentum buffer")
    public static let nesterov = OptimizerField.flag("nesterov", aliases: ["nag"], help: "Nesterov momentum")
    public static let weightDecay = OptimizerField.number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ")
    public static let decayMode = OptimizerField("decay_mode", .choice(["coupled", "shrink"]), default: .word("coupled"),
                                                 help: "coupled: L2 in the gradient (PyTorch); shrink: x ← (1 − γλ)x after the step (microsoftml)")
    public var fields: [OptimizerField] { [Self.momentum, Self.dampening, Self.nesterov, Self.weightDecay, Self.decayMode] }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try SGD<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, learningRate: learningRate,
                        momentum: s.number("momentum")!, dampening: s.number("dampening")!, nesterov: s.flag("nesterov"),
                        weightDecay: s.number("weight_decay")!,
                        weightDecayMode: s.word("decay_mode") == "shrink" ? .shrinkAfterStep : .coupledL2)
    }
}

/// `mml-sgd`: microsoftml's `sgd_optimizer` (see `SGD.microsoftML`).
public struct MicrosoftMLSGDSpec: OptimizerSpec {
    public init() {}
    public var name: String { "mml-sgd" }
    public var aliases: [String] { ["sgd_optimizer", "microsoftml-sgd", "microsoftml"] }
    public var summary: String { "microsoftml's sgd_optimizer: weight decay as a shrink after each step" }
    public var defaultLearningRate: Double { 0.01 }
    public var fields: [OptimizerField] {
        [.number("momentum", default: 0, in: .unitLeftClosed, help: "momentum μ"),
         .flag("nag", aliases: ["nesterov"], help: "Nesterov momentum"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .unitLeftClosed, help: "weight decay λ (shrink by 1 − γλ after each step)")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try SGD<Scalar>.microsoftML(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, learningRate: learningRate,
                                    momentum: s.number("momentum")!, nag: s.flag("nag"), weightDecay: s.number("weight_decay")!)
    }
}
