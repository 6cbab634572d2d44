import LinearAlgebra

/// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv 1711.05101),
/// matching `torch.optim.AdamW` (torch 2.x: `Adam` with `decoupled_weight_decay=True`) step for step.
///
/// `Adam`'s rule with the weight decay taken out of the gradient and applied to the parameters,
/// before the moments are updated. Per coordinate, with t, γ (the schedule's rate times the
/// group's `learningRateScale`), β₁, β₂, ε as in `Adam` and λ the weight decay (a group's
/// `weightDecay` replaces it):
/// ```
/// θ  ← θ·(1 − γλ)                               (λ ≠ 0; 1 − γλ computed in Double)
/// m  ← m + (1 − β₁)·(g − m)
/// v  ← β₂·v + (1 − β₂)·g²
/// v̂  ← max(v̂, v)                                (amsgrad)
/// θ  ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// The element-wise update is `Adam.update` with the rule's `shrink` set (the first loop there) and
/// no coupled L2. Because γ multiplies λ, a schedule scales the decay too, as in torch. Defaults are
/// PyTorch's: γ = 1e-3 (the registry's `adamw` uses 0.01, see `AdamWSpec`), β₁ = 0.9, β₂ = 0.999,
/// ε = 1e-8, λ = 0.01, no AMSGrad. Validation as `Adam`'s.
/// The state is `Adam`'s (`AdamWState` = `AdamState`), saved under the kind "adamw".
///
/// Source: `torch/optim/adamw.py` and `adam.py` (`_single_tensor_adam`, `param.mul_(1 - lr * weight_decay)`).
public struct AdamW<Scalar: BLASScalar>: OptimizerWithBaseLearningRate {
    public var name: String { "adamw" }
    /// The rule, built with decoupled weight decay.
    var adam: Adam<Scalar>

    public var parameterCount: Int { adam.parameterCount }
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public var groups: [ParameterGroup] { adam.groups }
    /// The base learning rate γ, for callers without a schedule.
    public var learningRate: Double { adam.learningRate }
    /// β₁, the decay of the first-moment average.
    public var beta1: Double { adam.beta1 }
    /// β₂, the decay of the second-moment average.
    public var beta2: Double { adam.beta2 }
    /// ε, added to the bias-corrected √v.
    public var epsilon: Double { adam.epsilon }
    /// The default decoupled weight decay λ (a group's `weightDecay` replaces it).
    public var weightDecay: Double { adam.weightDecay }
    /// Whether AMSGrad's running maximum of v normalises the step.
    public var amsgrad: Bool { adam.amsgrad }
    /// Completed updates.
    public var stepCount: Int { adam.stepCount }

    /// AdamW for `parameterCount` parameters tiled by `groups` (one group over the whole buffer when nil), with
    /// the hyper-parameters above and their defaults; throws an `OptimizerError` for a value out of its range.
    public init(parameterCount: Int,
                groups: [ParameterGroup]? = nil,
                learningRate: Double = 1e-3,
                beta1: Double = 0.9,
                beta2: Double = 0.999,
                epsilon: Double = 1e-8,
                weightDecay: Double = 1e-2,
                amsgrad: Bool = false) throws {
        adam = try Adam(parameterCount: parameterCount, groups: groups, learningRate: learningRate, beta1: beta1, beta2: beta2,
                        epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>,
                              gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        adam.step(parameters: parameters, gradient: gradient, learningRate: learningRate)
    }
}

// MARK: - Saved state

/// `AdamW`'s state: `Adam`'s payload (format version 1), under the kind "adamw".
public typealias AdamWState = AdamState

extension AdamW: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`AdamWState`).
    public typealias State = AdamWState

    public var state: AdamWState { adam.state }

    public func validate(_ s: AdamWState, _ check: StateCheck) throws { try adam.validate(s, check) }

    /// Restores a `saveState()` snapshot of an AdamW; throws (leaving the optimizer unchanged) for
    /// another kind (an Adam's state included) or version, a missing entry, a vector of another
    /// length, or another AMSGrad setting.
    public mutating func restore(_ saved: OptimizerState) throws { try adam.restore(saved) }
}

// MARK: - Registry spec

/// `adamw`: PyTorch's `torch.optim.AdamW` (see `AdamW`). Text form `adamw:weight_decay=0.05,amsgrad`.
/// The default learning rate is 0.01, not torch's 1e-3 (which `AdamW.init` keeps), as `adam`'s
/// (see `AdamSpec`).
public struct AdamWSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 2 }
    public var name: String { "adamw" }
    public var aliases: [String] { ["adam-w"] }
    public var summary: String { "PyTorch's AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay θ ← (1 − γλ)θ" }
    public var defaultLearningRate: Double { 0.01 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] {
        [AdamSpec.beta1, AdamSpec.beta2, AdamSpec.eps,
         .number("weight_decay", aliases: ["wd"], default: 0.01, in: .nonNegative, help: "decoupled weight decay λ: θ ← (1 − γλ)θ before each step"),
         AdamSpec.amsgrad]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try AdamW<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, learningRate: learningRate,
                          beta1: s.number("beta1")!, beta2: s.number("beta2")!, epsilon: s.number("eps")!,
                          weightDecay: s.number("weight_decay")!, amsgrad: s.flag("amsgrad"))
    }
}
