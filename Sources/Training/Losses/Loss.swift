import LinearAlgebra

/// A loss between a batch of model outputs ŷ (B × k) and targets y (B × k).
///
/// Every case is a **mean over the B samples of a per-sample loss ℓᵢ that sums over the k outputs**:
/// L = (1/B)·Σᵢ ℓ(ŷᵢ, yᵢ). The gradient ∂L/∂ŷ written by `valueAndGradient` therefore carries the
/// factor 1/B, so models back-propagate it without rescaling. Sums run in `Double`; the per-element
/// arithmetic is the scalar's own. The batch functions and the per-sample kernels carry
/// `@_specialize` for both scalars (see `DenseLayer`): they are reached from generic code.
///
/// Relation to PyTorch (whose `reduction="mean"` divides by B·k, not B): for k outputs,
/// `MSELoss = (2/k)·squaredError`, `HuberLoss(δ) = (1/k)·huber(δ)`, `L1Loss = (1/k)·absoluteError`;
/// `BCEWithLogitsLoss` (k = 1) and `CrossEntropyLoss` (probability/one-hot targets) equal ours.
/// With plain or momentum SGD, a run on our squared error with learning rate η matches PyTorch's
/// `MSELoss` with learning rate η·k/2 (k = 1: PyTorch's lr is half of ours); scale-free methods
/// (DoG, D-Adaptation, normalised steps) need no conversion.
public enum Loss: Sendable, Codable, Equatable, Hashable {
    /// Squared error: ℓ = ½·‖ŷ − y‖², so L = ½·(1/B)·Σᵢ‖ŷᵢ − yᵢ‖² and ∂L/∂ŷ = (ŷ − y)/B.
    /// (The ½ makes the gradient the plain residual; see the type's note for PyTorch's `MSELoss`.)
    case squaredError
    /// Huber loss with threshold δ > 0, per element r = ŷ − y: h(r) = ½r² for |r| ≤ δ, δ·(|r| − ½δ)
    /// otherwise; ℓ = Σⱼ h(rⱼ), ∂L/∂ŷ = clamp(r, −δ, δ)/B (Huber 1964; PyTorch `HuberLoss(delta)` up to 1/k).
    case huber(delta: Double)
    /// Absolute error: ℓ = Σⱼ |ŷⱼ − yⱼ|, ∂L/∂ŷ = sign(ŷ − y)/B with the subgradient 0 at r = 0
    /// (PyTorch `L1Loss` up to 1/k, same subgradient).
    case absoluteError
    /// Binary logistic loss (k = 1): ŷ = z is a logit, y ∈ {0, 1} (or a probability in [0, 1]);
    /// ℓ = log(1 + eᶻ) − y·z, computed as max(z, 0) − y·z + log1p(e^(−|z|)) so it never overflows;
    /// ∂L/∂z = (σ(z) − y)/B. Equals PyTorch `BCEWithLogitsLoss`.
    case binaryLogistic
    /// Softmax cross-entropy over k ≥ 2 logits z, y a one-hot or probability row:
    /// ℓ = Σⱼ yⱼ·(lse(z) − zⱼ) with lse(z) = m + log Σⱼ e^(zⱼ − m), m = maxⱼ zⱼ (stable log-sum-exp);
    /// ∂L/∂zⱼ = (softmax(z)ⱼ·Σₗyₗ − yⱼ)/B, i.e. (softmax(z) − y)/B for rows summing to 1.
    /// Equals PyTorch `CrossEntropyLoss` with probability targets.
    case softmaxCrossEntropy

    /// Whether the loss is a classification loss (evaluated by accuracy) rather than a regression
    /// loss (evaluated by RMSE and R²).
    public var isClassification: Bool {
        switch self {
        case .binaryLogistic, .softmaxCrossEntropy: true
        case .squaredError, .huber, .absoluteError: false
        }
    }

    // MARK: Batch loss and gradient

    /// The batch loss L = (1/B)·Σᵢ ℓᵢ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func value<Scalar: BLASScalar>(prediction: MatrixView<Scalar>, target: MatrixView<Scalar>) -> Double {
        precondition(prediction.rows >= 1, "a loss needs at least one sample, the prediction is \(prediction.shape)")
        return sum(prediction: prediction, target: target, gradient: nil) / Double(prediction.rows)
    }

    /// The weighted mean loss Σᵢ wᵢ·ℓᵢ / Σᵢ wᵢ (`weights` one per row, ≥ 0), as scikit-learn's
    /// metric functions average with `sample_weight`; NaN when the weights sum to 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func value<Scalar: BLASScalar>(prediction: MatrixView<Scalar>, target: MatrixView<Scalar>,
                                          weights: UnsafeBufferPointer<Scalar>) -> Double {
        precondition(weights.count == prediction.rows, "loss: \(weights.count) weights for \(prediction.rows) rows")
        let total = weights.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else { return .nan }
        return sum(prediction: prediction, target: target, gradient: nil, gradientScale: 1, weights: weights.baseAddress) / total
    }

    /// The batch loss L, with ∂L/∂ŷ (including the 1/B) written into `gradient` (same shape as
    /// `prediction`; overwritten). Does not allocate.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func valueAndGradient<Scalar: BLASScalar>(prediction: MatrixView<Scalar>, target: MatrixView<Scalar>,
                                                     gradient: MutableMatrixView<Scalar>) -> Double {
        precondition(prediction.rows >= 1, "a loss needs at least one sample, the prediction is \(prediction.shape)")
        precondition(gradient.rows == prediction.rows && gradient.cols == prediction.cols,
                     "loss gradient is \(gradient.shape) but the prediction is \(prediction.shape)")
        return sum(prediction: prediction, target: target, gradient: gradient) / Double(prediction.rows)
    }

    /// Σᵢ ℓᵢ over the rows (not divided by B); when `gradient` is given, it receives (1/B)·∂ℓᵢ/∂ŷᵢ.
    /// Chunked evaluation adds these sums and divides once.
    ///
    /// The case is resolved once, outside the row loop, and the loop is specialized for both
    /// scalars (it is reached from generic code; unspecialized, each row paid a metadata lookup).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum<Scalar: BLASScalar>(prediction: MatrixView<Scalar>, target: MatrixView<Scalar>,
                                        gradient: MutableMatrixView<Scalar>?) -> Double {
        sum(prediction: prediction, target: target, gradient: gradient, gradientScale: 1 / Scalar(prediction.rows))
    }

    /// Σᵢ ℓᵢ over the rows, with `gradientScale`·∂ℓᵢ/∂ŷᵢ written into `gradient` when it is given
    /// (`sum` uses 1/B; a batch evaluated in chunks passes 1/B of the whole batch to every chunk).
    ///
    /// With `weights` (one per row, wᵢ ≥ 0; see `SampleWeights`) it is Σᵢ wᵢ·ℓᵢ, and row i's
    /// gradient is (s·wᵢ)·∂ℓᵢ/∂ŷᵢ: the kernel is called with the scale s·wᵢ. Without them every
    /// row takes s itself (the unweighted arithmetic, unchanged).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func sum<Scalar: BLASScalar>(prediction: MatrixView<Scalar>, target: MatrixView<Scalar>,
                                 gradient: MutableMatrixView<Scalar>?, gradientScale scale: Scalar,
                                 weights: UnsafePointer<Scalar>? = nil) -> Double {
        precondition(prediction.rows == target.rows && prediction.cols == target.cols,
                     "loss: prediction is \(prediction.shape) but the target is \(target.shape)")
        if let gradient {
            precondition(gradient.rows == prediction.rows && gradient.cols == prediction.cols,
                         "loss gradient is \(gradient.shape) but the prediction is \(prediction.shape)")
        }
        let (b, k) = (prediction.rows, prediction.cols)
        if b == 0 || k == 0 { return 0 }
        let rows = RowPointers(prediction: prediction, target: target, gradient: gradient)
        switch self {
        case .squaredError:
            return rows.sum(scale: scale, weights: weights) { SquaredErrorKernel.sample($0, $1, k, $2, $3) }
        case .huber(let delta):
            let d = Scalar(delta)
            return rows.sum(scale: scale, weights: weights) { HuberKernel.sample($0, $1, k, $2, $3, delta: d) }
        case .absoluteError:
            return rows.sum(scale: scale, weights: weights) { AbsoluteErrorKernel.sample($0, $1, k, $2, $3) }
        case .binaryLogistic:
            return rows.sum(scale: scale, weights: weights) { BinaryLogisticKernel.sample($0, $1, k, $2, $3) }
        case .softmaxCrossEntropy:
            return rows.sum(scale: scale, weights: weights) { SoftmaxCrossEntropyKernel.sample($0, $1, k, $2, $3) }
        }
    }
}

/// The row starts of a prediction, its target and (optionally) its gradient, for the loss's row loop.
struct RowPointers<S: BLASScalar> {
    let rows: Int
    let p: UnsafePointer<S>, pStride: Int
    let y: UnsafePointer<S>, yStride: Int
    let g: UnsafeMutablePointer<S>?, gStride: Int

    @inline(__always)
    init(prediction: MatrixView<S>, target: MatrixView<S>, gradient: MutableMatrixView<S>?) {
        rows = prediction.rows
        p = prediction.base!; pStride = prediction.stride
        y = target.base!; yStride = target.stride
        g = gradient?.base; gStride = gradient?.stride ?? 0
    }

    /// Σᵢ body(pᵢ, yᵢ, gᵢ, s) over the rows, in order; with `weights`, Σᵢ wᵢ·body(pᵢ, yᵢ, gᵢ, s·wᵢ).
    @inline(__always)
    func sum(scale: S, weights: UnsafePointer<S>?,
             _ body: (UnsafePointer<S>, UnsafePointer<S>, UnsafeMutablePointer<S>?, S) -> Double) -> Double {
        var total = 0.0
        if let w = weights {
            for i in 0..<rows {
                let wi = w[i]
                total += Double(wi) * body(p + i * pStride, y + i * yStride, g.map { $0 + i * gStride }, scale * wi)
            }
        } else if let g {
            for i in 0..<rows { total += body(p + i * pStride, y + i * yStride, g + i * gStride, scale) }
        } else {
            for i in 0..<rows { total += body(p + i * pStride, y + i * yStride, nil, scale) }
        }
        return total
    }
}
