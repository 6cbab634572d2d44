import LinearAlgebra

/// D-Adaptation SGD: dual averaging whose step d/‖g₀‖ grows with a running lower bound d̂ on
/// the distance to the solution; one d for the whole model.
///
/// With λ_k = d_k·c/‖g₀‖ (c = `learningRate` × the groups' common `learningRateScale`):
///
///     g_k ← g_k + wd·x_k                         (L2; ‖g₀‖ is taken before it, as the reference does)
///     num += λ_k·⟨g_k, s_k⟩;   s_{k+1} = s_k + λ_k·g_k
///     d̂ = 2·num/‖s_{k+1}‖;    d_{k+1} = max(d_k, min(d̂, d_k·growthRate))
///     z = x₀ − s_{k+1};        x_{k+1} = μ·x_k + (1 − μ)·z        (momentum μ as primal averaging)
///
/// d_{k+1} is first used by the next step. Defaults as `dadapt_sgd.py`: c = 1, μ = 0, wd = 0,
/// d₀ = 1e-6, growthRate = ∞. Groups must share one `learningRateScale` or have 0 (then they
/// neither feed s nor move away from x₀, as in the reference). Differences from the reference:
/// a group's own `weightDecay` is honoured (the reference uses the first group's for all), z is
/// not stored (x is updated as μx + (1−μ)x₀ − (1−μ)s), and a step before which c = 0 or ‖g₀‖ = 0
/// is skipped and the first step retried next time (the reference divides by zero); a step whose ‖s‖ is 0 changes nothing. The
/// weight decay follows the reference's math; its in-place change of `p.grad` is not part of the
/// contract (`gradient` is scratch, undefined after `step`). The arithmetic is in
/// DAdaptSGDUpdate.swift (`gradientNorm`, `accumulate`, `nextDistance`, `averagePrimal`).
///
/// Source: Defazio, Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023
/// (arXiv 2301.07733); reference `dadaptation` 3.2, `dadaptation/dadapt_sgd.py` (v3 "IP" form).
public struct DAdaptSGD<Scalar: BLASScalar>: Optimizer {
    public var name: String { "dadapt-sgd" }
    public let parameterCount: Int
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// The default L2 weight decay wd (a group's `weightDecay` replaces it).
    public let weightDecay: Double
    /// The most d may grow in one step, as a factor (∞: no limit).
    public let growthRate: Double
    /// The current momentum μ of the primal averaging (changed by `setMomentum`).
    public internal(set) var momentumValue: Double
    let maxScale: Double

    /// The current distance estimate d (used by the next step).
    public internal(set) var distance: Double
    /// Σ λ_i⟨g_i, s_i⟩
    public internal(set) var numerator: Double = 0
    /// ‖g₀‖ (0 until the first step).
    public internal(set) var initialGradientNorm: Double = 0
    /// Steps taken.
    public internal(set) var stepCount = 0

    var x0: [Scalar]
    var s: [Scalar]

    /// D-Adaptation SGD for `parameterCount` parameters tiled by `groups` (one group over the whole buffer when
    /// nil), with the hyper-parameters above and their defaults; throws an `OptimizerError` for a value out of
    /// its range.
    public init(parameterCount: Int, groups: [ParameterGroup]? = nil, momentum: Double = 0, weightDecay: Double = 0,
                initialDistance: Double = 1e-6, growthRate: Double = .infinity) throws {
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = Self.hyperParameters
        try check(initialDistance, "initialDistance (d0)", .positive)
        try check(growthRate, "growthRate", .atLeast(1))
        try check(momentum, "momentum", .closedOpen(0, 1))
        try check.weightDecays(weightDecay, "weightDecay", groups: groups)
        let scales = Set(groups.map(\.learningRateScale).filter { $0 != 0 })
        guard scales.count <= 1 else {
            throw OptimizerError("dadapt-sgd: parameter groups must share one learningRateScale or use 0, got \(groups.map(\.learningRateScale))")
        }
        self.parameterCount = parameterCount
        self.groups = groups
        self.weightDecay = weightDecay
        self.growthRate = growthRate
        self.momentumValue = momentum
        self.maxScale = groups.map(\.learningRateScale).max() ?? 0
        self.distance = initialDistance
        x0 = Array(repeating: 0, count: parameterCount)
        s = Array(repeating: 0, count: parameterCount)
    }

    static var hyperParameters: HyperParameterCheck { HyperParameterCheck("dadapt-sgd") }

    public var momentum: Double? { momentumValue }

    public mutating func setMomentum(_ value: Double) throws {
        try Self.hyperParameters(value, "momentum", .closedOpen(0, 1))
        momentumValue = value
    }

    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "dadapt-sgd: parameters have \(parameters.count) elements and gradient \(gradient.count), optimizer built for \(parameterCount)")
        let rate = learningRate * maxScale
        x0.withUnsafeMutableBufferPointer { x0All in
            s.withUnsafeMutableBufferPointer { sAll in
                if stepCount == 0 {
                    BLAS.copy(parameters, x0All)
                    initialGradientNorm = Self.gradientNorm(gradient, groups: groups)
                }
                guard initialGradientNorm > 0 || rate == 0 else { return }  // ‖g₀‖ = 0: nothing to adapt to
                let dlr = rate == 0 ? 0 : distance * rate / initialGradientNorm
                var num = numerator, sSquares = 0.0
                groups.forEachStep(weightDecay: weightDecay) { group in
                    sSquares += Self.accumulate(parameters: group.slice(parameters), gradient: group.slice(gradient),
                                                sum: group.slice(sAll), stepSize: learningRate * group.learningRateScale > 0 ? dlr : nil,
                                                weightDecay: CoupledL2(group.weightDecay), numerator: &num)
                }
                guard sSquares > 0 else { return }
                let d = rate > 0 ? Self.nextDistance(distance, numerator: num, sumNorm: sSquares.squareRoot(), growthRate: growthRate)
                                 : distance
                numerator = num
                distance = d
                Self.averagePrimal(parameters: parameters, start: x0All, sum: sAll, momentum: momentumValue)
                stepCount += 1
            }
        }
    }
}

// MARK: - Update rule

/// The pieces of a D-Adaptation SGD step (see `DAdaptSGD`), each a small function of the
/// buffers and the scalar state.
extension DAdaptSGD {
    /// ‖g₀‖ = √(Σ ‖g‖² over the groups with a positive learning-rate scale), before weight decay.
    static func gradientNorm(_ gradient: UnsafeMutableBufferPointer<Scalar>, groups: [ParameterGroup]) -> Double {
        var squares = 0.0
        groups.forEachStep(weightDecay: 0) { group in
            guard group.learningRateScale > 0 else { return }
            let g = group.slice(gradient).readOnly
            squares += BLAS.dotDouble(g, g)
        }
        return squares.squareRoot()
    }

    /// One group's share of the dual average, in place, with λ_k = `stepSize` (nil for a group
    /// that does not move: scale 0 or c = 0) and λ the group's weight decay:
    ///
    /// ```
    /// g ← g + λx
    /// num ← num + λ_k·⟨g, s⟩;   s ← s + λ_k·g           (moving groups only)
    /// ```
    /// Returns ‖s‖² of the group (after the update).
    static func accumulate(parameters x: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
                           sum s: UnsafeMutableBufferPointer<Scalar>, stepSize: Double?, weightDecay: CoupledL2<Scalar>,
                           numerator num: inout Double) -> Double {
        weightDecay.apply(to: g, at: x)
        if let dlr = stepSize {
            num += dlr * BLAS.dotDouble(g.readOnly, s.readOnly)
            BLAS.axpy(Scalar(dlr), g, s)
        }
        return BLAS.dotDouble(s.readOnly, s.readOnly)
    }

    /// The distance estimate for the next step:
    ///
    /// ```
    /// d̂ = 2·num/‖s‖;   d ← max(d, min(d̂, d·growthRate))
    /// ```
    static func nextDistance(_ d: Double, numerator num: Double, sumNorm: Double, growthRate: Double) -> Double {
        let dHat = 2 * num / sumNorm
        return Swift.max(d, Swift.min(dHat, d * growthRate))
    }

    /// Momentum as primal averaging towards z = x₀ − s, over the whole buffer, in place:
    ///
    /// ```
    /// x ← μ·x;   x ← x + (1 − μ)·x₀;   x ← x − (1 − μ)·s
    /// ```
    static func averagePrimal(parameters x: UnsafeMutableBufferPointer<Scalar>, start x0: UnsafeMutableBufferPointer<Scalar>,
                              sum s: UnsafeMutableBufferPointer<Scalar>, momentum μ: Double) {
        let ck = 1 - μ
        BLAS.scal(Scalar(μ), x)
        BLAS.axpy(Scalar(ck), x0, x)
        BLAS.axpy(Scalar(-ck), s, x)
    }
}

// MARK: - Saved state

/// `DAdaptSGD`'s state, format version 1.
public struct DAdaptSGDState: OptimizerStatePayload {
    public static let version = 1
    /// Steps taken (a step skipped because ‖g₀‖ or ‖s‖ was 0 does not count).
    public var stepCount: Int
    /// d, Σ λ_i⟨g_i, s_i⟩ and ‖g₀‖. d may be +∞ after a divergence, so it is not range-checked.
    public var distance: Double
    /// Σ λ_i⟨g_i, s_i⟩.
    public var numerator: Double
    /// ‖g₀‖ (0 until the first step).
    public var initialGradientNorm: Double
    /// The current μ (changed by `setMomentum`), in [0, 1).
    public var momentum: Double
    /// x₀ and s, one element per parameter.
    public var x0: [Double]
    /// s, one element per parameter.
    public var s: [Double]

    /// A state with these values.
    public init(stepCount: Int, distance: Double, numerator: Double, initialGradientNorm: Double, momentum: Double,
                x0: [Double], s: [Double]) {
        self.stepCount = stepCount; self.distance = distance; self.numerator = numerator
        self.initialGradientNorm = initialGradientNorm; self.momentum = momentum; self.x0 = x0; self.s = s
    }
}

extension DAdaptSGD: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`DAdaptSGDState`).
    public typealias State = DAdaptSGDState

    public var state: DAdaptSGDState {
        DAdaptSGDState(stepCount: stepCount, distance: distance, numerator: numerator, initialGradientNorm: initialGradientNorm,
                       momentum: momentumValue, x0: x0.map { Double($0) }, s: s.map { Double($0) })
    }

    public func validate(_ state: DAdaptSGDState, _ check: StateCheck) throws {
        try check.counter(state.stepCount, "stepCount")
        try check.require(state.momentum, "momentum", .closedOpen(0, 1))
        try check.perParameter(state.x0, "x0")
        try check.perParameter(state.s, "s")
    }

    public mutating func restore(_ saved: OptimizerState) throws { install(try validatedState(from: saved)) }

    mutating func install(_ state: DAdaptSGDState) {
        stepCount = state.stepCount; distance = state.distance; numerator = state.numerator
        initialGradientNorm = state.initialGradientNorm; momentumValue = state.momentum
        x0 = state.x0.map { Scalar($0) }; s = state.s.map { Scalar($0) }
    }
}

// MARK: - Registry spec

/// `dadapt-sgd` (see `DAdaptSGD`).
public struct DAdaptSGDSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 5 }
    public var name: String { "dadapt-sgd" }
    public var aliases: [String] { ["dadaptation", "d-adaptation", "dadapt"] }
    public var summary: String { "D-Adaptation SGD (Defazio & Mishchenko 2023): learning-rate free" }
    public var defaultLearningRate: Double { 1 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] {
        [.number("momentum", default: 0, in: .unitLeftClosed, help: "momentum"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ"),
         .number("d0", default: 1e-6, in: .positive, help: "initial distance estimate"),
         .number("growth_rate", default: .infinity, in: ValueRange(1, .infinity), help: "largest factor by which d may grow per step")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try DAdaptSGD<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, momentum: s.number("momentum")!,
                              weightDecay: s.number("weight_decay")!, initialDistance: s.number("d0")!,
                              growthRate: s.number("growth_rate")!)
    }
}
