import LinearAlgebra

/// Stochastic gradient descent with heavy-ball or Nesterov momentum, matching `torch.optim.SGD`
/// (torch 2.x) step for step.
///
/// With γ the learning rate of this step (the schedule's rate times the group's
/// `learningRateScale`), μ momentum, τ dampening, λ weight decay:
/// ```
/// g ← maximize ? −∇f(θ) : ∇f(θ)
/// g ← g + λθ                               (weightDecayMode == .coupledL2)
/// if μ ≠ 0:  b ← g                          on the first step (not zero-initialised, no dampening)
///            b ← μb + (1 − τ)g              afterwards
///            d ← nesterov ? g + μb : b
/// else:      d ← g
/// θ ← θ − γd                                (γ multiplies the buffer at use: it never enters b)
/// θ ← (1 − γλ)θ                             (weightDecayMode == .shrinkAfterStep, microsoftml)
/// ```
/// Defaults are PyTorch's: γ = 1e-3, μ = 0, τ = 0, λ = 0, no Nesterov, minimise. Because γ sits
/// outside b, a new learning rate rescales the whole accumulated velocity at once (unlike the
/// Sutskever/Keras form `v ← μv + γg`); the two agree only while γ is constant.
///
/// Validation (thrown `OptimizerError`s, as PyTorch's `ValueError`s): γ, μ, λ (and every group's λ
/// override) must be finite and ≥ 0, and so must τ, which PyTorch leaves unchecked (a negative τ would
/// amplify the gradient instead of damping it); Nesterov needs μ > 0 and τ = 0. The momentum buffer is allocated here, once, when μ > 0; `step`
/// never allocates. Momentum can be changed later (`setMomentum`, for momentum cycling) only when
/// it was enabled at construction.
///
/// Source: `torch/optim/sgd.py` (`_single_tensor_sgd`) and its documentation
/// (pytorch.org/docs, `torch.optim.SGD`).
public struct SGD<Scalar: BLASScalar>: OptimizerWithBaseLearningRate {
    public var name: String { "sgd" }
    public let parameterCount: Int
    /// The groups tiling the parameter buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// The base learning rate, for callers that step without a schedule (`step(parameters:gradient:)`).
    public let learningRate: Double
    public let dampening: Double
    public let nesterov: Bool
    /// The default weight decay λ (a group's `weightDecay` replaces it for that group).
    public let weightDecay: Double
    public let weightDecayMode: WeightDecayMode
    public let maximize: Bool
    /// Whether momentum was enabled at construction (μ > 0), so the buffer b exists.
    public let hasMomentum: Bool

    /// The current μ (changed by `setMomentum`).
    public internal(set) var currentMomentum: Double
    /// Completed updates.
    public internal(set) var stepCount: Int = 0
    /// The momentum buffer b over all parameters; empty when momentum is off.
    var buffer: [Scalar]
    /// Whether b holds a value (PyTorch's "momentum_buffer is not None"); false before the first
    /// update with μ ≠ 0, which copies g into b.
    var bufferInitialized = false

    /// Builds an optimizer for `parameterCount` parameters, split into `groups` (one group `all`
    /// when nil). Throws `OptimizerError` naming the field for an invalid hyper-parameter.
    public init(parameterCount: Int,
                groups: [ParameterGroup]? = nil,
                learningRate: Double = 1e-3,
                momentum: Double = 0,
                dampening: Double = 0,
                nesterov: Bool = false,
                weightDecay: Double = 0,
                weightDecayMode: WeightDecayMode = .coupledL2,
                maximize: Bool = false) throws {
        precondition(parameterCount >= 0, "SGD: negative parameter count \(parameterCount)")
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = Self.hyperParameters
        try check(learningRate, "learning rate", .nonNegative)
        try check(momentum, "momentum", .nonNegative)
        try check(dampening, "dampening", .nonNegative)
        try check.weightDecays(weightDecay, "weight decay", groups: groups)
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw OptimizerError("SGD: nesterov requires momentum > 0 and dampening = 0, got momentum \(momentum) and dampening \(dampening)")
        }
        self.parameterCount = parameterCount
        self.groups = groups
        self.learningRate = learningRate
        self.currentMomentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.weightDecayMode = weightDecayMode
        self.maximize = maximize
        self.hasMomentum = momentum > 0
        self.buffer = momentum > 0 ? [Scalar](repeating: 0, count: parameterCount) : []
    }

    static var hyperParameters: HyperParameterCheck { HyperParameterCheck("SGD") }

    public var momentum: Double? { hasMomentum ? currentMomentum : nil }

    /// Model averaging combines the momentum buffer (every other field is a hyper-parameter or a
    /// counter that all processes share).
    public var averagedStateCount: Int? { buffer.count }

    public mutating func withAveragedState(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        try buffer.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Sets μ for the next updates (momentum-cycling schedules). Throws when momentum was off at
    /// construction (it is never turned on silently), for a negative or non-finite value, and for
    /// μ = 0 with Nesterov.
    public mutating func setMomentum(_ value: Double) throws {
        guard hasMomentum else {
            throw OptimizerError("SGD was built without momentum (momentum 0), so momentum cannot be set to \(value); build it with momentum > 0 to cycle momentum")
        }
        try Self.hyperParameters(value, "momentum", .nonNegative)
        if nesterov && value == 0 { throw OptimizerError("SGD: nesterov requires momentum > 0, got momentum 0") }
        currentMomentum = value
    }

    /// One update with the scheduled learning rate γ (each group uses γ times its scale).
    /// Specialized for both scalars: the training loop reaches it from generic code.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>,
                              gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "SGD.step: parameters have \(parameters.count) elements and gradient \(gradient.count), expected \(parameterCount)")
        precondition(learningRate.isFinite && learningRate >= 0, "SGD.step: learning rate \(learningRate) is not a finite number ≥ 0")
        let useMomentum = hasMomentum && currentMomentum != 0
        let firstStep = !bufferInitialized
        let momentum = currentMomentum, groups = groups, weightDecay = weightDecay
        let dampening = dampening, nesterov = nesterov, mode = weightDecayMode, maximize = maximize
        // The per-group resolution and slicing live on the stack; nothing here allocates.
        func apply(_ allB: UnsafeMutableBufferPointer<Scalar>?) {
            groups.forEachStep(weightDecay: weightDecay) { group in
                let rule = UpdateRule(group: group, learningRate: learningRate, momentum: momentum, dampening: dampening,
                                      nesterov: nesterov, weightDecayMode: mode, maximize: maximize)
                Self.update(parameters: group.slice(parameters), gradient: group.slice(gradient),
                            buffer: allB.map { group.slice($0) }, firstStep: firstStep, rule: rule)
            }
        }
        if useMomentum {
            buffer.withUnsafeMutableBufferPointer { apply($0) }
        } else {
            apply(nil)
        }
        if useMomentum { bufferInitialized = true }
        stepCount += 1
    }
}
