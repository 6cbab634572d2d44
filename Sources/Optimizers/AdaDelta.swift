import LinearAlgebra

/// AdaDelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method", arXiv 1212.5701), with
/// microsoftml's defaults and PyTorch's placement of the learning-rate multiplier.
///
/// Per coordinate, with ρ the decay, ε the conditioning constant, γ the learning-rate multiplier
/// (the schedule's rate times the group's `learningRateScale`; 1 = Zeiler's method):
/// ```
/// g ← g + λθ                                   (coupled L2, λ = weightDecay, default 0)
/// E[g²] ← ρ·E[g²] + (1 − ρ)·g²
/// Δ     ← √(E[Δ²] + ε) / √(E[g²] + ε) · g
/// E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²                 (the unscaled Δ: γ never enters the average)
/// θ     ← θ − γ·Δ
/// ```
/// Defaults: ρ = 0.95, ε = 1e-6 (microsoftml `adadelta_optimizer(decay=0.95, cond=1e-06)`, which
/// has no learning rate: γ = 1). The order matches `torch.optim.Adadelta` (torch 2.x
/// `_single_tensor_adadelta`): E[Δ²] accumulates Δ *before* γ is applied, so γ scales only the
/// parameter move and a schedule on γ does not feed back into the step sizes.
/// Both averages start at 0. Validation (thrown `OptimizerError`s, microsoftml's ranges):
/// 0 < ρ < 1, 0 < ε < 1, γ and λ finite and ≥ 0. State is allocated here; `step` never allocates.
public struct AdaDelta<Scalar: BLASScalar>: OptimizerWithBaseLearningRate {
    public var name: String { "adadelta" }
    public let parameterCount: Int
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// ρ, microsoftml's `decay`.
    public let decay: Double
    /// ε, microsoftml's `cond` (conditioning constant).
    public let epsilon: Double
    /// The default coupled L2 weight decay λ (a group's `weightDecay` replaces it).
    public let weightDecay: Double
    /// The base multiplier γ, for callers without a schedule.
    public let learningRate: Double
    /// Completed updates.
    public internal(set) var stepCount: Int = 0
    /// E[g²] and E[Δ²] over all parameters.
    var squaredGradientAverage: [Scalar]
    var squaredUpdateAverage: [Scalar]

    /// AdaDelta for `parameterCount` parameters tiled by `groups` (one group over the whole buffer when nil),
    /// with the hyper-parameters above and their defaults; throws an `OptimizerError` for a value out of its
    /// range.
    public init(parameterCount: Int,
                groups: [ParameterGroup]? = nil,
                decay: Double = 0.95,
                epsilon: Double = 1e-6,
                weightDecay: Double = 0,
                learningRate: Double = 1) throws {
        precondition(parameterCount >= 0, "AdaDelta: negative parameter count \(parameterCount)")
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = HyperParameterCheck("AdaDelta")
        try check(decay, "decay", .open(0, 1))
        try check(epsilon, "epsilon (conditioning constant)", .open(0, 1))
        try check(learningRate, "learning rate", .nonNegative)
        try check.weightDecays(weightDecay, "weight decay", groups: groups)
        self.parameterCount = parameterCount
        self.groups = groups
        self.decay = decay
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.learningRate = learningRate
        self.squaredGradientAverage = [Scalar](repeating: 0, count: parameterCount)
        self.squaredUpdateAverage = [Scalar](repeating: 0, count: parameterCount)
    }

    /// The element-wise update of one slice, in place (the equation block above). `gradient` is
    /// overwritten with g + λθ.
    @inlinable
    static func update(parameters θ: UnsafeMutableBufferPointer<Scalar>,
                       gradient g: UnsafeMutableBufferPointer<Scalar>,
                       squaredGradientAverage s: UnsafeMutableBufferPointer<Scalar>,
                       squaredUpdateAverage u: UnsafeMutableBufferPointer<Scalar>,
                       decay ρ: Scalar, oneMinusDecay: Scalar, epsilon ε: Scalar,
                       weightDecay λ: CoupledL2<Scalar>, learningRate γ: Scalar) {
        λ.apply(to: g, at: θ)
        for i in 0..<θ.count {
            let gi = g[i]
            let si = s[i] * ρ + oneMinusDecay * gi * gi
            s[i] = si
            let delta = (u[i] + ε).squareRoot() / (si + ε).squareRoot() * gi
            u[i] = u[i] * ρ + oneMinusDecay * delta * delta
            θ[i] = θ[i] - γ * delta
        }
    }

    // The element-wise loop is reached through unspecialised generic code (the training loop is
    // generic over the optimizer), so pre-specialise it; the code path itself stays generic.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>,
                              gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "AdaDelta.step: parameters have \(parameters.count) elements and gradient \(gradient.count), expected \(parameterCount)")
        precondition(learningRate.isFinite && learningRate >= 0, "AdaDelta.step: learning rate \(learningRate) is not a finite number ≥ 0")
        let groups = groups, weightDecay = weightDecay
        let ρ = Scalar(decay), oneMinusDecay = Scalar(1 - decay), ε = Scalar(epsilon)
        squaredGradientAverage.withUnsafeMutableBufferPointer { allS in
            squaredUpdateAverage.withUnsafeMutableBufferPointer { allU in
                groups.forEachStep(weightDecay: weightDecay) { group in
                    Self.update(parameters: group.slice(parameters), gradient: group.slice(gradient),
                                squaredGradientAverage: group.slice(allS), squaredUpdateAverage: group.slice(allU),
                                decay: ρ, oneMinusDecay: oneMinusDecay, epsilon: ε,
                                weightDecay: CoupledL2(rounded: group.weightDecay),
                                learningRate: Scalar(learningRate * group.learningRateScale))
                }
            }
        }
        stepCount += 1
    }
}

// MARK: - Saved state

/// `AdaDelta`'s state, format version 1: the step count and both running averages.
public struct AdaDeltaState: OptimizerStatePayload {
    public static let version = 1
    /// Completed updates.
    public var stepCount: Int
    /// E[g²] and E[Δ²], one element per parameter.
    public var squaredGradientAverage: [Double]
    /// E[Δ²], one element per parameter.
    public var squaredUpdateAverage: [Double]

    /// A state with these values.
    public init(stepCount: Int, squaredGradientAverage: [Double], squaredUpdateAverage: [Double]) {
        self.stepCount = stepCount
        self.squaredGradientAverage = squaredGradientAverage; self.squaredUpdateAverage = squaredUpdateAverage
    }
}

extension AdaDelta: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`AdaDeltaState`).
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

// MARK: - Registry spec

/// `adadelta` (microsoftml's `adadelta_optimizer`; see `AdaDelta`).
public struct AdaDeltaSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 2 }
    public var name: String { "adadelta" }
    public var aliases: [String] { ["adadelta_optimizer"] }
    public var summary: String { "AdaDelta (Zeiler 2012), microsoftml's adadelta_optimizer" }
    public var defaultLearningRate: Double { 1 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
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
