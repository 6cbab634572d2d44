/// Checked BLAS level-1 operations over buffer pointers, generic over the scalar.
///
/// These are what optimizers use on the flat parameter and gradient buffers: lengths are checked
/// with preconditions (a mismatch is a programmer error), empty buffers are no-ops, and nothing
/// allocates.
public enum BLAS {
    /// `y ← αx + y`
    @inlinable
    public static func axpy<T: BLASScalar>(_ alpha: T, _ x: UnsafeBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>) {
        precondition(x.count == y.count, "axpy: x has \(x.count) elements, y has \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress, x.count > 0 else { return }
        T.blasAxpy(x.count, alpha, xb, 1, yb, 1)
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
        T.blasScal(x.count, alpha, xb, 1)
    }

    /// `y ← x`
    @inlinable
    public static func copy<T: BLASScalar>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>) {
        precondition(x.count == y.count, "copy: x has \(x.count) elements, y has \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress, x.count > 0 else { return }
        T.blasCopy(x.count, xb, 1, yb, 1)
    }

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
