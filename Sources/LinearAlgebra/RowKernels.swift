import CKernels

/// Kernels for one row that is already in the L1 cache: the inner loops of the fused training
/// kernels, where a BLAS call's fixed cost (tens of nanoseconds) would be as large as the work.
/// `dot` and `axpy` run the C kernels of `CKernels` (built for AVX-512, AVX2 and the baseline,
/// chosen at load time; the same rounding on each).
public enum RowKernels {
    /// The instruction set the C row kernels use on this machine ("avx512f", "avx2", "baseline").
    public static var instructionSet: String { String(cString: descent_kernel_isa()) }

    /// Σⱼ aⱼ·bⱼ for j < n, summed in an order fixed by n alone (two 64-byte vectors of partial sums
    /// folded in a fixed tree, then the tail; see kernels.c).
    @inlinable @inline(__always)
    public static func dot<S: BLASScalar>(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ n: Int) -> S {
        S.rowDot(a, b, n)
    }

    /// yⱼ ← yⱼ + α·xⱼ for j < n.
    @inlinable @inline(__always)
    public static func axpy<S: BLASScalar>(_ alpha: S, _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int) {
        S.rowAxpy(alpha, x, y, n)
    }
}
