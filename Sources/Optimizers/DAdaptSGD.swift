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
    public let groups: [ParameterGroup]
    public let weightDecay: Double
    public let growthRate: Double
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
