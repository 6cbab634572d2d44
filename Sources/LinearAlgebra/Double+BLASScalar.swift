import Collective
import CBLAS
import CKernels
import CLAPACKE
import RealModule

extension Double: BLASScalar {
    @inlinable
    public static func rowDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        descent_ddot(a, b, n)
    }
    @inlinable
    public static func rowAxpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        descent_daxpy(alpha, x, y, n)
    }
    @inlinable
    public static func rowScal(_ alpha: Double, _ x: UnsafeMutablePointer<Double>, _ n: Int) {
        descent_dscal(alpha, x, n)
    }
    @inlinable
    public static func blasAxpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ incx: Int,
                                _ y: UnsafeMutablePointer<Double>, _ incy: Int) {
        cblas_daxpy(blasInt(n), alpha, x, blasInt(incx), y, blasInt(incy))
    }
    @inlinable
    public static func blasScal(_ n: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>, _ incx: Int) {
        cblas_dscal(blasInt(n), alpha, x, blasInt(incx))
    }
    @inlinable
    public static func blasDot(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int,
                               _ y: UnsafePointer<Double>, _ incy: Int) -> Double {
        cblas_ddot(blasInt(n), x, blasInt(incx), y, blasInt(incy))
    }
    @inlinable
    public static func blasDotDouble(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int,
                                     _ y: UnsafePointer<Double>, _ incy: Int) -> Double {
        cblas_ddot(blasInt(n), x, blasInt(incx), y, blasInt(incy))
    }
    @inlinable
    public static func blasNrm2(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int) -> Double {
        cblas_dnrm2(blasInt(n), x, blasInt(incx))
    }
    @inlinable
    public static func blasAsum(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int) -> Double {
        cblas_dasum(blasInt(n), x, blasInt(incx))
    }
    @inlinable
    public static func blasCopy(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int,
                                _ y: UnsafeMutablePointer<Double>, _ incy: Int) {
        cblas_dcopy(blasInt(n), x, blasInt(incx), y, blasInt(incy))
    }
    @inlinable
    public static func blasGemv(_ trans: Transpose, _ m: Int, _ n: Int, _ alpha: Double,
                                _ a: UnsafePointer<Double>, _ lda: Int, _ x: UnsafePointer<Double>, _ incx: Int,
                                _ beta: Double, _ y: UnsafeMutablePointer<Double>, _ incy: Int) {
        cblas_dgemv(CblasRowMajor, cblasTranspose(trans), blasInt(m), blasInt(n), alpha, a, blasInt(lda),
                    x, blasInt(incx), beta, y, blasInt(incy))
    }
    @inlinable
    public static func blasGemm(_ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                                _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
                                _ b: UnsafePointer<Double>, _ ldb: Int,
                                _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb),
                    beta, c, blasInt(ldc))
    }
    public static func lapackGelsd(_ m: Int, _ n: Int, _ nrhs: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int,
                                   _ b: UnsafeMutablePointer<Double>, _ ldb: Int,
                                   _ singularValues: UnsafeMutablePointer<Double>, _ rcond: Double) -> (info: Int, rank: Int) {
        var rank: Int32 = 0
        let info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, lapackInt(m), lapackInt(n), lapackInt(nrhs), a, lapackInt(lda),
                                  b, lapackInt(ldb), singularValues, rcond, &rank)
        return (Int(info), Int(rank))
    }
}
