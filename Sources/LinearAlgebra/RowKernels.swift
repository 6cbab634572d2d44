import CKernels

/// Kernels for one row that is already in the L1 cache: the inner loops of the fused training
/// kernels, where a BLAS call's fixed cost (tens of nanoseconds) would be as large as the work.
/// `dot` and `axpy` run the C kernels of `CKernels` (built for AVX-512, AVX2 and the baseline,
/// chosen at load time; the same rounding on each), `allFinite` is Swift SIMD.
public enum RowKernels {
    /// The instruction set the C row kernels use on this machine ("avx512f", "avx2", "baseline").
    public static var instructionSet: String { String(cString: descent_kernel_isa()) }

    /// Σⱼ aⱼ·bⱼ for j < n, summed in an order fixed by n alone (16 partial sums, then a fixed tree).
    @inlinable @inline(__always)
    public static func dot<S: BLASScalar>(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ n: Int) -> S {
        S.rowDot(a, b, n)
    }

    /// yⱼ ← yⱼ + α·xⱼ for j < n.
    @inlinable @inline(__always)
    public static func axpy<S: BLASScalar>(_ alpha: S, _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int) {
        S.rowAxpy(alpha, x, y, n)
    }

    /// Whether every one of the n values is finite: one pass that adds x − x (0 for a finite x,
    /// NaN for ±∞ and NaN) lane-wise, so the check costs about as much as reading the values.
    @inlinable @inline(__always)
    public static func allFinite<S: BLASScalar>(_ x: UnsafePointer<S>, _ n: Int) -> Bool {
        var acc = SIMD8<S>()
        let rx = UnsafeRawPointer(x)
        let stride = MemoryLayout<S>.stride
        var j = 0
        while j + 8 <= n {
            let v = rx.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<S>.self)
            acc += v - v
            j += 8
        }
        var tail: S = 0
        while j < n { tail += x[j] - x[j]; j += 1 }
        return (acc.sum() + tail) == 0
    }
}
