import LinearAlgebra

extension SGD {
    /// microsoftml's `sgd_optimizer` (R `sgd()`), as used by `rx_neural_network`:
    ///
    /// ```
    /// learning_rate = 0.001   γ, the step along −∇f                          (≥ 0)
    /// momentum      = 0       μ, "weight of the previous step"               in [0, 1)
    /// nag           = false   Nesterov's accelerated gradient                (needs μ > 0)
    /// weight_decay  = 0       λ: after each update θ ← (1 − γλ)θ             in [0, 1)
    /// ```
    /// The update is `SGD` with `weightDecayMode: .shrinkAfterStep` and τ = 0. microsoftml does not
    /// document its momentum form; this preset uses PyTorch's (b₁ = g, b ← μb + g, γ outside b), which
    /// agrees with the Sutskever form for a constant learning rate.
    ///
    /// microsoftml's learning-rate reduction (`l_rate_red_ratio`, `l_rate_red_freq`,
    /// `l_rate_red_error_ratio`) is not part of the optimizer: pair this preset with the microsoftml
    /// reduction schedule from the Schedules module, which supplies γ to `step` each update.
    ///
    /// Source: the microsoftml `sgd_optimizer` and R `maOptimizer` reference pages
    /// (learn.microsoft.com, Machine Learning Server documentation).
    public static func microsoftML(parameterCount: Int,
                                   groups: [ParameterGroup]? = nil,
                                   learningRate: Double = 0.001,
                                   momentum: Double = 0,
                                   nag: Bool = false,
                                   weightDecay: Double = 0) throws -> SGD {
        let check = HyperParameterCheck("microsoftml SGD")
        try check(momentum, "momentum", .closedOpen(0, 1))
        try check(weightDecay, "weight_decay", .closedOpen(0, 1))
        if nag && momentum == 0 {
            throw OptimizerError("microsoftml SGD: nag (Nesterov) requires momentum > 0, got momentum 0")
        }
        return try SGD(parameterCount: parameterCount, groups: groups, learningRate: learningRate,
                       momentum: momentum, dampening: 0, nesterov: nag, weightDecay: weightDecay,
                       weightDecayMode: .shrinkAfterStep, maximize: false)
    }
}

// MARK: - Registry spec

/// `mml-sgd`: microsoftml's `sgd_optimizer` (see `SGD.microsoftML`).
public struct MicrosoftMLSGDSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 1 }
    public var name: String { "mml-sgd" }
    public var aliases: [String] { ["sgd_optimizer", "microsoftml-sgd", "microsoftml"] }
    public var summary: String { "microsoftml's sgd_optimizer: weight decay as a shrink after each step" }
    public var defaultLearningRate: Double { 0.01 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
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
