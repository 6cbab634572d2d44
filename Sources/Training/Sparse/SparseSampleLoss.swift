import LinearAlgebra

/// The loss of a one-output linear model, resolved once for the sparse kernel: ℓ(ŷ, y) and
/// δ = ∂ℓ/∂ŷ for one sample, computed by the project's own per-sample kernels
/// (`SquaredErrorKernel`, `HuberKernel`, `AbsoluteErrorKernel`, `BinaryLogisticKernel`) with k = 1
/// and gradient scale 1, so the sparse and the dense paths share the same arithmetic.
/// Softmax cross-entropy needs k ≥ 2 outputs and is not a case.
enum SparseSampleLoss<Scalar: BLASScalar> {
    case squaredError
    case huber(delta: Scalar)
    case absoluteError
    case binaryLogistic

    /// nil for a loss the one-output kernel cannot take (softmax cross-entropy).
    init?(_ loss: Loss) {
        switch loss {
        case .squaredError: self = .squaredError
        case .huber(let delta): self = .huber(delta: Scalar(delta))
        case .absoluteError: self = .absoluteError
        case .binaryLogistic: self = .binaryLogistic
        case .softmaxCrossEntropy: return nil
        }
    }

    /// (ℓ(ŷ, y), ∂ℓ/∂ŷ) for one sample. No allocation: the kernels read and write locals.
    @inline(__always)
    func valueAndDerivative(prediction: Scalar, target: Scalar) -> (Double, Scalar) {
        var p = prediction, y = target, g: Scalar = 0
        let value: Double = withUnsafePointer(to: &p) { pp in
            withUnsafePointer(to: &y) { yp in
                withUnsafeMutablePointer(to: &g) { gp in
                    switch self {
                    case .squaredError: SquaredErrorKernel.sample(pp, yp, 1, gp, 1)
                    case .huber(let delta): HuberKernel.sample(pp, yp, 1, gp, 1, delta: delta)
                    case .absoluteError: AbsoluteErrorKernel.sample(pp, yp, 1, gp, 1)
                    case .binaryLogistic: BinaryLogisticKernel.sample(pp, yp, 1, gp, 1)
                    }
                }
            }
        }
        return (value, g)
    }
}
