import CBLAS
import CLAPACKE

/// The one place where a Swift `Int` becomes the C integer type of BLAS (`blasint`) or LAPACKE
/// (`lapack_int`); both are 32-bit on Debian's OpenBLAS and LAPACKE. A dimension that does not fit
/// is a programmer error, so it traps with a message instead of being truncated silently.
@usableFromInline @inline(__always)
func blasInt(_ value: Int, _ what: StaticString = "dimension") -> blasint {
    guard let converted = blasint(exactly: value) else {
        preconditionFailure("\(what) \(value) does not fit the BLAS integer type (\(blasint.self))")
    }
    return converted
}

@usableFromInline @inline(__always)
func lapackInt(_ value: Int, _ what: StaticString = "dimension") -> Int32 {
    // `lapack_int` is a C macro (int32_t without ILP64), which Swift does not import.
    guard let converted = Int32(exactly: value) else {
        preconditionFailure("\(what) \(value) does not fit the LAPACK integer type (Int32)")
    }
    return converted
}

@usableFromInline @inline(__always)
func cblasTranspose(_ t: Transpose) -> CBLAS_TRANSPOSE {
    t == .none ? CblasNoTrans : CblasTrans
}
