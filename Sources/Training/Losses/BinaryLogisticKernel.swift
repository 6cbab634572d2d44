import LinearAlgebra

/// Per-sample logistic loss on one logit z with label y ∈ [0, 1]:
/// ℓ = log(1 + eᶻ) − y·z = max(z, 0) − y·z + log1p(e^(−|z|)), which is exact and never overflows
/// (e^(−|z|) ≤ 1). The derivative is σ(z) − y, with σ evaluated as 1/(1 + e^(−z)) for z ≥ 0 and
/// eᶻ/(1 + eᶻ) for z < 0 so that neither branch overflows; g = s·(σ(z) − y), s = 1/B (wᵢ/B for a weighted sample).
enum BinaryLogisticKernel {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func sample<S: BLASScalar>(_ p: UnsafePointer<S>, _ y: UnsafePointer<S>, _ k: Int,
                                      _ g: UnsafeMutablePointer<S>?, _ scale: S) -> Double {
        precondition(k == 1, "the logistic loss takes one logit per sample, got \(k)")
        let z = p[0], label = y[0]
        let e = S.exp(-abs(z))                          // in (0, 1]
        let loss = max(z, 0) - label * z + S.log(onePlus: e)
        if let g {
            let sigma = (z >= 0 ? 1 : e) / (1 + e)         // one division, the branch a select
            g[0] = scale * (sigma - label)
        }
        return Double(loss)
    }
}
