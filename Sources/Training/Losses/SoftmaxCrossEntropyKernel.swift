import LinearAlgebra

/// Per-sample softmax cross-entropy on logits z (k entries) with a target row y:
/// ℓ = Σⱼ yⱼ·(lse(z) − zⱼ), lse(z) = m + log Σⱼ e^(zⱼ − m), m = maxⱼ zⱼ (every exponent ≤ 0, so the
/// sum lies in [1, k] and never overflows). Each term lse − zⱼ ≥ 0, so the sum has no cancellation.
/// The gradient is ∂ℓ/∂zⱼ = softmax(z)ⱼ·Σₗyₗ − yⱼ; g = s·(that), s = 1/B (wᵢ/B for a weighted sample).
enum SoftmaxCrossEntropyKernel {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func sample<S: BLASScalar>(_ p: UnsafePointer<S>, _ y: UnsafePointer<S>, _ k: Int,
                                      _ g: UnsafeMutablePointer<S>?, _ scale: S) -> Double {
        var m = p[0]
        for j in 1..<k { m = max(m, p[j]) }
        var sumExp: S = 0
        for j in 0..<k { sumExp += S.exp(p[j] - m) }
        let lse = m + S.log(sumExp)
        var total = 0.0
        var targetMass: S = 0
        for j in 0..<k {
            total += Double(y[j] * (lse - p[j]))
            targetMass += y[j]
        }
        if let g {
            for j in 0..<k { g[j] = scale * (S.exp(p[j] - lse) * targetMass - y[j]) }
        }
        return total
    }
}
