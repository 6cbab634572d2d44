@_exported import RealModule
import Collective

/// A floating-point type Descent can train with: `Float` or `Double`.
///
/// Every requirement is a thin forward to the matching `cblas_s*`/`cblas_d*` or `LAPACKE_s*`/`LAPACKE_d*`
/// routine (see `Float+BLASScalar.swift` and `Double+BLASScalar.swift`). Matrices are row-major;
/// `ld` is the distance in elements between the starts of consecutive rows. The raw requirements
/// take pointers and do no shape checks; the checked entry points are `BLAS`, `Matrix` and
/// `MatrixView`. Code above this layer is generic over `BLASScalar` and never names `Float` or `Double`.
public protocol BLASScalar: Real, BinaryFloatingPoint, CollectiveScalar, SIMDScalar, Codable, Sendable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// `Σⱼ aⱼbⱼ` over one row in cache (`descent_sdot`/`descent_ddot`: no BLAS call overhead, an
    /// order of summation that is the same on every instruction set).
    static func rowDot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ n: Int) -> Self
    /// `y ← αx + y` over one row in cache (`descent_saxpy`/`descent_daxpy`).
    static func rowAxpy(_ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// `x ← αx` (`descent_sscal`/`descent_dscal`).
    static func rowScal(_ alpha: Self, _ x: UnsafeMutablePointer<Self>, _ n: Int)
    /// `y ← αx + y`
    static func blasAxpy(_ n: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ incx: Int,
                         _ y: UnsafeMutablePointer<Self>, _ incy: Int)
    /// `x ← αx`
    static func blasScal(_ n: Int, _ alpha: Self, _ x: UnsafeMutablePointer<Self>, _ incx: Int)
    /// `xᵀy`, accumulated in the scalar's own precision.
    static func blasDot(_ n: Int, _ x: UnsafePointer<Self>, _ incx: Int,
                        _ y: UnsafePointer<Self>, _ incy: Int) -> Self
    /// `xᵀy` accumulated in `Double` (`cblas_dsdot` for `Float`, `cblas_ddot` for `Double`).
    static func blasDotDouble(_ n: Int, _ x: UnsafePointer<Self>, _ incx: Int,
                              _ y: UnsafePointer<Self>, _ incy: Int) -> Double
    /// `‖x‖₂`, computed without overflow by the BLAS routine.
    static func blasNrm2(_ n: Int, _ x: UnsafePointer<Self>, _ incx: Int) -> Self
    /// `Σ|xᵢ|`
    static func blasAsum(_ n: Int, _ x: UnsafePointer<Self>, _ incx: Int) -> Self
    /// `y ← x`
    static func blasCopy(_ n: Int, _ x: UnsafePointer<Self>, _ incx: Int,
                         _ y: UnsafeMutablePointer<Self>, _ incy: Int)
    /// `y ← α·op(A)·x + βy` with `A` an `m × n` row-major matrix.
    static func blasGemv(_ trans: Transpose, _ m: Int, _ n: Int, _ alpha: Self,
                         _ a: UnsafePointer<Self>, _ lda: Int, _ x: UnsafePointer<Self>, _ incx: Int,
                         _ beta: Self, _ y: UnsafeMutablePointer<Self>, _ incy: Int)
    /// `C ← α·op(A)·op(B) + βC`, row-major, `C` is `m × n`, the inner dimension is `k`.
    static func blasGemm(_ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                         _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
                         _ b: UnsafePointer<Self>, _ ldb: Int,
                         _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
    /// Minimum-norm least squares by SVD (`?gelsd`), row-major. `a` is `m × n` (destroyed);
    /// `b` is `max(m,n) × nrhs` and holds the solution in its first `n` rows on return.
    /// Returns LAPACK's `info` and the effective rank.
    static func lapackGelsd(_ m: Int, _ n: Int, _ nrhs: Int, _ a: UnsafeMutablePointer<Self>, _ lda: Int,
                            _ b: UnsafeMutablePointer<Self>, _ ldb: Int,
                            _ singularValues: UnsafeMutablePointer<Self>, _ rcond: Self) -> (info: Int, rank: Int)
}
