import Descent
import _TestSupport

/// Shared fixtures for the model/loss/objective tests (namespaced to stay clear of other test files).
enum EngineFixtures {
    static let allLosses: [Loss] = [.squaredError, .huber(delta: 0.5), .absoluteError, .binaryLogistic, .softmaxCrossEntropy]

    /// Targets suited to `loss`: uniform values for regression, 0/1 labels for the logistic loss,
    /// one-hot rows for softmax cross-entropy.
    static func targets<T: BLASScalar>(for loss: Loss, rows n: Int, cols k: Int, seed: UInt64) -> Matrix<T> {
        var g = SeededGenerator(seed: seed)
        switch loss {
        case .binaryLogistic:
            return Matrix(rows: n, cols: 1) { _, _ in g.nextUnit() < 0.5 ? 0 : 1 }
        case .softmaxCrossEntropy:
            let classes = (0..<n).map { _ in Int(g.nextUnit() * Double(k)) }
            return Matrix(rows: n, cols: k) { i, j in classes[i] == j ? 1 : 0 }
        default:
            return Matrix(rows: n, cols: k) { _, _ in T(2 * g.nextUnit() - 1) }
        }
    }

    static func outputs(for loss: Loss) -> Int { loss == .binaryLogistic ? 1 : 3 }

    /// The models every loss is checked with: linear with and without intercept, and an MLP.
    static func models<T: BLASScalar>(inputs d: Int, outputs k: Int, as: T.Type = T.self) -> [any Model<T>] {
        [LinearModel<T>(inputs: d, outputs: k, intercept: true),
         LinearModel<T>(inputs: d, outputs: k, intercept: false),
         MLP<T>(inputs: d, hidden: [5, 4], outputs: k)]
    }

    /// Parameters away from 0: the model's initialisation plus a small seeded perturbation
    /// (so biases and linear weights are non-zero).
    static func parameters<T: BLASScalar>(for model: any Model<T>, seed: UInt64) -> [T] {
        let base = model.initialParameters(seed: seed)
        let noise: [T] = randomVector(model.parameterCount, seed: seed &+ 1)
        return zip(base, noise).map { $0 + $1 / 2 }
    }

    /// (loss, gradient) through the objective, with arrays.
    static func lossAndGradient<T: BLASScalar>(_ objective: inout SupervisedObjective<T>, _ theta: [T],
                                               _ batch: Batch) -> (Double, [T]) {
        var gradient = [T](repeating: .nan, count: theta.count)
        let value = theta.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { objective.lossAndGradient(parameters: p, gradient: $0, batch: batch) }
        }
        return (value, gradient)
    }

    static func loss<T: BLASScalar>(_ objective: SupervisedObjective<T>, _ theta: [T], _ batch: Batch) -> Double {
        theta.withUnsafeBufferPointer { objective.loss(parameters: $0, batch: batch) }
    }

    /// Runs `body` with a batch over `indices` (`.indices` needs a buffer that outlives the call).
    static func withIndices<R>(_ indices: [Int], _ body: (Batch) -> R) -> R {
        indices.withUnsafeBufferPointer { body(.indices($0)) }
    }
}

/// An independent forward pass by plain loops in Double (the truth for the BLAS forward and the
/// source of pre-activations, used to keep finite differences away from ReLU kinks).
enum NaiveNetwork {
    /// Widths n₀…n_L of a model's affine layers and whether each layer has a bias.
    static func layout<T: BLASScalar>(_ model: any Model<T>) -> (widths: [Int], bias: Bool) {
        switch model.shape {
        case .linear(let d, let k, let intercept): ([d, k], intercept)
        case .mlp(let d, let hidden, let k): ([d] + hidden + [k], true)
        }
    }

    /// The output and every hidden pre-activation, parameters read in the documented layout
    /// (each weight stored out × in, then the bias).
    static func forward<T: BLASScalar>(_ model: any Model<T>, _ theta: [T], _ x: Matrix<T>)
        -> (output: [[Double]], preactivations: [[[Double]]]) {
        let (widths, hasBias) = layout(model)
        var a = x.nestedRows.map { $0.map(Double.init) }
        var pre: [[[Double]]] = []
        var offset = 0
        for l in 0..<(widths.count - 1) {
            let (n, m) = (widths[l], widths[l + 1])
            let w = (0..<n).map { i in (0..<m).map { j in Double(theta[offset + j * n + i]) } }  // w[in][out]
            offset += n * m
            let b = hasBias ? (0..<m).map { Double(theta[offset + $0]) } : Array(repeating: 0, count: m)
            if hasBias { offset += m }
            let z = a.map { row in (0..<m).map { j in b[j] + (0..<n).reduce(0.0) { $0 + row[$1] * w[$1][j] } } }
            if l < widths.count - 2 {
                pre.append(z)
                a = z.map { $0.map { max($0, 0) } }
            } else {
                a = z
            }
        }
        precondition(offset == theta.count, "naive layout read \(offset) of \(theta.count) parameters")
        return (a, pre)
    }
}
