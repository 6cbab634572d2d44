import LinearAlgebra

/// A model's architecture as stored in model files; `makeModel` rebuilds the model (the
/// parameters are stored separately, in the model's layout).
public enum ModelShape: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `LinearModel`: ŷ = x·W (+ b).
    case linear(inputs: Int, outputs: Int, intercept: Bool)
    /// `MLP` with ReLU hidden layers of the given widths and a linear output layer.
    case mlp(inputs: Int, hidden: [Int], outputs: Int)

    public var inputCount: Int {
        switch self { case .linear(let d, _, _), .mlp(let d, _, _): d }
    }
    public var outputCount: Int {
        switch self { case .linear(_, let k, _), .mlp(_, _, let k): k }
    }

    /// The model, after checking the sizes (they may come from a file, so a bad one throws).
    public func makeModel<Scalar: BLASScalar>(_: Scalar.Type = Scalar.self) throws -> any Model<Scalar> {
        switch self {
        case .linear(let d, let k, let intercept):
            guard d >= 1, k >= 1 else { throw TrainingDataError("linear model needs ≥ 1 input and output, got inputs=\(d) outputs=\(k)") }
            return LinearModel<Scalar>(inputs: d, outputs: k, intercept: intercept)
        case .mlp(let d, let hidden, let k):
            guard d >= 1, k >= 1, hidden.allSatisfy({ $0 >= 1 }) else {
                throw TrainingDataError("MLP widths must be ≥ 1, got inputs=\(d) hidden=\(hidden) outputs=\(k)")
            }
            return MLP<Scalar>(inputs: d, hidden: hidden, outputs: k)
        }
    }

    /// e.g. "linear 3→1 with intercept", "mlp 3→16→16→1 (ReLU)".
    public var description: String {
        switch self {
        case .linear(let d, let k, let intercept):
            "linear \(d)→\(k) \(intercept ? "with" : "without") intercept"
        case .mlp(let d, let hidden, let k):
            "mlp " + ([d] + hidden + [k]).map(String.init).joined(separator: "→") + " (ReLU)"
        }
    }
}
