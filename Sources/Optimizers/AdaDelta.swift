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
