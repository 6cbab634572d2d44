import LinearAlgebra

/// RMSProp (Hinton, Srivastava & Swersky 2012, "Neural Networks for Machine Learning", lecture 6e),
/// with Graves's centred variant (2013, "Generating Sequences With Recurrent Neural Networks",
/// arXiv 1308.0850), matching `torch.optim.RMSprop` (torch 2.x `_single_tensor_rmsprop`) step for
/// step.
///
/// Per coordinate, with γ the learning rate of this step (the schedule's rate times the group's
/// `learningRateScale`), α the smoothing constant, ε, λ the weight decay (a group's `weightDecay`
/// replaces it), μ the momentum:
/// ```
/// g ← g + λθ                                    (coupled L2, λ ≠ 0)
/// v ← α·v + (1 − α)·g²
/// centred:  ḡ ← ḡ + (1 − α)·(g − ḡ)              (torch's lerp: α·ḡ + (1 − α)·g)
///           a ← √(v − ḡ²) + ε
/// else:     a ← √v + ε
/// μ > 0:    b ← μ·b + g/a;  θ ← θ − γ·b          (γ multiplies the buffer at use: it never enters b)
/// else:     θ ← θ − γ·g/a
/// ```
/// v, ḡ and b start at 0. Defaults are PyTorch's: γ = 0.01, α = 0.99, ε = 1e-8, λ = 0, μ = 0, not
/// centred. The operations and their order are torch's (`mul_(α).addcmul_(g, g, 1 − α)`, `lerp_`,
/// `addcmul(ḡ, ḡ, −1).sqrt_().add_(ε)`, `mul_(μ).addcdiv_(g, a)`), so Double agrees with torch's
/// float64 to rounding.
///
/// Validation (thrown `OptimizerError`s, PyTorch's `ValueError`s): γ, λ (and every group's λ) and μ
/// finite and ≥ 0; 0 ≤ α ≤ 1 (torch only asks α ≥ 0); ε finite and > 0 (torch also accepts 0,
/// which gives 0/0 at a coordinate whose gradients have all been 0). The momentum buffer exists
/// when μ > 0 at construction and ḡ when centred; both are allocated here, and `step` never
/// allocates. Momentum can be changed later (`setMomentum`, for momentum cycling) only when it was
/// enabled at construction; a step with μ = 0 takes the plain branch, as torch does.
///
/// Source: `torch/optim/rmsprop.py` and its documentation (pytorch.org/docs, `torch.optim.RMSprop`).
public struct RMSProp<Scalar: BLASScalar>: OptimizerWithBaseLearningRate {
    public var name: String { "rmsprop" }
    public let parameterCount: Int
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// The base learning rate γ, for callers without a schedule.
    public let learningRate: Double
    /// α, the smoothing constant of the averages.
    public let alpha: Double
    /// ε.
    public let epsilon: Double
    /// The default coupled L2 weight decay λ (a group's `weightDecay` replaces it).
    public let weightDecay: Double
    /// Whether the variance estimate is centred (v − ḡ²).
    public let centered: Bool
    /// Whether momentum was enabled at construction (μ > 0), so the buffer b exists.
    public let hasMomentum: Bool
    /// The current μ (changed by `setMomentum`).
    public internal(set) var currentMomentum: Double
    /// Completed updates.
    public internal(set) var stepCount: Int = 0
    /// v (square_avg), over all parameters.
    var squareAverage: [Scalar]
    /// ḡ (grad_avg); empty unless centred.
    var gradientAverage: [Scalar]
    /// b (momentum_buffer); empty unless momentum is on.
    var buffer: [Scalar]

    /// RMSprop for `parameterCount` parameters tiled by `groups` (one group over the whole buffer when nil),
    /// with the hyper-parameters above and their defaults; throws an `OptimizerError` for a value out of its
    /// range.
    public init(parameterCount: Int,
                groups: [ParameterGroup]? = nil,
                learningRate: Double = 1e-2,
                alpha: Double = 0.99,
                epsilon: Double = 1e-8,
                weightDecay: Double = 0,
                momentum: Double = 0,
                centered: Bool = false) throws {
        precondition(parameterCount >= 0, "RMSProp: negative parameter count \(parameterCount)")
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = Self.hyperParameters
        try check(learningRate, "learning rate", .nonNegative)
        try check(alpha, "alpha", .closed(0, 1))
        try check(epsilon, "epsilon", .positive)
        try check.weightDecays(weightDecay, "weight decay", groups: groups)
        try check(momentum, "momentum", .nonNegative)
        self.parameterCount = parameterCount
        self.groups = groups
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.centered = centered
        self.hasMomentum = momentum > 0
        self.currentMomentum = momentum
        self.squareAverage = [Scalar](repeating: 0, count: parameterCount)
        self.gradientAverage = centered ? [Scalar](repeating: 0, count: parameterCount) : []
        self.buffer = momentum > 0 ? [Scalar](repeating: 0, count: parameterCount) : []
    }

    static var hyperParameters: HyperParameterCheck { HyperParameterCheck("RMSProp") }

    public var momentum: Double? { hasMomentum ? currentMomentum : nil }

    /// Sets μ for the next updates (momentum-cycling schedules). Throws when momentum was off at
    /// construction (it is never turned on silently) and for a negative or non-finite value.
    public mutating func setMomentum(_ value: Double) throws {
        guard hasMomentum else {
            throw OptimizerError("RMSProp was built without momentum (momentum 0), so momentum cannot be set to \(value); build it with momentum > 0 to cycle momentum")
        }
        try Self.hyperParameters(value, "momentum", .nonNegative)
        currentMomentum = value
    }

    /// The element-wise update of one slice, in place (the equation block above), with
    /// `negativeRate` = −γ and `oneMinusAlpha` = 1 − α computed in Double (as torch does in Python).
    /// `gradientAverage` is nil unless centred, `buffer` nil unless μ > 0 for this step.
    /// `gradient` is overwritten with g + λθ.
    @inlinable
    static func update(parameters θ: UnsafeMutableBufferPointer<Scalar>,
                       gradient g: UnsafeMutableBufferPointer<Scalar>,
                       squareAverage v: UnsafeMutableBufferPointer<Scalar>,
                       gradientAverage ga: UnsafeMutableBufferPointer<Scalar>?,
                       buffer b: UnsafeMutableBufferPointer<Scalar>?,
                       alpha α: Scalar, oneMinusAlpha: Scalar, epsilon ε: Scalar, momentum μ: Scalar,
                       negativeRate: Scalar, weightDecay λ: CoupledL2<Scalar>) {
        λ.apply(to: g, at: θ)
        let n = θ.count
        for i in 0..<n {
            let gi = g[i]
            let vi = v[i] * α + oneMinusAlpha * gi * gi
            v[i] = vi
            var a: Scalar
            if let ga {
                let m = lerp(ga[i], gi, weight: oneMinusAlpha)
                ga[i] = m
                a = (vi + -m * m).squareRoot()
            } else {
                a = vi.squareRoot()
            }
            a = a + ε
            if let b {
                let bi = b[i] * μ + gi / a
                b[i] = bi
                θ[i] = θ[i] + negativeRate * bi
            } else {
                θ[i] = θ[i] + negativeRate * (gi / a)
            }
        }
    }

    /// PyTorch's `lerp` (`aten/src/ATen/native/Lerp.h`): start + w·(end − start) for |w| < ½, else
    /// end − (end − start)·(1 − w).
    @inlinable
    static func lerp(_ start: Scalar, _ end: Scalar, weight w: Scalar) -> Scalar {
        abs(w) < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>,
                              gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "RMSProp.step: parameters have \(parameters.count) elements and gradient \(gradient.count), expected \(parameterCount)")
        precondition(learningRate.isFinite && learningRate >= 0, "RMSProp.step: learning rate \(learningRate) is not a finite number ≥ 0")
        let groups = groups, weightDecay = weightDecay, centered = centered
        let useMomentum = hasMomentum && currentMomentum > 0
        let α = Scalar(alpha), oneMinusAlpha = Scalar(1 - alpha), ε = Scalar(epsilon), μ = Scalar(currentMomentum)
        squareAverage.withUnsafeMutableBufferPointer { allV in
            gradientAverage.withUnsafeMutableBufferPointer { allA in
                buffer.withUnsafeMutableBufferPointer { allB in
                    groups.forEachStep(weightDecay: weightDecay) { group in
                        Self.update(parameters: group.slice(parameters), gradient: group.slice(gradient),
                                    squareAverage: group.slice(allV),
                                    gradientAverage: centered ? group.slice(allA) : nil,
                                    buffer: useMomentum ? group.slice(allB) : nil,
                                    alpha: α, oneMinusAlpha: oneMinusAlpha, epsilon: ε, momentum: μ,
                                    negativeRate: Scalar(-(learningRate * group.learningRateScale)),
                                    weightDecay: CoupledL2(rounded: group.weightDecay))
                    }
                }
            }
        }
        stepCount += 1
    }
}

// MARK: - Saved state

/// `RMSProp`'s state, format version 1. Hyper-parameters are configuration, not state: restore into
/// an RMSProp built alike (the same `centered`, momentum on or off).
public struct RMSPropState: OptimizerStatePayload {
    public static let version = 1
    /// Completed updates.
    public var stepCount: Int
    /// The current μ (changed by `setMomentum`).
    public var momentum: Double
    /// v, one element per parameter.
    public var squareAverage: [Double]
    /// ḡ, one element per parameter; nil unless centred.
    public var gradientAverage: [Double]?
    /// b, one element per parameter; nil when momentum was off at construction.
    public var momentumBuffer: [Double]?

    /// A state with these values.
    public init(stepCount: Int, momentum: Double, squareAverage: [Double], gradientAverage: [Double]?, momentumBuffer: [Double]?) {
        self.stepCount = stepCount; self.momentum = momentum; self.squareAverage = squareAverage
        self.gradientAverage = gradientAverage; self.momentumBuffer = momentumBuffer
    }
}

extension RMSProp: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`RMSPropState`).
    public typealias State = RMSPropState

    public var state: RMSPropState {
        RMSPropState(stepCount: stepCount, momentum: currentMomentum, squareAverage: squareAverage.map { Double($0) },
                     gradientAverage: centered ? gradientAverage.map { Double($0) } : nil,
                     momentumBuffer: hasMomentum ? buffer.map { Double($0) } : nil)
    }

    /// ḡ must be there exactly when centred, b exactly when momentum is on.
    public func validate(_ s: RMSPropState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.perParameter(s.squareAverage, "squareAverage")
        if centered {
            guard let a = s.gradientAverage else { throw check.error("has no gradientAverage, but this RMSProp is centered") }
            try check.perParameter(a, "gradientAverage")
        } else if s.gradientAverage != nil {
            throw check.error("has a gradientAverage but this RMSProp is not centered")
        }
        if hasMomentum {
            try check.require(s.momentum, "momentum", .nonNegative)
            guard let b = s.momentumBuffer else { throw check.error("has no momentumBuffer, but this RMSProp has momentum") }
            try check.perParameter(b, "momentumBuffer")
        } else if s.momentumBuffer != nil {
            throw check.error("has a momentum buffer but this RMSProp was built without momentum")
        }
    }

    /// Restores a `saveState()` snapshot; the next `step` continues bit-identically. Throws (leaving
    /// the optimizer unchanged) for another kind or version, a missing entry, a vector of another
    /// length, or a layout (centred, momentum) that does not match this optimizer.
    public mutating func restore(_ saved: OptimizerState) throws {
        install(try validatedState(from: saved))
    }

    mutating func install(_ s: RMSPropState) {
        stepCount = s.stepCount
        squareAverage = s.squareAverage.map { Scalar($0) }
        if centered, let a = s.gradientAverage { gradientAverage = a.map { Scalar($0) } }
        if hasMomentum, let b = s.momentumBuffer {
            currentMomentum = s.momentum
            buffer = b.map { Scalar($0) }
        }
    }
}

// MARK: - Registry spec

/// `rmsprop`: PyTorch's `torch.optim.RMSprop` (see `RMSProp`). Text form
/// `rmsprop:alpha=0.9,momentum=0.9,centered`.
public struct RMSPropSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 2 }
    public var name: String { "rmsprop" }
    public var aliases: [String] { ["rms-prop"] }
    public var summary: String { "PyTorch's RMSprop (Hinton 2012; centred: Graves 2013): steps scaled by a running RMS of the gradients" }
    public var defaultLearningRate: Double { 0.01 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] {
        [.number("alpha", default: 0.99, in: .unit, help: "smoothing constant α of the running averages"),
         .number("eps", aliases: ["epsilon"], default: 1e-8, in: .positive, help: "ε added to the RMS"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ (L2 in the gradient)"),
         .number("momentum", default: 0, in: .nonNegative, help: "momentum μ of the normalised step"),
         .flag("centered", aliases: ["centred"], help: "centred: normalise by the gradient's running variance estimate")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try RMSProp<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, learningRate: learningRate,
                            alpha: s.number("alpha")!, epsilon: s.number("eps")!, weightDecay: s.number("weight_decay")!,
                            momentum: s.number("momentum")!, centered: s.flag("centered"))
    }
}
