import LinearAlgebra

/// Per-sample Huber loss ℓ = Σⱼ h(rⱼ), r = ŷ − y, with h(r) = ½r² for |r| ≤ δ and δ·(|r| − ½δ)
/// beyond (Huber, "Robust Estimation of a Location Parameter", 1964). Its derivative is
/// clamp(r, −δ, δ), continuous at |r| = δ; g = s·clamp(r, −δ, δ) with s = 1/B (wᵢ/B for a weighted sample).
enum HuberKernel {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func sample<S: BLASScalar>(_ p: UnsafePointer<S>, _ y: UnsafePointer<S>, _ k: Int,
                                      _ g: UnsafeMutablePointer<S>?, _ scale: S, delta: S) -> Double {
        var total = 0.0
        for j in 0..<k {
            let r = p[j] - y[j]
            if abs(r) <= delta {
                total += 0.5 * Double(r * r)
                g?[j] = scale * r
            } else {
                total += Double(delta * (abs(r) - delta / 2))
                g?[j] = scale * (r > 0 ? delta : -delta)
            }
        }
        return total
    }
}
