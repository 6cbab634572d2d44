import LinearAlgebra

/// Per-sample squared error ℓ = ½·Σⱼ (ŷⱼ − yⱼ)², gradient row g = s·(ŷ − y) with s = 1/B (wᵢ/B for a weighted sample).
enum SquaredErrorKernel {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func sample<S: BLASScalar>(_ p: UnsafePointer<S>, _ y: UnsafePointer<S>, _ k: Int,
                                      _ g: UnsafeMutablePointer<S>?, _ scale: S) -> Double {
        var total = 0.0
        for j in 0..<k {
            let r = p[j] - y[j]
            total += Double(r * r)
            g?[j] = scale * r
        }
        return 0.5 * total
    }
}
