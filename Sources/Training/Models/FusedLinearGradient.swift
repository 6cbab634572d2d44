import LinearAlgebra

/// The rows a part of a batch covers: `count` rows of X, either consecutive from `first` or the
/// ones named by `indices` (a shuffled batch, read in place: no gather copy).
struct RowSelection {
    let indices: UnsafePointer<Int>?
    let first: Int
    let count: Int

    @inline(__always) func row(_ i: Int) -> Int { indices.map { $0[i] } ?? first + i }
}

/// Loss and parameter gradient of a linear model ŷ = x·Wᵀ + b in one pass over the rows, each row
/// read once, in place, straight from X (the "fused" kernel of the training step).
///
/// For every row i (rows `prefetchDistance` ahead are prefetched from the index list):
///
///     ŷᵢ = W·xᵢ + b                       (k dot products on the row while it is in L1)
///     ℓᵢ, δᵢ = ℓ(ŷᵢ, yᵢ), s·∂ℓ/∂ŷ(ŷᵢ, yᵢ)   (the loss's per-sample kernel, s = gradient scale)
///     ∂W += δᵢ·xᵢᵀ,  ∂b += δᵢ              (k axpys into the gradient, also in L1)
///
/// and the result is Σᵢ ℓᵢ. This is the same arithmetic as the batched path (forward gemv/gemm,
/// loss, backward gemv/gemm) with the sums over rows taken one row at a time in row order, so the
/// two agree to rounding (the tests compare them). A batched path reads a shuffled row twice from
/// memory (gather, then products) or copies it; this kernel reads it once.
///
/// Used for k ≤ `maximumOutputs` outputs; wider models are gemm-bound and take the batched path.
enum FusedLinearGradient {
    /// Models with more outputs than this take the batched (gemm) path.
    static let maximumOutputs = 4
    /// How many rows ahead the kernel prefetches a row of X and of Y.
    static let prefetchDistance = 8

    /// Σᵢ ℓᵢ over `rows`, with s·Σᵢ ∂ℓᵢ/∂θ written into `gradient` (`k·d + k` elements with an
    /// intercept, `k·d` without; overwritten). `scratch` holds 2k elements (ŷᵢ and δᵢ).
    /// With `weights` (indexed by row of X, like X and Y): Σᵢ wᵢ·ℓᵢ and s·Σᵢ wᵢ·∂ℓᵢ/∂θ, each
    /// row's kernel called with the scale s·wᵢ (`SampleWeights`); without, the unweighted loop.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func lossAndGradient<S: BLASScalar>(
        x: UnsafePointer<S>, inputs d: Int, y: UnsafePointer<S>, outputs k: Int, rows: RowSelection,
        parameters: UnsafePointer<S>, hasBias: Bool, loss: Loss, scale: S,
        gradient: UnsafeMutablePointer<S>, scratch: UnsafeMutablePointer<S>, weights: UnsafePointer<S>? = nil
    ) -> Double {
        let p = k * d + (hasBias ? k : 0)
        gradient.update(repeating: 0, count: p)
        if rows.count == 0 { return 0 }
        if k == 1, case .squaredError = loss {
            if let weights {
                return squaredErrorSingleOutput(x: x, d: d, y: y, rows: rows, parameters: parameters, hasBias: hasBias,
                                                scale: scale, gradient: gradient, weights: weights)
            }
            return squaredErrorSingleOutput(x: x, d: d, y: y, rows: rows, parameters: parameters, hasBias: hasBias,
                                            scale: scale, gradient: gradient)
        }
        let setup = Setup(x: x, d: d, y: y, k: k, rows: rows, parameters: parameters, hasBias: hasBias,
                          gradient: gradient, prediction: scratch, delta: scratch + k, weights: weights, scale: scale)
        switch loss {
        case .squaredError:
            return setup.run { SquaredErrorKernel.sample($0, $1, k, $2, $3) }
        case .huber(let delta):
            let dl = S(delta)
            return setup.run { HuberKernel.sample($0, $1, k, $2, $3, delta: dl) }
        case .absoluteError:
            return setup.run { AbsoluteErrorKernel.sample($0, $1, k, $2, $3) }
        case .binaryLogistic:
            return setup.run { BinaryLogisticKernel.sample($0, $1, k, $2, $3) }
        case .softmaxCrossEntropy:
            return setup.run { SoftmaxCrossEntropyKernel.sample($0, $1, k, $2, $3) }
        }
    }

    /// k = 1, squared error: rᵢ = w·xᵢ + b − yᵢ, ℓᵢ = ½rᵢ², ∂w += s·rᵢ·xᵢ, ∂b += s·rᵢ (the bias
    /// gradient summed in Double, as the batched path's column sum is). With sample weights ωᵢ:
    /// ℓᵢ = ½ωᵢrᵢ² and the row's scale s·ωᵢ.
    @inline(__always)
    static func squaredErrorSingleOutput<S: BLASScalar>(
        x: UnsafePointer<S>, d: Int, y: UnsafePointer<S>, rows: RowSelection,
        parameters w: UnsafePointer<S>, hasBias: Bool, scale: S, gradient: UnsafeMutablePointer<S>,
        weights: UnsafePointer<S>? = nil
    ) -> Double {
        let bias: S = hasBias ? w[d] : 0
        let rowBytes = d * MemoryLayout<S>.stride
        var total = 0.0, biasGradient = 0.0
        for i in 0..<rows.count {
            if i + prefetchDistance < rows.count {
                let ahead = rows.row(i + prefetchDistance)
                BLAS.prefetch(UnsafeRawPointer(x + ahead * d), bytes: rowBytes)
                BLAS.prefetch(UnsafeRawPointer(y + ahead), bytes: 1)
            }
            let r = rows.row(i)
            let xi = x + r * d
            let residual = RowKernels.dot(w, xi, d) + bias - y[r]
            let delta: S
            if let weights {
                total += Double(weights[r]) * Double(residual * residual)
                delta = (scale * weights[r]) * residual
            } else {
                total += Double(residual * residual)
                delta = scale * residual
            }
            RowKernels.axpy(delta, xi, gradient, d)
            biasGradient += Double(delta)
        }
        if hasBias { gradient[d] = S(biasGradient) }
        return 0.5 * total
    }

    /// Pointers for the general row loop.
    struct Setup<S: BLASScalar> {
        let x: UnsafePointer<S>, d: Int, y: UnsafePointer<S>, k: Int, rows: RowSelection
        let parameters: UnsafePointer<S>, hasBias: Bool
        let gradient: UnsafeMutablePointer<S>, prediction: UnsafeMutablePointer<S>, delta: UnsafeMutablePointer<S>
        let weights: UnsafePointer<S>?, scale: S

        /// The row loop around a per-sample loss kernel (prediction, target, gradient row, scale) → ℓᵢ.
        @inline(__always)
        func run(_ kernel: (UnsafePointer<S>, UnsafePointer<S>, UnsafeMutablePointer<S>, S) -> Double) -> Double {
            let rowBytes = d * MemoryLayout<S>.stride, targetBytes = k * MemoryLayout<S>.stride
            let bias = parameters + k * d, biasGradient = gradient + k * d
            var total = 0.0
            for i in 0..<rows.count {
                if i + prefetchDistance < rows.count {
                    let ahead = rows.row(i + prefetchDistance)
                    BLAS.prefetch(UnsafeRawPointer(x + ahead * d), bytes: rowBytes)
                    BLAS.prefetch(UnsafeRawPointer(y + ahead * k), bytes: targetBytes)
                }
                let r = rows.row(i)
                let xi = x + r * d
                for o in 0..<k {
                    prediction[o] = RowKernels.dot(parameters + o * d, xi, d) + (hasBias ? bias[o] : 0)
                }
                if let weights {
                    let w = weights[r]
                    total += Double(w) * kernel(UnsafePointer(prediction), y + r * k, delta, scale * w)
                } else {
                    total += kernel(UnsafePointer(prediction), y + r * k, delta, scale)
                }
                for o in 0..<k {
                    RowKernels.axpy(delta[o], xi, gradient + o * d, d)
                    if hasBias { biasGradient[o] += delta[o] }
                }
            }
            return total
        }
    }
}
