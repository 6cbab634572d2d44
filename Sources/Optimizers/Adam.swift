import Foundation
import LinearAlgebra

/// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv 1412.6980), with
/// the AMSGrad variant (Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond"),
/// matching `torch.optim.Adam` (torch 2.x `_single_tensor_adam`) step for step. `AdamW` is the same
/// rule with decoupled weight decay.
///
/// Per coordinate, with t the 1-based number of this update, γ the learning rate of this step (the
/// schedule's rate times the group's `learningRateScale`), β₁, β₂, ε, λ the weight decay (a group's
/// `weightDecay` replaces it):
/// ```
/// g  ← g + λθ                                   (Adam: coupled L2, λ ≠ 0)
/// θ  ← θ·(1 − γλ)                               (AdamW: decoupled decay instead, λ ≠ 0)
/// m  ← m + (1 − β₁)·(g − m)                     (torch's lerp: β₁·m + (1 − β₁)·g)
/// v  ← β₂·v + (1 − β₂)·g²
/// v̂  ← max(v̂, v)                                (amsgrad; v̂ is then used for v below)
/// c₁ = 1 − β₁ᵗ,  c₂ = 1 − β₂ᵗ                   (bias corrections, in Double)
/// θ  ← θ − (γ/c₁) · m / (√v / √c₂ + ε)
/// ```
/// m, v and v̂ start at 0. Defaults are PyTorch's: γ = 1e-3 (the registry's `adam` uses 0.01, see
/// `AdamSpec`), β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0, no AMSGrad. The operations and their order are torch's (`lerp_`, `mul_(β₂).addcmul_(g, g, 1 − β₂)`,
/// `(sqrt() / √c₂).add_(ε)`, `addcdiv_(m, denom, value: −γ/c₁)`, with c₁, c₂ and √c₂ = c₂^0.5
/// computed in Double as torch does in Python), so Double agrees with torch's float64 to rounding.
///
/// Validation (thrown `OptimizerError`s, PyTorch's `ValueError`s): γ and λ (and every group's λ)
/// finite and ≥ 0; 0 ≤ β₁ < 1 and 0 ≤ β₂ < 1; ε finite and > 0 (torch also accepts 0, which gives
/// 0/0 at a coordinate whose gradients have all been 0). m, v and (with AMSGrad) v̂ are allocated
/// here; `step` never allocates.
///
/// Source: `torch/optim/adam.py` and `adamw.py` and their documentation (pytorch.org/docs,
/// `torch.optim.Adam`, `torch.optim.AdamW`).
public struct Adam<Scalar: BLASScalar>: OptimizerWithBaseLearningRate {
    /// "adam", or "adamw" for the decoupled rule (inside `AdamW`).
    public var name: String { decoupledWeightDecay ? "adamw" : "adam" }
    public let parameterCount: Int
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// The base learning rate γ, for callers without a schedule.
    public let learningRate: Double
    /// β₁, the decay of the first-moment average m.
    public let beta1: Double
    /// β₂, the decay of the second-moment average v.
    public let beta2: Double
    /// ε.
    public let epsilon: Double
    /// The default weight decay λ (a group's `weightDecay` replaces it).
    public let weightDecay: Double
    /// Whether the maximum v̂ of the second moments normalises the step (AMSGrad).
    public let amsgrad: Bool
    /// Whether λ is decoupled (AdamW: θ ← θ·(1 − γλ) before the step) instead of coupled L2.
    public let decoupledWeightDecay: Bool
    /// Completed updates.
    public internal(set) var stepCount: Int = 0
    /// m (exp_avg) and v (exp_avg_sq) over all parameters.
    var firstMoment: [Scalar]
    var secondMoment: [Scalar]
    /// v̂ (max_exp_avg_sq); empty unless AMSGrad.
    var maxSecondMoment: [Scalar]

    /// Adam with coupled L2 weight decay (`torch.optim.Adam`).
    public init(parameterCount: Int,
                groups: [ParameterGroup]? = nil,
                learningRate: Double = 1e-3,
                beta1: Double = 0.9,
                beta2: Double = 0.999,
                epsilon: Double = 1e-8,
                weightDecay: Double = 0,
                amsgrad: Bool = false) throws {
        try self.init(parameterCount: parameterCount, groups: groups, learningRate: learningRate, beta1: beta1, beta2: beta2,
                      epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: false)
    }

    init(parameterCount: Int, groups: [ParameterGroup]?, learningRate: Double, beta1: Double, beta2: Double,
         epsilon: Double, weightDecay: Double, amsgrad: Bool, decoupledWeightDecay: Bool) throws {
        precondition(parameterCount >= 0, "Adam: negative parameter count \(parameterCount)")
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = HyperParameterCheck(decoupledWeightDecay ? "AdamW" : "Adam")
        try check(learningRate, "learning rate", .nonNegative)
        try check(beta1, "beta1", .closedOpen(0, 1))
        try check(beta2, "beta2", .closedOpen(0, 1))
        try check(epsilon, "epsilon", .positive)
        try check.weightDecays(weightDecay, "weight decay", groups: groups)
        self.parameterCount = parameterCount
        self.groups = groups
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
        self.firstMoment = [Scalar](repeating: 0, count: parameterCount)
        self.secondMoment = [Scalar](repeating: 0, count: parameterCount)
        self.maxSecondMoment = amsgrad ? [Scalar](repeating: 0, count: parameterCount) : []
    }

    /// The hyper-parameters of one update of one parameter group, resolved (group scale and weight
    /// decay applied; the Double-valued products computed in Double, as torch does in Python).
    @usableFromInline
    struct UpdateRule {
        /// −γ/c₁.
        @usableFromInline var negativeStepSize: Scalar
        /// √c₂ = c₂^0.5.
        @usableFromInline var biasCorrection2Sqrt: Scalar
        @usableFromInline var oneMinusBeta1: Scalar
        @usableFromInline var beta2: Scalar
        @usableFromInline var oneMinusBeta2: Scalar
        @usableFromInline var epsilon: Scalar
        /// g ← g + λθ (Adam; off for AdamW and λ = 0).
        @usableFromInline var coupledL2: CoupledL2<Scalar>
        /// 1 − γλ (AdamW, λ ≠ 0); nil otherwise.
        @usableFromInline var shrink: Scalar?
    }

    /// One update of a slice, in place (the equation block above). `maxSecondMoment` is nil unless
    /// AMSGrad. `gradient` is overwritten with g + λθ (Adam with λ ≠ 0).
    @inlinable
    static func update(parameters θ: UnsafeMutableBufferPointer<Scalar>,
                       gradient g: UnsafeMutableBufferPointer<Scalar>,
                       firstMoment m: UnsafeMutableBufferPointer<Scalar>,
                       secondMoment v: UnsafeMutableBufferPointer<Scalar>,
                       maxSecondMoment vmax: UnsafeMutableBufferPointer<Scalar>?,
                       rule r: UpdateRule) {
        let n = θ.count
        if let shrink = r.shrink { for i in 0..<n { θ[i] = θ[i] * shrink } }
        r.coupledL2.apply(to: g, at: θ)
        let (w1, β2, w2, ε, c2, step) = (r.oneMinusBeta1, r.beta2, r.oneMinusBeta2, r.epsilon, r.biasCorrection2Sqrt, r.negativeStepSize)
        for i in 0..<n {
            let gi = g[i]
            let mi = RMSProp<Scalar>.lerp(m[i], gi, weight: w1)
            m[i] = mi
            var vi = v[i] * β2 + w2 * gi * gi
            v[i] = vi
            if let vmax {
                vi = Swift.max(vmax[i], vi)
                vmax[i] = vi
            }
            let denominator = vi.squareRoot() / c2 + ε
            θ[i] = θ[i] + step * (mi / denominator)
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>,
                              gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "\(name).step: parameters have \(parameters.count) elements and gradient \(gradient.count), expected \(parameterCount)")
        precondition(learningRate.isFinite && learningRate >= 0, "\(name).step: learning rate \(learningRate) is not a finite number ≥ 0")
        let groups = groups, weightDecay = weightDecay, amsgrad = amsgrad, decoupled = decoupledWeightDecay
        let t = Double(stepCount + 1)
        let biasCorrection1 = 1 - Foundation.pow(beta1, t), biasCorrection2 = 1 - Foundation.pow(beta2, t)
        let c2 = Scalar(Foundation.pow(biasCorrection2, 0.5))
        let w1 = Scalar(1 - beta1), β2 = Scalar(beta2), w2 = Scalar(1 - beta2), ε = Scalar(epsilon)
        firstMoment.withUnsafeMutableBufferPointer { allM in
            secondMoment.withUnsafeMutableBufferPointer { allV in
                maxSecondMoment.withUnsafeMutableBufferPointer { allMax in
                    groups.forEachStep(weightDecay: weightDecay) { group in
                        let lr = learningRate * group.learningRateScale
                        let rule = UpdateRule(negativeStepSize: Scalar(-(lr / biasCorrection1)), biasCorrection2Sqrt: c2,
                                              oneMinusBeta1: w1, beta2: β2, oneMinusBeta2: w2, epsilon: ε,
                                              coupledL2: decoupled ? .off : CoupledL2(rounded: group.weightDecay),
                                              shrink: decoupled && group.weightDecay != 0 ? Scalar(1 - lr * group.weightDecay) : nil)
                        Self.update(parameters: group.slice(parameters), gradient: group.slice(gradient),
                                    firstMoment: group.slice(allM), secondMoment: group.slice(allV),
                                    maxSecondMoment: amsgrad ? group.slice(allMax) : nil, rule: rule)
                    }
                }
            }
        }
        stepCount += 1
    }
}

// MARK: - Saved state

/// The state of `Adam` and `AdamW`, format version 1: the step count (which drives the bias
/// corrections) and the moments. Hyper-parameters are configuration, not state: restore into an
/// optimizer built alike (AMSGrad on or off).
public struct AdamState: OptimizerStatePayload {
    public static let version = 1
    /// Completed updates.
    public var stepCount: Int
    /// m and v, one element per parameter.
    public var firstMoment: [Double]
    /// v, one element per parameter.
    public var secondMoment: [Double]
    /// v̂, one element per parameter; nil unless AMSGrad.
    public var maxSecondMoment: [Double]?

    /// A state with these values.
    public init(stepCount: Int, firstMoment: [Double], secondMoment: [Double], maxSecondMoment: [Double]?) {
        self.stepCount = stepCount; self.firstMoment = firstMoment; self.secondMoment = secondMoment
        self.maxSecondMoment = maxSecondMoment
    }
}

extension Adam: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`AdamState`).
    public typealias State = AdamState

    public var state: AdamState {
        AdamState(stepCount: stepCount, firstMoment: firstMoment.map { Double($0) }, secondMoment: secondMoment.map { Double($0) },
                  maxSecondMoment: amsgrad ? maxSecondMoment.map { Double($0) } : nil)
    }

    /// v̂ must be there exactly with AMSGrad.
    public func validate(_ s: AdamState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.perParameter(s.firstMoment, "firstMoment")
        try check.perParameter(s.secondMoment, "secondMoment")
        if amsgrad {
            guard let v = s.maxSecondMoment else { throw check.error("has no maxSecondMoment, but this \(name) uses amsgrad") }
            try check.perParameter(v, "maxSecondMoment")
        } else if s.maxSecondMoment != nil {
            throw check.error("has a maxSecondMoment (amsgrad) but this \(name) was built without amsgrad")
        }
    }

    /// Restores a `saveState()` snapshot; the next `step` continues bit-identically. Throws (leaving
    /// the optimizer unchanged) for another kind or version, a missing entry, a vector of another
    /// length, or an AMSGrad setting that does not match this optimizer.
    public mutating func restore(_ saved: OptimizerState) throws {
        install(try validatedState(from: saved))
    }

    mutating func install(_ s: AdamState) {
        stepCount = s.stepCount
        firstMoment = s.firstMoment.map { Scalar($0) }
        secondMoment = s.secondMoment.map { Scalar($0) }
        if amsgrad, let v = s.maxSecondMoment { maxSecondMoment = v.map { Scalar($0) } }
    }
}

// MARK: - Registry spec

/// `adam`: PyTorch's `torch.optim.Adam` (see `Adam`). Text form `adam:beta1=0.9,beta2=0.999,eps=1e-8,amsgrad`.
///
/// The default learning rate is 0.01, ten times torch's 1e-3 (as `sgd`'s 0.01 is ten times torch's
/// SGD default, and `Adam.init` keeps torch's 1e-3): an Adam step moves each coordinate by about
/// the rate, so at 1e-3 a short command-line run (20 epochs of 32-sample batches) does not halve the
/// loss of a standardised linear problem (`TrainCommandTests.everyRegisteredOptimizerTrains`).
public struct AdamSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 2 }
    public var name: String { "adam" }
    public var summary: String { "PyTorch's Adam (Kingma & Ba 2015), coupled L2 weight decay; amsgrad (Reddi et al. 2018)" }
    public var defaultLearningRate: Double { 0.01 }

    /// The `beta1` field: β₁ in [0, 1), default 0.9.
    public static let beta1 = OptimizerField.number("beta1", default: 0.9, in: .unitLeftClosed, help: "decay β₁ of the first-moment average")
    /// The `beta2` field: β₂ in [0, 1), default 0.999.
    public static let beta2 = OptimizerField.number("beta2", default: 0.999, in: .unitLeftClosed, help: "decay β₂ of the second-moment average")
    /// The `eps` field (or `epsilon`): ε > 0, default 1e-8.
    public static let eps = OptimizerField.number("eps", aliases: ["epsilon"], default: 1e-8, in: .positive, help: "ε added to the bias-corrected √v")
    /// The `amsgrad` flag.
    public static let amsgrad = OptimizerField.flag("amsgrad", help: "AMSGrad: normalise by the running maximum of v")
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] {
        [Self.beta1, Self.beta2, Self.eps,
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ (L2 in the gradient)"),
         Self.amsgrad]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try Adam<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, learningRate: learningRate,
                         beta1: s.number("beta1")!, beta2: s.number("beta2")!, epsilon: s.number("eps")!,
                         weightDecay: s.number("weight_decay")!, amsgrad: s.flag("amsgrad"))
    }
}
