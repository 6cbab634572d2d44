import LinearAlgebra

/// Σℓ over the updates of a `SparseLinearSGD` epoch, from `SparseSampleLoss.derivative`'s partial
/// results, without a logarithm per update.
///
/// The logistic loss ℓ = max(z, 0) − y·z + log1p(e), e = e^(−|z|), adds max(z, 0) − y·z to a sum
/// and multiplies 1 + e into a product P in Double: Σ log1p(eᵢ) = log Π(1 + eᵢ). Each factor lies
/// in (1, 2], so P is folded into the sum of logarithms (log P, then P ← 1) once it passes 2⁵⁰⁰,
/// long before it could overflow, and at the end. A factor 1 + e is exact for a Float e and within
/// half an ulp for a Double e, and each product rounds by half an ulp, so the total differs from
/// the sum of the per-update values by about 2⁻⁵³ per update, relative to ℓ ≈ log 2 at the
/// start. Every other loss adds its value.
struct SparseLossSum<Scalar: BLASScalar> {
    /// The values and linear parts added so far.
    var sum = 0.0
    /// Π(1 + e) since the last fold, and the sum of the folded logarithms.
    var product = 1.0, logarithms = 0.0

    /// Adds ℓ of one update, from `derivative`'s results (see `SparseSampleLoss.value`).
    @inline(__always)
    mutating func add(_ loss: SparseSampleLoss<Scalar>, prediction: Scalar, target: Scalar, partial: Scalar, value: Double) {
        if case .binaryLogistic = loss {
            sum += Double(max(prediction, 0) - target * prediction)
            product *= 1 + Double(partial)
            if product > 0x1p500 { logarithms += Double.log(product); product = 1 }
        } else {
            sum += loss.value(prediction: prediction, target: target, partial: partial, value: value)
        }
    }

    /// Adds a finished value ℓ.
    @inline(__always)
    mutating func add(_ value: Double) { sum += value }

    /// Σℓ of everything added.
    var total: Double { sum + (logarithms + Double.log(product)) }
}
