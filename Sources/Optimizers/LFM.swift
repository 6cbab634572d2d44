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
    public let groups: [ParameterGroup]
    public let relativeInitialDistance: Double
    public let epsilon: Double
    public let weightDecay: Double
    public internal(set) var beta: Double

    /// The last step size and r̄ of each group, and Σ‖m_i‖².
    public internal(set) var stepSizes: [Double]
    public internal(set) var maxDistances: [Double]
    public internal(set) var momentumSquares: [Double]
    public internal(set) var stepCount = 0

    var x0: [Scalar]
    var m: [Scalar]
    var scratch: [Scalar]

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
