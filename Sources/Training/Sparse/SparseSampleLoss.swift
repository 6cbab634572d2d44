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

    /// δ = ∂ℓ/∂ŷ first and ℓ later, for the scaled update, which needs only δ before its scatter:
    /// `derivative` returns δ and a number `value(prediction:target:partial:)` finishes ℓ from, so
    /// the loss value (log1p for the logistic loss) is computed after the update, off the chain
    /// dot → δ → update. The same arithmetic as `valueAndDerivative`, bit for bit: the squared
    /// error's δ = ŷ − y and ℓ = ½·(ŷ − y)² (as `SquaredErrorKernel` with k = 1, scale 1), the
    /// logistic loss's e = e^(−|z|), δ = σ(z) − y and ℓ = max(z, 0) − y·z + log1p(e) (as
    /// `BinaryLogisticKernel`); Huber and absolute error run their kernel in `derivative` and pass ℓ on.
    @inline(__always)
    func derivative(prediction: Scalar, target: Scalar) -> (delta: Scalar, partial: Scalar, value: Double) {
        switch self {
        case .squaredError:
            let r = prediction - target
            return (r, r, 0)
        case .binaryLogistic:
            let e = Scalar.exp(-abs(prediction))
            return ((prediction >= 0 ? 1 : e) / (1 + e) - target, e, 0)
        case .huber, .absoluteError:
            let (value, g) = valueAndDerivative(prediction: prediction, target: target)
            return (g, 0, value)
        }
    }

    /// ℓ from `derivative`'s partial result (see there).
    @inline(__always)
    func value(prediction: Scalar, target: Scalar, partial: Scalar, value: Double) -> Double {
        switch self {
        case .squaredError: return 0.5 * Double(partial * partial)
        case .binaryLogistic: return Double(max(prediction, 0) - target * prediction + Scalar.log(onePlus: partial))
        case .huber, .absoluteError: return value
        }
    }
}
