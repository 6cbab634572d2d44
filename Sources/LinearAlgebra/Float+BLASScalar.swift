import Collective
import CBLAS
import CKernels
import CLAPACKE
import RealModule

extension Float: BLASScalar {
    @inlinable
    public static func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        descent_sdot(a, b, n)
    }
    @inlinable
    public static func rowAxpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        descent_saxpy(alpha, x, y, n)
    }
    @inlinable
    public static func rowScal(_ alpha: Float, _ x: UnsafeMutablePointer<Float>, _ n: Int) {
        descent_sscal(alpha, x, n)
    }
    @inlinable
    public static func blasAxpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int,
                                _ y: UnsafeMutablePointer<Float>, _ incy: Int) {
        cblas_saxpy(blasInt(n), alpha, x, blasInt(incx), y, blasInt(incy))
    }
    @inlinable
    public static func blasScal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>, _ incx: Int) {
        cblas_sscal(blasInt(n), alpha, x, blasInt(incx))
    }
    @inlinable
    public static func blasDot(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int,
                               _ y: UnsafePointer<Float>, _ incy: Int) -> Float {
        cblas_sdot(blasInt(n), x, blasInt(incx), y, blasInt(incy))
    }
    @inlinable
    public static func blasDotDouble(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int,
                                     _ y: UnsafePointer<Float>, _ incy: Int) -> Double {
        Double(cblas_dsdot(blasInt(n), x, blasInt(incx), y, blasInt(incy)))
    }
    @inlinable
    public static func blasNrm2(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int) -> Float {
        cblas_snrm2(blasInt(n), x, blasInt(incx))
    }
    @inlinable
    public static func blasAsum(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int) -> Float {
        cblas_sasum(blasInt(n), x, blasInt(incx))
    }
    @inlinable
    public static func blasCopy(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int,
                                _ y: UnsafeMutablePointer<Float>, _ incy: Int) {
        cblas_scopy(blasInt(n), x, blasInt(incx), y, blasInt(incy))
    }
    @inlinable
    public static func blasGemv(_ trans: Transpose, _ m: Int, _ n: Int, _ alpha: Float,
                                _ a: UnsafePointer<Float>, _ lda: Int, _ x: UnsafePointer<Float>, _ incx: Int,
                                _ beta: Float, _ y: UnsafeMutablePointer<Float>, _ incy: Int) {
        cblas_sgemv(CblasRowMajor, cblasTranspose(trans), blasInt(m), blasInt(n), alpha, a, blasInt(lda),
                    x, blasInt(incx), beta, y, blasInt(incy))
    }
    @inlinable
    public static func blasGemm(_ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                                _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                                _ b: UnsafePointer<Float>, _ ldb: Int,
                                _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb),
                    beta, c, blasInt(ldc))
    }
    public static func lapackGelsd(_ m: Int, _ n: Int, _ nrhs: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int,
                                   _ b: UnsafeMutablePointer<Float>, _ ldb: Int,
                                   _ singularValues: UnsafeMutablePointer<Float>, _ rcond: Float) -> (info: Int, rank: Int) {
        var rank: Int32 = 0
        let info = LAPACKE_sgelsd(LAPACK_ROW_MAJOR, lapackInt(m), lapackInt(n), lapackInt(nrhs), a, lapackInt(lda),
                                  b, lapackInt(ldb), singularValues, rcond, &rank)
        return (Int(info), Int(rank))
    }
}
