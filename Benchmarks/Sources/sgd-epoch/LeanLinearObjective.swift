import Descent

/// A what-if objective for the profile in docs/throughput.md: the same function as
/// `SupervisedObjective(LinearModel(intercept: true), .squaredError)`,
///   L(W, b) = ½·(1/B)·Σᵢ ‖xᵢ·Wᵀ + b − yᵢ‖²,  ∂L/∂W = Rᵀ·X_B / B,  ∂L/∂b = Σᵢ rᵢ / B,
/// written straight on the raw BLAS forwards with every per-row loop in one `@_specialize`d
/// function: R ← Y_B, R ← X_B·Wᵀ − R (gemv/gemm with β = −1), then one pass that adds b, sums the
/// loss, scales by 1/B and accumulates the bias gradient, then ∂L/∂W by one gemv/gemm. No bias
/// broadcast, no ones vector, no per-row generic calls. Same Trainer and SGD as the real path, so
/// the time difference is what the general objective's overheads cost. Benchmark only.
struct LeanLinearObjective<S: BLASScalar>: Objective {
    typealias Scalar = S
    let x: Matrix<S>, y: Matrix<S>
    let maximumBatchSize: Int
    let scratch: Scratch

    final class Scratch {
        let inputs: UnsafeMutableBufferPointer<S>
        let residuals: UnsafeMutableBufferPointer<S>
        init(rows: Int, d: Int, k: Int) {
            inputs = .allocate(capacity: rows * d); inputs.initialize(repeating: 0)
            residuals = .allocate(capacity: rows * k); residuals.initialize(repeating: 0)
        }
        deinit { inputs.deallocate(); residuals.deallocate() }
    }

    init(x: Matrix<S>, y: Matrix<S>, maximumBatchSize: Int) {
        precondition(x.rows == y.rows, "x is \(x.shape), y is \(y.shape)")
        self.x = x; self.y = y
        self.maximumBatchSize = min(maximumBatchSize, x.rows)
        scratch = Scratch(rows: self.maximumBatchSize, d: x.cols, k: y.cols)
    }

    var parameterCount: Int { x.cols * y.cols + y.cols }
    var sampleCount: Int { x.rows }

    mutating func lossAndGradient(parameters: UnsafeBufferPointer<S>, gradient: UnsafeMutableBufferPointer<S>,
                                  batch: Batch) -> Double {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "parameters \(parameters.count), gradient \(gradient.count), expected \(parameterCount)")
        let (d, k) = (x.cols, y.cols)
        return x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                switch batch {
                case .rows(let r):
                    return LeanKernel.kernel(x: xs.baseAddress!, y: ys.baseAddress!, d: d, k: k, start: r.lowerBound, count: r.count,
                                       indices: nil, theta: parameters.baseAddress!, gradient: gradient.baseAddress!,
                                       gathered: scratch.inputs.baseAddress!, residuals: scratch.residuals.baseAddress!)
                case .indices(let i):
                    return LeanKernel.kernel(x: xs.baseAddress!, y: ys.baseAddress!, d: d, k: k, start: 0, count: i.count,
                                       indices: i.baseAddress!, theta: parameters.baseAddress!, gradient: gradient.baseAddress!,
                                       gathered: scratch.inputs.baseAddress!, residuals: scratch.residuals.baseAddress!)
                }
            }
        }
    }
}

/// The per-batch work of `LeanLinearObjective`, pre-specialised for both scalars.
enum LeanKernel {
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func kernel<T: BLASScalar>(x: UnsafePointer<T>, y: UnsafePointer<T>, d: Int, k: Int, start: Int, count b: Int,
                                      indices: UnsafePointer<Int>?, theta: UnsafePointer<T>, gradient: UnsafeMutablePointer<T>,
                                      gathered: UnsafeMutablePointer<T>, residuals r: UnsafeMutablePointer<T>) -> Double {
        let input: UnsafePointer<T>
        if let indices {
            for i in 0..<b {
                let row = indices[i]
                (gathered + i * d).update(from: x + row * d, count: d)
                (r + i * k).update(from: y + row * k, count: k)
            }
            input = UnsafePointer(gathered)
        } else {
            input = x + start * d
            r.update(from: y + start * k, count: b * k)
        }
        let bias = theta + d * k
        // R ← X_B·Wᵀ − Y_B
        if k == 1 {
            T.blasGemv(.none, b, d, 1, input, d, theta, 1, -1, r, 1)
        } else {
            T.blasGemm(.none, .transpose, b, k, d, 1, input, d, theta, d, -1, r, k)
        }
        // R ← (R + b)/B, loss and ∂L/∂b in the same pass.
        let scale = 1 / T(b)
        let gb = gradient + d * k
        for j in 0..<k { gb[j] = 0 }
        var total = 0.0
        for i in 0..<b {
            let row = r + i * k
            for j in 0..<k {
                let v = row[j] + bias[j]
                total += Double(v * v)
                let g = scale * v
                row[j] = g
                gb[j] += g
            }
        }
        // ∂L/∂W (k × d) ← Rᵀ·X_B (R already carries 1/B).
        if k == 1 {
            T.blasGemv(.transpose, b, d, 1, input, d, UnsafePointer(r), 1, 0, gradient, 1)
        } else {
            T.blasGemm(.transpose, .none, k, d, b, 1, UnsafePointer(r), k, input, d, 0, gradient, d)
        }
        return 0.5 * total / Double(b)
    }
}
