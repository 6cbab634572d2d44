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
/// θ ← clip toward 0 by the cumulative L1     (λ₁ > 0, scikit-learn's L1: `CumulativeL1`)
/// ```
/// scikit-learn's `SGDRegressor`/`SGDClassifier` penalties are this rule without momentum:
/// `penalty='l2'` is λ = α with `.coupledL2` (scikit-learn shrinks θ ← (1 − γα)θ and then adds the
/// gradient taken at the old θ, which is θ − γ(g + αθ), the coupled step, up to rounding);
/// `penalty='l1'` is λ₁ = α; `penalty='elasticnet'` is λ = (1 − ρ)α and λ₁ = ρα (ρ = `l1_ratio`).
/// A group whose weight decay is set to 0 (the biases under `--no-bias-decay`) gets neither, as
/// scikit-learn never penalises the intercept. scikit-learn clamps its shrink factor at 0 when
/// γα > 1; the coupled step does not (such a rate diverges in both).
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
    /// τ, the dampening of the momentum buffer.
    public let dampening: Double
    /// Whether the step uses Nesterov momentum.
    public let nesterov: Bool
    /// The default weight decay λ (a group's `weightDecay` replaces it for that group).
    public let weightDecay: Double
    /// How weight decay enters: coupled L2 on the gradient, or a shrink after the step.
    public let weightDecayMode: WeightDecayMode
    /// Whether the step ascends the gradient instead (PyTorch's `maximize`).
    public let maximize: Bool
    /// Whether momentum was enabled at construction (μ > 0), so the buffer b exists.
    public let hasMomentum: Bool
    /// λ₁ of the cumulative L1 penalty (0: none).
    public let l1Penalty: Double

    /// The current μ (changed by `setMomentum`).
    public internal(set) var currentMomentum: Double
    /// Completed updates.
    public internal(set) var stepCount: Int = 0
    /// The momentum buffer b over all parameters; empty when momentum is off.
    var buffer: [Scalar]
    /// Whether b holds a value (PyTorch's "momentum_buffer is not None"); false before the first
    /// update with μ ≠ 0, which copies g into b.
    var bufferInitialized = false
    /// The cumulative L1 penalty's u = Σ γλ₁ over the updates (`CumulativeL1`).
    public internal(set) var l1Total: Double = 0
    /// Its q: the signed penalty each parameter has received; empty when λ₁ = 0.
    var l1Applied: [Scalar]

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
                maximize: Bool = false,
                l1Penalty: Double = 0) throws {
        precondition(parameterCount >= 0, "SGD: negative parameter count \(parameterCount)")
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = Self.hyperParameters
        try check(learningRate, "learning rate", .nonNegative)
        try check(momentum, "momentum", .nonNegative)
        try check(dampening, "dampening", .nonNegative)
        try check.weightDecays(weightDecay, "weight decay", groups: groups)
        try check(l1Penalty, "L1 penalty", .nonNegative)
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
        self.l1Penalty = l1Penalty
        self.l1Applied = l1Penalty > 0 ? [Scalar](repeating: 0, count: parameterCount) : []
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
        if l1Penalty > 0 { applyL1(parameters, learningRate: learningRate) }
        stepCount += 1
    }

    /// u ← u + γλ₁, then the cumulative-L1 clip of every group not exempt from decay (a group's
    /// weight decay set to 0), with u times the group's learning-rate scale.
    mutating func applyL1(_ parameters: UnsafeMutableBufferPointer<Scalar>, learningRate: Double) {
        l1Total += learningRate * l1Penalty
        let u = l1Total, groups = groups
        l1Applied.withUnsafeMutableBufferPointer { q in
            groups.forEachStep(weightDecay: weightDecay) { group in
                guard groups[group.index].weightDecay != 0 else { return }
                CumulativeL1<Scalar>.clip(group.slice(parameters), applied: group.slice(q), total: u * group.learningRateScale)
            }
        }
    }
}

// MARK: - Update rule

extension SGD {
    /// The hyper-parameters of one update of one parameter group, already resolved (group
    /// learning-rate scale and weight-decay override applied).
    @usableFromInline
    struct UpdateRule {
        @usableFromInline var learningRate: Scalar
        @usableFromInline var momentum: Scalar
        /// `1 − τ`, computed in Double (as PyTorch computes `1 - dampening` in Python).
        @usableFromInline var oneMinusDampening: Scalar
        @usableFromInline var nesterov: Bool
        /// g ← g + λθ (`.coupledL2`; off otherwise and for λ = 0).
        @usableFromInline var coupledL2: CoupledL2<Scalar>
        @usableFromInline var maximize: Bool
        /// `1 − γλ`, the factor of `.shrinkAfterStep` (computed in Double); nil when there is no shrink.
        @usableFromInline var shrink: Scalar?

        /// The rule for `group` at the scheduled rate `learningRate` (γ = rate × the group's scale).
        @inlinable
        init(group: GroupStep, learningRate: Double, momentum: Double, dampening: Double, nesterov: Bool,
             weightDecayMode: WeightDecayMode, maximize: Bool) {
            let lr = learningRate * group.learningRateScale
            let wd = group.weightDecay
            self.learningRate = Scalar(lr)
            self.momentum = Scalar(momentum)
            self.oneMinusDampening = Scalar(1 - dampening)
            self.nesterov = nesterov
            self.coupledL2 = weightDecayMode == .coupledL2 ? CoupledL2(rounded: wd) : .off
            self.maximize = maximize
            self.shrink = weightDecayMode == .shrinkAfterStep && Scalar(wd) != 0 ? Scalar(1 - lr * wd) : nil
        }
    }

    /// One PyTorch 2.x SGD update of a slice, in place, in one pass over the elements:
    ///
    /// ```
    /// g ← maximize ? −g : g
    /// g ← g + λθ                       (coupled L2, λ ≠ 0)
    /// if μ ≠ 0:  b ← g                 (first step: copy, no dampening)
    ///            b ← μb + (1 − τ)g     (later steps)
    ///            d ← nesterov ? g + μb : b
    /// else:      d ← g
    /// θ ← θ − γd
    /// θ ← (1 − γλ)θ                    (shrinkAfterStep)
    /// ```
    /// Each element goes through exactly the operations (and roundings) of the BLAS level-1
    /// sequence scal/axpy/copy that PyTorch's `_single_tensor_sgd` performs tensor by tensor; doing
    /// them element by element reads θ, g and b once instead of three to five times, and makes no
    /// call per operation (an update of a small model is a few hundred nanoseconds).
    /// `gradient` is used as scratch (it holds the decayed, possibly negated gradient afterwards,
    /// with Nesterov g + μb). `buffer` is nil exactly when momentum is off for this optimizer.
    @inlinable
    static func update(parameters θ: UnsafeMutableBufferPointer<Scalar>,
                       gradient g: UnsafeMutableBufferPointer<Scalar>,
                       buffer b: UnsafeMutableBufferPointer<Scalar>?,
                       firstStep: Bool,
                       rule r: UpdateRule) {
        let n = θ.count
        guard n > 0, let t = θ.baseAddress, let gp = g.baseAddress else { return }
        // One loop per case, each without branches inside, so that every one vectorises.
        if r.maximize { for j in 0..<n { gp[j] = -gp[j] } }
        r.coupledL2.apply(to: g, at: θ)
        let (step, mu, damp) = (-r.learningRate, r.momentum, r.oneMinusDampening)
        if let bp = b?.baseAddress, r.momentum != 0 {
            switch (firstStep, r.nesterov) {
            case (true, false):
                for j in 0..<n { let bj = gp[j]; bp[j] = bj; t[j] += step * bj }
            case (false, false):
                for j in 0..<n { let bj = mu * bp[j] + damp * gp[j]; bp[j] = bj; t[j] += step * bj }
            case (true, true):
                for j in 0..<n { let bj = gp[j]; bp[j] = bj; let d = gp[j] + mu * bj; gp[j] = d; t[j] += step * d }
            case (false, true):
                for j in 0..<n {
                    let bj = mu * bp[j] + damp * gp[j]; bp[j] = bj
                    let d = gp[j] + mu * bj; gp[j] = d; t[j] += step * d
                }
            }
        } else {
            for j in 0..<n { t[j] += step * gp[j] }
        }
        if let shrink = r.shrink {
            for j in 0..<n { t[j] *= shrink }
        }
    }
}

// MARK: - Saved state

/// `SGD`'s state, format version 1. Hyper-parameters are configuration, not state: restore into
/// an SGD built alike.
public struct SGDState: OptimizerStatePayload {
    public static let version = 1
    /// Completed updates.
    public var stepCount: Int
    /// The current μ (changed by `setMomentum`).
    public var momentum: Double
    /// Whether b holds a value (false before the first update with μ ≠ 0).
    public var bufferInitialized: Bool
    /// The momentum buffer b, one element per parameter; nil when momentum was off at construction.
    public var momentumBuffer: [Double]?
    /// The cumulative L1 penalty's u and q (`CumulativeL1`), present exactly when the SGD has an L1
    /// penalty; without them (every SGD without L1) the state is written as it always was.
    public var l1Total: Double?
    /// q, one element per parameter; present exactly with `l1Total`.
    public var l1Applied: [Double]?

    /// A state with these values (the L1 parts nil for an SGD without L1).
    public init(stepCount: Int, momentum: Double, bufferInitialized: Bool, momentumBuffer: [Double]?,
                l1Total: Double? = nil, l1Applied: [Double]? = nil) {
        self.stepCount = stepCount; self.momentum = momentum
        self.bufferInitialized = bufferInitialized; self.momentumBuffer = momentumBuffer
        self.l1Total = l1Total; self.l1Applied = l1Applied
    }
}

extension SGD: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`SGDState`).
    public typealias State = SGDState

    public var state: SGDState {
        SGDState(stepCount: stepCount, momentum: currentMomentum, bufferInitialized: bufferInitialized,
                 momentumBuffer: hasMomentum ? buffer.map { Double($0) } : nil,
                 l1Total: l1Penalty > 0 ? l1Total : nil, l1Applied: l1Penalty > 0 ? l1Applied.map { Double($0) } : nil)
    }

    /// The buffer must be there exactly when this SGD has momentum; its μ must be finite and ≥ 0.
    public func validate(_ s: SGDState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        if hasMomentum {
            try check.require(s.momentum, "momentum", .nonNegative)
            guard let b = s.momentumBuffer else { throw check.error("has no momentumBuffer, but this SGD has momentum") }
            try check.perParameter(b, "momentumBuffer")
        } else if s.momentumBuffer != nil || s.bufferInitialized {
            throw check.error("has a momentum buffer but this SGD was built without momentum")
        }
        if l1Penalty > 0 {
            guard let u = s.l1Total, let q = s.l1Applied else {
                throw check.error("has no l1Total and l1Applied, but this SGD has an L1 penalty")
            }
            try check.require(u, "l1Total", .nonNegative)
            try check.perParameter(q, "l1Applied")
            guard q.allSatisfy(\.isFinite) else { throw check.error("has an invalid l1Applied: expected finite numbers") }
        } else if s.l1Total != nil || s.l1Applied != nil {
            throw check.error("has an L1 penalty's l1Total or l1Applied but this SGD was built without an L1 penalty")
        }
    }

    /// Restores a `saveState()` snapshot; the next `step` continues bit-identically. Throws (leaving
    /// the optimizer unchanged) for another kind or version, a missing entry, a buffer of another
    /// length, or a snapshot whose momentum setting does not match this optimizer.
    public mutating func restore(_ saved: OptimizerState) throws {
        install(try validatedState(from: saved))
    }

    mutating func install(_ s: SGDState) {
        stepCount = s.stepCount
        bufferInitialized = s.bufferInitialized
        if hasMomentum, let b = s.momentumBuffer {
            currentMomentum = s.momentum
            buffer = b.map { Scalar($0) }
        }
        if l1Penalty > 0, let u = s.l1Total, let q = s.l1Applied {
            l1Total = u
            l1Applied = q.map { Scalar($0) }
        }
    }
}

// MARK: - Registry spec

/// `sgd`: PyTorch's `torch.optim.SGD` (see `SGD`). Text form `sgd:momentum=0.9,nesterov,weight_decay=1e-4`.
public struct SGDSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 0 }
    public var name: String { "sgd" }
    public var aliases: [String] { ["pytorch-sgd"] }
    public var summary: String { "PyTorch's SGD: momentum, dampening, Nesterov, coupled or shrinking weight decay" }
    public var defaultLearningRate: Double { 0.01 }

    /// The `momentum` field: μ ≥ 0, default 0.
    public static let momentum = OptimizerField.number("momentum", default: 0, in: .nonNegative, help: "momentum μ")
    /// The `dampening` field: τ ≥ 0, default 0.
    public static let dampening = OptimizerField.number("dampening", default: 0, in: .nonNegative, help: "dampening τ of the momentum buffer")
    /// The `nesterov` flag (or `nag`).
    public static let nesterov = OptimizerField.flag("nesterov", aliases: ["nag"], help: "Nesterov momentum")
    /// The `weight_decay` field (or `wd`): λ ≥ 0, default 0.
    public static let weightDecay = OptimizerField.number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ")
    /// The `decay_mode` field: how λ enters (`WeightDecayMode`), default coupled.
    public static let decayMode = OptimizerField("decay_mode", .choice(WeightDecayMode.names), default: .word(WeightDecayMode.coupledL2.name),
                                                 help: "coupled: L2 in the gradient (PyTorch; scikit-learn's l2 without momentum); shrink-after-step (or shrink): x ← (1 − γλ)x after the step (microsoftml)")
    /// The `l1` field: λ₁ ≥ 0 of the cumulative L1 penalty, default 0.
    public static let l1 = OptimizerField.number("l1", default: 0, in: .nonNegative, help: "L1 penalty λ₁, scikit-learn's cumulative clip after each step")
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] { [Self.momentum, Self.dampening, Self.nesterov, Self.weightDecay, Self.decayMode, Self.l1] }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try SGD<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, learningRate: learningRate,
                        momentum: s.number("momentum")!, dampening: s.number("dampening")!, nesterov: s.flag("nesterov"),
                        weightDecay: s.number("weight_decay")!,
                        weightDecayMode: WeightDecayMode(name: s.word("decay_mode")!) ?? .coupledL2, l1Penalty: s.number("l1")!)
    }
}
