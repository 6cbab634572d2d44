import LinearAlgebra

/// LFM, learning-rate-free momentum SGD: DoG's distance-over-gradients step applied to an
/// exponential moving average of the gradients, one step size per `ParameterGroup`.
///
///     m_k = β·m_{k−1} + (1−β)·g_k                              (m_{−1} = 0; g_k includes wd·x_k)
///     r̄_k = max(r_ε, max_{i≤k} ‖x_i − x₀‖),   r_ε = reps_rel·(1 + ‖x₀‖)
///     η_k = c · r̄_k / √(ε + Σ_{i≤k} ‖m_i‖²)                    (the current m_k is in the sum)
///     x_{k+1} = x_k − η_k·m_k
///
/// c = `learningRate` × the group's `learningRateScale`; one group's step is `LFMUpdate`. Defaults: β = 0.9, ε = 1e-8,
/// reps_rel = 1e-6 (r_ε relative to ‖x₀‖ as in DoG), weight decay 0 (L2, inside g and so inside m;
/// `gradient` is used as scratch and is undefined after `step`). Meant for random reshuffling (a new permutation every epoch, the training
/// engine's default), the setting of the paper's convergence theory.
///
/// Source and status: Hu, Xiao, Liu, Toh, "Learning-rate-free Momentum SGD with Reshuffling
/// Converges in Nonsmooth Nonconvex Optimization", J. Sci. Comput. 2025 (arXiv 2406.18287). The
/// paper's algorithm box could not be obtained (only its abstract was readable and no official
/// code exists), so this is a DoG-type reading of its framework: the distance-over-gradients step
/// of DoG (Ivgi, Hinder, Carmon, ICML 2023, arXiv 2302.12022; see `DoG`) with the momentum average
/// in place of the gradient, so the step size is adapted from the history of iterates (r̄) and of
/// the momentum directions (Σ‖m‖²). A third-party reading differs in timing (it sums only past m and
/// starts with η₀ = ε); this one matches DoG's convention that the current direction is included.
public struct LFM<Scalar: BLASScalar>: Optimizer {
    public var name: String { "lfm" }
    public let parameterCount: Int
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// reps_rel: the first step moves about reps_rel·(1 + ‖x₀‖).
    public let relativeInitialDistance: Double
    /// ε, added once to Σ‖m_i‖².
    public let epsilon: Double
    /// The default L2 weight decay (a group's `weightDecay` replaces it).
    public let weightDecay: Double
    /// β, the momentum average's decay (changed by `setMomentum`).
    public internal(set) var beta: Double

    /// The last step size and r̄ of each group, and Σ‖m_i‖².
    public internal(set) var stepSizes: [Double]
    /// r̄ of each group: max(r_ε, the largest distance from x₀ so far).
    public internal(set) var maxDistances: [Double]
    /// Σ‖m_i‖² of each group.
    public internal(set) var momentumSquares: [Double]
    /// Steps taken.
    public internal(set) var stepCount = 0

    var x0: [Scalar]
    var m: [Scalar]
    var scratch: [Scalar]

    /// LFM for `parameterCount` parameters tiled by `groups` (one group over the whole buffer when nil), with
    /// the hyper-parameters above and their defaults; throws an `OptimizerError` for a value out of its range.
    public init(parameterCount: Int, groups: [ParameterGroup]? = nil, momentum: Double = 0.9,
                relativeInitialDistance: Double = 1e-6, epsilon: Double = 1e-8, weightDecay: Double = 0) throws {
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = Self.hyperParameters
        try check(momentum, "momentum (β)", .closedOpen(0, 1))
        try check(relativeInitialDistance, "relativeInitialDistance (reps_rel)", .positive)
        try check(epsilon, "epsilon", .nonNegative)
        try check.weightDecays(weightDecay, "weightDecay", groups: groups)
        self.parameterCount = parameterCount
        self.groups = groups
        self.beta = momentum
        self.relativeInitialDistance = relativeInitialDistance
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        stepSizes = Array(repeating: 0, count: groups.count)
        maxDistances = Array(repeating: 0, count: groups.count)
        momentumSquares = Array(repeating: 0, count: groups.count)
        x0 = Array(repeating: 0, count: parameterCount)
        m = Array(repeating: 0, count: parameterCount)
        scratch = Array(repeating: 0, count: parameterCount)
    }

    static var hyperParameters: HyperParameterCheck { HyperParameterCheck("lfm") }

    public var momentum: Double? { beta }

    public mutating func setMomentum(_ value: Double) throws {
        try Self.hyperParameters(value, "momentum (β)", .closedOpen(0, 1))
        beta = value
    }

    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "lfm: parameters have \(parameters.count) elements and gradient \(gradient.count), optimizer built for \(parameterCount)")
        let rule = LFMUpdate<Scalar>(relativeInitialDistance: relativeInitialDistance, epsilon: epsilon, beta: beta,
                                     firstStep: stepCount == 0)
        x0.withUnsafeMutableBufferPointer { x0All in
            m.withUnsafeMutableBufferPointer { mAll in
                scratch.withUnsafeMutableBufferPointer { uAll in
                    groups.forEachStep(weightDecay: weightDecay) { group in
                        let j = group.index
                        rule.apply(parameters: group.slice(parameters), gradient: group.slice(gradient),
                                   start: group.slice(x0All), momentum: group.slice(mAll), scratch: group.slice(uAll),
                                   maxDistance: &maxDistances[j], momentumSquares: &momentumSquares[j], stepSize: &stepSizes[j],
                                   multiplier: learningRate * group.learningRateScale, weightDecay: CoupledL2(group.weightDecay))
                    }
                }
            }
        }
        stepCount += 1
    }
}

// MARK: - Update rule

/// One LFM step of one parameter group, in place, with c the group's multiplier (learning rate ×
/// its scale) and λ its weight decay:
///
/// ```
/// k = 0:  x₀ ← x,  r̄ = reps_rel·(1 + ‖x₀‖)         k ≥ 1:  r̄ = max(r̄, ‖x − x₀‖)
/// g ← g + λx                                        (coupled L2, so inside m)
/// m ← β·m;  m ← m + (1 − β)·g
/// M ← M + ‖m‖²
/// η = c·r̄/√(ε + M)                                  (η = 0 when √(ε + M) = 0)
/// x ← x − η·m
/// ```
/// r̄, M = Σ‖m_i‖² and η are the group's state (`Double`); r̄ is `updatedMaxDistance`.
struct LFMUpdate<Scalar: BLASScalar> {
    let relativeInitialDistance: Double
    let epsilon: Double
    let beta: Double
    /// k = 0.
    let firstStep: Bool

    func apply(parameters x: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
               start x0: UnsafeMutableBufferPointer<Scalar>, momentum m: UnsafeMutableBufferPointer<Scalar>,
               scratch u: UnsafeMutableBufferPointer<Scalar>,
               maxDistance r̄: inout Double, momentumSquares M: inout Double, stepSize η: inout Double,
               multiplier c: Double, weightDecay: CoupledL2<Scalar>) {
        r̄ = updatedMaxDistance(r̄, parameters: x, start: x0, scratch: u, firstStep: firstStep,
                               relativeInitialDistance: relativeInitialDistance)
        weightDecay.apply(to: g, at: x)
        BLAS.scal(Scalar(beta), m)
        BLAS.axpy(Scalar(1 - beta), g, m)
        M += BLAS.dotDouble(m.readOnly, m.readOnly)
        let denominator = (epsilon + M).squareRoot()
        η = denominator > 0 ? c * r̄ / denominator : 0
        BLAS.axpy(Scalar(-η), m, x)
    }
}

// MARK: - Saved state

/// `LFM`'s state, format version 1.
public struct LFMState: OptimizerStatePayload {
    public static let version = 1
    /// Completed steps.
    public var stepCount: Int
    /// The current β (changed by `setMomentum`), in [0, 1).
    public var momentum: Double
    /// x₀ and the momentum m, one element per parameter.
    public var x0: [Double]
    /// m, one element per parameter.
    public var m: [Double]
    /// The last η, r̄ and Σ‖m_i‖², one element per parameter group.
    public var stepSizes: [Double]
    /// r̄, one element per parameter group.
    public var maxDistances: [Double]
    /// Σ‖m_i‖², one element per parameter group.
    public var momentumSquares: [Double]

    /// A state with these values.
    public init(stepCount: Int, momentum: Double, x0: [Double], m: [Double], stepSizes: [Double],
                maxDistances: [Double], momentumSquares: [Double]) {
        self.stepCount = stepCount; self.momentum = momentum; self.x0 = x0; self.m = m
        self.stepSizes = stepSizes; self.maxDistances = maxDistances; self.momentumSquares = momentumSquares
    }
}

extension LFM: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`LFMState`).
    public typealias State = LFMState

    public var state: LFMState {
        LFMState(stepCount: stepCount, momentum: beta, x0: x0.map { Double($0) }, m: m.map { Double($0) },
                 stepSizes: stepSizes, maxDistances: maxDistances, momentumSquares: momentumSquares)
    }

    public func validate(_ s: LFMState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.require(s.momentum, "momentum", .closedOpen(0, 1))
        try check.perParameter(s.x0, "x0")
        try check.perParameter(s.m, "m")
        for (field, v) in [("stepSizes", s.stepSizes), ("maxDistances", s.maxDistances), ("momentumSquares", s.momentumSquares)] {
            try check.length(v, field, groups.count, per: "parameter group")
        }
    }

    public mutating func restore(_ saved: OptimizerState) throws { install(try validatedState(from: saved)) }

    mutating func install(_ s: LFMState) {
        stepCount = s.stepCount; beta = s.momentum
        x0 = s.x0.map { Scalar($0) }; m = s.m.map { Scalar($0) }
        stepSizes = s.stepSizes; maxDistances = s.maxDistances; momentumSquares = s.momentumSquares
    }
}

// MARK: - Registry spec

/// `lfm` (see `LFM`).
public struct LFMSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 7 }
    public var name: String { "lfm" }
    public var summary: String { "LFM, learning-rate-free momentum SGD" }
    public var defaultLearningRate: Double { 1 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] {
        [.number("momentum", aliases: ["beta"], default: 0.9, in: .unitLeftClosed, help: "momentum β"),
         .number("reps_rel", default: 1e-6, in: .positive, help: "relative initial distance"),
         .number("eps", aliases: ["epsilon"], default: 1e-8, in: .nonNegative, help: "ε added to the gradient square sum"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try LFM<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, momentum: s.number("momentum")!,
                        relativeInitialDistance: s.number("reps_rel")!, epsilon: s.number("eps")!, weightDecay: s.number("weight_decay")!)
    }
}
