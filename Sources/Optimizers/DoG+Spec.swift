import LinearAlgebra

/// The fields DoG and L-DoG share.
enum DoGFields {
    static let all: [OptimizerField] = [
        .number("reps_rel", default: 1e-6, in: .positive, help: "relative initial distance r_ε/(1 + ‖x₀‖)"),
        .number("eps", aliases: ["epsilon"], default: 1e-8, in: .nonNegative, help: "ε added to the gradient square sum"),
        .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ (L2 in the gradient)"),
        .number("init_eta", default: nil, in: .positive, help: "the first step size (replaces reps_rel)"),
        .number("average_gamma", default: 8, in: .nonNegative, help: "polynomial iterate averaging γ (0 turns it off)"),
    ]
}

/// `dog` (see `DoG`), with polynomial averaging (`average_gamma`, γ = 8) by default as its authors
/// recommend; `OptimizerSettings.make` applies it.
public struct DoGSpec: OptimizerSpec {
    public init() {}
    public var name: String { "dog" }
    public var summary: String { "DoG, distance over gradients (Ivgi et al. 2023): learning-rate free" }
    public var defaultLearningRate: Double { 1 }
    public var fields: [OptimizerField] { DoGFields.all }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try DoG<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups,
                        relativeInitialDistance: s.number("reps_rel")!, epsilon: s.number("eps")!,
                        weightDecay: s.number("weight_decay")!, initialStepSize: s.number("init_eta"))
    }
}

/// `ldog`: layer-wise DoG (see `LDoG`).
public struct LDoGSpec: OptimizerSpec {
    public init() {}
    public var name: String { "ldog" }
    public var aliases: [String] { ["l-dog"] }
    public var summary: String { "L-DoG, DoG with one step size per layer" }
    public var defaultLearningRate: Double { 1 }
    public var fields: [OptimizerField] { DoGFields.all }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try LDoG<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups,
                         relativeInitialDistance: s.number("reps_rel")!, epsilon: s.number("eps")!,
                         weightDecay: s.number("weight_decay")!, initialStepSize: s.number("init_eta"))
    }
}
