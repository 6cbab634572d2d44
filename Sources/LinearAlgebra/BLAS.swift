/// Checked BLAS level-1 operations over buffer pointers, generic over the scalar.
///
/// These are what optimizers use on the flat parameter and gradient buffers: lengths are checked
/// with preconditions (a mismatch is a programmer error), empty buffers are no-ops, and nothing
/// allocates. `axpy`, `scal` and `copy` run Descent's own kernels (`RowKernels`, C built for
/// AVX-512/AVX2/baseline) rather than OpenBLAS: the vectors of a training step are short, so the
/// call into OpenBLAS cost as much as the work, and OpenBLAS may not have picked fast kernels for
/// the CPU. Dot products, norms and levels 2–3 are OpenBLAS's.
public enum BLAS {
    /// `y ← αx + y`
    @inlinable
    public static func axpy<T: BLASScalar>(_ alpha: T, _ x: UnsafeBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>) {
        precondition(x.count == y.count, "axpy: x has \(x.count) elements, y has \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress, x.count > 0 else { return }
        T.rowAxpy(alpha, xb, yb, x.count)
    }

    /// `y ← αx + y`, with `x` and `y` given as mutable buffers (convenience for flat buffers).
    @inlinable
    public static func axpy<T: BLASScalar>(_ alpha: T, _ x: UnsafeMutableBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>) {
        axpy(alpha, UnsafeBufferPointer(x), y)
    }

    /// `x ← αx`
    @inlinable
    public static func scal<T: BLASScalar>(_ alpha: T, _ x: UnsafeMutableBufferPointer<T>) {
        guard let xb = x.baseAddress, x.count > 0 else { return }
        T.rowScal(alpha, xb, x.count)
    }

    /// `y ← x`
    @inlinable
    public static func copy<T: BLASScalar>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>) {
        precondition(x.count == y.count, "copy: x has \(x.count) elements, y has \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress, x.count > 0 else { return }
        yb.update(from: xb, count: x.count)
    }

    /// `copy(_:_:)` from a mutable buffer: y ← x.
    @inlinable
    public static func copy<T: BLASScalar>(_ x: UnsafeMutableBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>) {
        copy(UnsafeBufferPointer(x), y)
    }

    /// `xᵀy` in the scalar's precision.
    @inlinable
    public static func dot<T: BLASScalar>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeBufferPointer<T>) -> T {
        precondition(x.count == y.count, "dot: x has \(x.count) elements, y has \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress, x.count > 0 else { return 0 }
        return T.blasDot(x.count, xb, 1, yb, 1)
    }

    /// `xᵀy` accumulated in `Double`, for the unbounded sums of the learning-rate-free methods.
    @inlinable
    public static func dotDouble<T: BLASScalar>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeBufferPointer<T>) -> Double {
        precondition(x.count == y.count, "dot: x has \(x.count) elements, y has \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress, x.count > 0 else { return 0 }
        return T.blasDotDouble(x.count, xb, 1, yb, 1)
    }

    /// `‖x‖₂`
    @inlinable
    public static func nrm2<T: BLASScalar>(_ x: UnsafeBufferPointer<T>) -> T {
        guard let xb = x.baseAddress, x.count > 0 else { return 0 }
        return T.blasNrm2(x.count, xb, 1)
    }

    /// `Σ|xᵢ|`
    @inlinable
    public static func asum<T: BLASScalar>(_ x: UnsafeBufferPointer<T>) -> T {
        guard let xb = x.baseAddress, x.count > 0 else { return 0 }
        return T.blasAsum(x.count, xb, 1)
    }
}

extension UnsafeMutableBufferPointer {
    /// The same memory as a read-only buffer (for passing a mutable buffer where BLAS only reads).
    @inlinable public var readOnly: UnsafeBufferPointer<Element> { UnsafeBufferPointer(self) }
}
