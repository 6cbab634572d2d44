import LinearAlgebra

/// Per-sample absolute error ℓ = Σⱼ |ŷⱼ − yⱼ|; g = s·sign(ŷ − y) with s = 1/B (wᵢ/B for a weighted sample) and sign(0) = 0
/// (the subgradient PyTorch's `L1Loss` also returns at a tie).
enum AbsoluteErrorKernel {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func sample<S: BLASScalar>(_ p: UnsafePointer<S>, _ y: UnsafePointer<S>, _ k: Int,
                                      _ g: UnsafeMutablePointer<S>?, _ scale: S) -> Double {
        var total = 0.0
        for j in 0..<k {
            let r = p[j] - y[j]
            total += Double(abs(r))
            g?[j] = r > 0 ? scale : (r < 0 ? -scale : 0)
        }
        return total
    }
}
