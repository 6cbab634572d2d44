#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// A model's architecture as stored in model files; `makeModel` rebuilds the model (the
/// parameters are stored separately, in the model's layout).
public enum ModelShape: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `LinearModel`: ŷ = x·W (+ b).
    case linear(inputs: Int, outputs: Int, intercept: Bool)
    /// `MLP` with ReLU hidden layers of the given widths and a linear output layer.
    case mlp(inputs: Int, hidden: [Int], outputs: Int)

    /// d, the features the model takes.
    public var inputCount: Int {
        switch self { case .linear(let d, _, _), .mlp(let d, _, _): d }
    }
    /// k, the outputs.
    public var outputCount: Int {
        switch self { case .linear(_, let k, _), .mlp(_, _, let k): k }
    }

    /// The widths of the layers' inputs and outputs in order: [d, k], or [d, h₁, …, k].
    public var layerWidths: [Int] {
        switch self {
        case .linear(let d, let k, _): [d, k]
        case .mlp(let d, let hidden, let k): [d] + hidden + [k]
        }
    }

    /// The number of parameters (weights and biases), nil when it overflows `Int`.
    public var parameterCount: Int? {
        func layers(_ widths: [Int], bias: Bool) -> Int? {
            var total = 0
            for (a, b) in zip(widths, widths.dropFirst()) {
                let (w, o1) = a.multipliedReportingOverflow(by: b)
                let (t, o2) = total.addingReportingOverflow(w)
                let (u, o3) = t.addingReportingOverflow(bias ? b : 0)
                if o1 || o2 || o3 { return nil }
                total = u
            }
            return total
        }
        if case .linear(_, _, let intercept) = self { return layers(layerWidths, bias: intercept) }
        return layers(layerWidths, bias: true)
    }

    /// The most bytes of parameters a model may have: an eighth of this machine's memory (training
    /// holds several buffers of that size: parameters, gradient, optimizer state, evaluation point).
    public static var parameterByteLimit: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 1 << 34 }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max / 8 : bytes / 8
    }

    /// Throws unless the parameters of this shape fit in `parameterByteLimit` in `Scalar`: checked
    /// before anything is allocated, so an absurd size is an error, not an allocation failure.
    public func checkSize<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let limit = Self.parameterByteLimit
        let count = parameterCount
        let (bytes, overflow) = (count ?? Int.max).multipliedReportingOverflow(by: MemoryLayout<Scalar>.size)
        guard count != nil, !overflow, bytes <= limit else {
            let what = count.map { "\($0) parameters" } ?? "more parameters than an Int can count"
            throw TrainingDataError("the model \(self) has \(what); at most \(limit / MemoryLayout<Scalar>.size) fit in "
                                    + "\(limit >> 20) MiB (an eighth of this machine's memory) in \(Scalar.self == Float.self ? "float" : "double")")
        }
    }

    /// The model, after checking the sizes (they may come from a file, so a bad one throws).
    public func makeModel<Scalar: BLASScalar>(_: Scalar.Type = Scalar.self) throws -> any Model<Scalar> {
        if case .mlp(let d, let hidden, let k) = self, d >= 1, k >= 1, hidden.allSatisfy({ $0 >= 1 }) { try checkSize(Scalar.self) }
        if case .linear(let d, let k, _) = self, d >= 1, k >= 1 { try checkSize(Scalar.self) }
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
