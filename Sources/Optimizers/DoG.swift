import LinearAlgebra

/// DoG, "Distance over Gradients": SGD whose step size is the largest distance travelled from
/// the start divided by the root of the summed squared gradient norms, one step size per
/// `ParameterGroup` (as `dog.py` has one per torch parameter group).
///
///     η_t = c · max(r_ε, max_{i≤t} ‖x_i − x₀‖) / √(ε + Σ_{i≤t} ‖g_i‖²),   x_{t+1} = x_t − η_t·g_t
///
/// with r_ε = reps_rel·(1 + ‖x₀‖) (norm over the group), the current gradient inside the sum, ε
/// added once, and c = `learningRate` × the group's `learningRateScale` (the paper's constant,
/// keep it at 1). Defaults as `dog.py`: reps_rel = 1e-6 (1e-4 for models with batch
/// normalisation), ε = 1e-8, weight decay 0 (L2, added into the gradient and so into the sum).
/// Pair it with `PolynomialAveraging` (γ = 8) and evaluate the average, as the authors require.
/// To have a single step size for the whole model pass `ParameterGroup.all(n)`.
///
/// Source: Ivgi, Hinder, Carmon, "DoG is SGD's Best Friend", ICML 2023 (arXiv 2302.12022);
/// reference `dog-optimizer` 1.0.3, `dog/dog.py`. The step is `DoGCore`. Weight decay follows the
/// reference's math (λx enters G); the reference's in-place change of `p.grad` is not part of the
/// contract: `gradient` is scratch, as the `Optimizer` protocol allows, and undefined after `step`.
public struct DoG<Scalar: BLASScalar>: Optimizer {
    public var name: String { "dog" }
    public let parameterCount: Int
    var core: DoGCore<Scalar>

    /// - Parameters:
    ///   - relativeInitialDistance: reps_rel; the first step moves about reps_rel·(1 + ‖x₀‖).
    ///   - initialStepSize: `init_eta`; when set, the first step size (reps_rel is then ignored and r̄ starts at 0).
    public init(parameterCount: Int, groups: [ParameterGroup]? = nil, relativeInitialDistance: Double = 1e-6,
                epsilon: Double = 1e-8, weightDecay: Double = 0, initialStepSize: Double? = nil) throws {
        let groups = groups ?? ParameterGroup.all(parameterCount)
        self.parameterCount = parameterCount
        core = try DoGCore(parameterCount: parameterCount, groups: groups, blocks: groups.map(\.range),
                           relativeInitialDistance: relativeInitialDistance, epsilon: epsilon,
                           weightDecay: weightDecay, initialStepSize: initialStepSize, kind: "dog")
    }

    /// The last step size of each group.
    public var stepSizes: [Double] { core.stepSizes }
    /// r̄ of each group: max(r_ε, largest distance from x₀ seen so far).
    public var maxDistances: [Double] { core.maxDistance }
    /// G of each group: ε + Σ‖g_i‖².
    public var gradientSquareSums: [Double] { core.gradientSquares }

    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        core.step(parameters: parameters, gradient: gradient, learningRate: learningRate)
    }

    public mutating func restore(_ saved: OptimizerState) throws { core.install(try validatedState(from: saved)) }
}

// MARK: - Saved state

extension DoG: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`DoGState`).
    public typealias State = DoGState
    public var state: DoGState { core.state }
    public func validate(_ s: DoGState, _ check: StateCheck) throws { try core.validate(s, check) }
}

// MARK: - Registry spec

/// `dog` (see `DoG`), with polynomial averaging (`average_gamma`, γ = 8) by default as its authors
/// recommend; `OptimizerSettings.make` applies it.
public struct DoGSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 3 }
    public var name: String { "dog" }
    public var summary: String { "DoG, distance over gradients (Ivgi et al. 2023): learning-rate free" }
    public var defaultLearningRate: Double { 1 }
    /// DoG's fields (shared with L-DoG), with their defaults and ranges.
    public var fields: [OptimizerField] { DoGFields.all }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try DoG<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups,
                        relativeInitialDistance: s.number("reps_rel")!, epsilon: s.number("eps")!,
                        weightDecay: s.number("weight_decay")!, initialStepSize: s.number("init_eta"))
    }
}
