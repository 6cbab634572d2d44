import LinearAlgebra

/// AdaGrad (Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and
/// Stochastic Optimization", JMLR 12), dense form, matching `torch.optim.Adagrad` (torch 2.x
/// `_single_tensor_adagrad`) step for step.
///
/// Per coordinate, with t the 1-based number of this update, γ the learning rate of this step (the
/// schedule's rate times the group's `learningRateScale`), η the learning-rate decay, λ the weight
/// decay (a group's `weightDecay` replaces it), ε the conditioning constant:
/// ```
/// g   ← g + λθ                                  (coupled L2, λ ≠ 0)
/// γₜ  ← γ / (1 + (t − 1)·η)
/// s   ← s + g²                                  (s starts at initial_accumulator_value s₀)
/// θ   ← θ − γₜ · g / (√s + ε)
/// ```
/// Defaults are PyTorch's: γ = 0.01 (the registry's `adagrad` uses 0.1, see `AdaGradSpec`), η = 0,
/// λ = 0, s₀ = 0, ε = 1e-10. The operations and their order are torch's (`addcmul_` then
/// `sqrt().add_(eps)` then `addcdiv_(value: −γₜ)`), so Double agrees with torch's float64 to rounding.
///
/// Validation (thrown `OptimizerError`s, PyTorch's `ValueError`s): γ, η, λ (and every group's λ) and
/// s₀ finite and ≥ 0; ε finite and > 0 (torch also accepts ε = 0, which gives 0/0 at a coordinate
/// whose gradients have all been 0 while s₀ = 0). The accumulator is allocated here; `step` never
/// allocates. Sparse (lazy) updates are not implemented.
///
/// Source: `torch/optim/adagrad.py` and its documentation (pytorch.org/docs, `torch.optim.Adagrad`).
public struct AdaGrad<Scalar: BLASScalar>: OptimizerWithBaseLearningRate {
    public var name: String { "adagrad" }
    public let parameterCount: Int
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// The base learning rate γ, for callers without a schedule.
    public let learningRate: Double
    /// η, PyTorch's `lr_decay`.
    public let learningRateDecay: Double
    /// The default coupled L2 weight decay λ (a group's `weightDecay` replaces it).
    public let weightDecay: Double
    /// s₀, PyTorch's `initial_accumulator_value`.
    public let initialAccumulatorValue: Double
    /// ε.
    public let epsilon: Double
    /// Completed updates.
    public internal(set) var stepCount: Int = 0
    /// The sum of squared gradients s over all parameters.
    var sum: [Scalar]

    /// AdaGrad for `parameterCount` parameters tiled by `groups` (one group over the whole buffer when nil),
    /// with the hyper-parameters above and their defaults; throws an `OptimizerError` for a value out of its
    /// range.
    public init(parameterCount: Int,
                groups: [ParameterGroup]? = nil,
                learningRate: Double = 1e-2,
                learningRateDecay: Double = 0,
                weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0,
                epsilon: Double = 1e-10) throws {
        precondition(parameterCount >= 0, "AdaGrad: negative parameter count \(parameterCount)")
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = HyperParameterCheck("AdaGrad")
        try check(learningRate, "learning rate", .nonNegative)
        try check(learningRateDecay, "learning-rate decay (lr_decay)", .nonNegative)
        try check.weightDecays(weightDecay, "weight decay", groups: groups)
        try check(initialAccumulatorValue, "initial accumulator value", .nonNegative)
        try check(epsilon, "epsilon", .positive)
        self.parameterCount = parameterCount
        self.groups = groups
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        self.sum = [Scalar](repeating: Scalar(initialAccumulatorValue), count: parameterCount)
    }

    /// The element-wise update of one slice, in place (the equation block above), with
    /// `negativeStep` = −γₜ. `gradient` is overwritten with g + λθ.
    @inlinable
    static func update(parameters θ: UnsafeMutableBufferPointer<Scalar>,
                       gradient g: UnsafeMutableBufferPointer<Scalar>,
                       sum s: UnsafeMutableBufferPointer<Scalar>,
                       negativeStep: Scalar, epsilon ε: Scalar, weightDecay λ: CoupledL2<Scalar>) {
        λ.apply(to: g, at: θ)
        for i in 0..<θ.count {
            let gi = g[i]
            let si = s[i] + gi * gi
            s[i] = si
            θ[i] = θ[i] + negativeStep * (gi / (si.squareRoot() + ε))
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>,
                              gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "AdaGrad.step: parameters have \(parameters.count) elements and gradient \(gradient.count), expected \(parameterCount)")
        precondition(learningRate.isFinite && learningRate >= 0, "AdaGrad.step: learning rate \(learningRate) is not a finite number ≥ 0")
        let groups = groups, weightDecay = weightDecay, ε = Scalar(epsilon)
        // PyTorch's clr = lr / (1 + (step − 1)·lr_decay), in Double, per group.
        let decayFactor = 1 + Double(stepCount) * learningRateDecay
        sum.withUnsafeMutableBufferPointer { allS in
            groups.forEachStep(weightDecay: weightDecay) { group in
                let clr = learningRate * group.learningRateScale / decayFactor
                Self.update(parameters: group.slice(parameters), gradient: group.slice(gradient), sum: group.slice(allS),
                            negativeStep: Scalar(-clr), epsilon: ε, weightDecay: CoupledL2(rounded: group.weightDecay))
            }
        }
        stepCount += 1
    }
}

// MARK: - Saved state

/// `AdaGrad`'s state, format version 1: the step count (which drives the learning-rate decay) and
/// the sum of squared gradients.
public struct AdaGradState: OptimizerStatePayload {
    public static let version = 1
    /// Completed updates.
    public var stepCount: Int
    /// s, one element per parameter.
    public var sum: [Double]

    /// A state with these values.
    public init(stepCount: Int, sum: [Double]) {
        self.stepCount = stepCount; self.sum = sum
    }
}

extension AdaGrad: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`AdaGradState`).
    public typealias State = AdaGradState

    public var state: AdaGradState { AdaGradState(stepCount: stepCount, sum: sum.map { Double($0) }) }

    public func validate(_ s: AdaGradState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.perParameter(s.sum, "sum")
    }

    /// Restores a `saveState()` snapshot; throws (leaving the optimizer unchanged) for another kind
    /// or version, a missing entry or a vector of another length.
    public mutating func restore(_ saved: OptimizerState) throws {
        install(try validatedState(from: saved))
    }

    mutating func install(_ s: AdaGradState) {
        stepCount = s.stepCount
        sum = s.sum.map { Scalar($0) }
    }
}

// MARK: - Registry spec

/// `adagrad`: PyTorch's `torch.optim.Adagrad`, dense (see `AdaGrad`). Text form
/// `adagrad:lr_decay=1e-3,initial_accumulator_value=0.1`.
///
/// The default learning rate is 0.1, ten times torch's 0.01 (which `AdaGrad.init` keeps): AdaGrad's
/// steps shrink like 1/√t from about the rate, so at 0.01 a short command-line run (20 epochs of
/// 32-sample batches) does not halve the loss of a standardised linear problem
/// (`TrainCommandTests.everyRegisteredOptimizerTrains`).
public struct AdaGradSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 2 }
    public var name: String { "adagrad" }
    public var summary: String { "PyTorch's Adagrad (Duchi et al. 2011): per-coordinate steps from the sum of squared gradients" }
    public var defaultLearningRate: Double { 0.1 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] {
        [.number("lr_decay", default: 0, in: .nonNegative, help: "learning-rate decay η: step t uses γ/(1 + (t − 1)η)"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ (L2 in the gradient)"),
         .number("initial_accumulator_value", aliases: ["initial_accumulator"], default: 0, in: .nonNegative,
                 help: "starting value s₀ of the sum of squared gradients"),
         .number("eps", aliases: ["epsilon"], default: 1e-10, in: .positive, help: "ε added to √s")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try AdaGrad<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, learningRate: learningRate,
                            learningRateDecay: s.number("lr_decay")!, weightDecay: s.number("weight_decay")!,
                            initialAccumulatorValue: s.number("initial_accumulator_value")!, epsilon: s.number("eps")!)
    }
}
