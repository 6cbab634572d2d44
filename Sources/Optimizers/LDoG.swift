import LinearAlgebra

/// L-DoG, layer-wise DoG: the DoG rule (see `DoG`) with its own r̄, G and η for every layer.
///
///     η_{l,t} = c · max(r_ε,l, max_{i≤t} ‖x_{l,i} − x_{l,0}‖) / √(ε + Σ_{i≤t} ‖g_{l,i}‖²),  r_ε,l = reps_rel·(1 + ‖x_{l,0}‖)
///
/// A layer is by default one `ParameterGroup` (Descent's groups are a model's tensors: a layer's
/// weights, its biases); `layers` may split groups further, each layer lying inside one group,
/// whose multiplier and weight decay it uses. Defaults as `DoG` (reps_rel 1e-6, ε 1e-8).
///
/// Source: Ivgi, Hinder, Carmon, ICML 2023 (arXiv 2302.12022), §"L-DoG"; reference
/// `dog-optimizer` 1.0.3 `LDoG` (one η per tensor). The step is `DoGCore`.
public struct LDoG<Scalar: BLASScalar>: Optimizer {
    public var name: String { "ldog" }
    public let parameterCount: Int
    var core: DoGCore<Scalar>

    /// L-DoG for `parameterCount` parameters: one step size per layer (`layers`; one per parameter group when
    /// nil), with DoG's hyper-parameters and defaults; throws an `OptimizerError` for a value out of its range.
    public init(parameterCount: Int, groups: [ParameterGroup]? = nil, layers: [Range<Int>]? = nil,
                relativeInitialDistance: Double = 1e-6, epsilon: Double = 1e-8, weightDecay: Double = 0,
                initialStepSize: Double? = nil) throws {
        let groups = groups ?? ParameterGroup.all(parameterCount)
        let layers = layers ?? groups.map(\.range)
        var next = 0
        for r in layers {
            precondition(r.lowerBound == next, "L-DoG layer \(r) does not start where the previous layer ended (\(next))")
            next = r.upperBound
        }
        precondition(next == parameterCount, "L-DoG layers cover 0..<\(next) but there are \(parameterCount) parameters")
        self.parameterCount = parameterCount
        core = try DoGCore(parameterCount: parameterCount, groups: groups, blocks: layers,
                           relativeInitialDistance: relativeInitialDistance, epsilon: epsilon,
                           weightDecay: weightDecay, initialStepSize: initialStepSize, kind: "ldog")
    }

    /// The last step size of each layer.
    public var stepSizes: [Double] { core.stepSizes }
    /// r̄ of each layer.
    public var maxDistances: [Double] { core.maxDistance }
    /// G of each layer: ε + Σ‖g_i‖².
    public var gradientSquareSums: [Double] { core.gradientSquares }

    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        core.step(parameters: parameters, gradient: gradient, learningRate: learningRate)
    }

    public mutating func restore(_ saved: OptimizerState) throws { core.install(try validatedState(from: saved)) }
}

// MARK: - Saved state

extension LDoG: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`DoGState`).
    public typealias State = DoGState
    public var state: DoGState { core.state }
    public func validate(_ s: DoGState, _ check: StateCheck) throws { try core.validate(s, check) }
}

// MARK: - Registry spec

/// `ldog`: layer-wise DoG (see `LDoG`).
public struct LDoGSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 4 }
    public var name: String { "ldog" }
    public var aliases: [String] { ["l-dog"] }
    public var summary: String { "L-DoG, DoG with one step size per layer" }
    public var defaultLearningRate: Double { 1 }
    /// DoG's fields (shared with DoG), with their defaults and ranges.
    public var fields: [OptimizerField] { DoGFields.all }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try LDoG<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups,
                         relativeInitialDistance: s.number("reps_rel")!, epsilon: s.number("eps")!,
                         weightDecay: s.number("weight_decay")!, initialStepSize: s.number("init_eta"))
    }
}
