import Descent

/// Reference implementations by plain loops (Double accumulation), the independent truth the BLAS
/// forwards are tested against.
public enum Naive {
    public static func matmul<T: BLASScalar>(_ a: Matrix<T>, _ ta: Bool, _ b: Matrix<T>, _ tb: Bool) -> Matrix<T> {
        let m = ta ? a.cols : a.rows, k = ta ? a.rows : a.cols, n = tb ? b.rows : b.cols
        return Matrix(rows: m, cols: n) { i, j in
            var s = 0.0
            for p in 0..<k { s += Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j]) }
            return T(s)
        }
    }

    public static func matvec<T: BLASScalar>(_ a: Matrix<T>, _ t: Bool, _ x: [T]) -> [T] {
        let m = t ? a.cols : a.rows, n = t ? a.rows : a.cols
        return (0..<m).map { i in
            var s = 0.0
            for j in 0..<n { s += Double(t ? a[j, i] : a[i, j]) * Double(x[j]) }
            return T(s)
        }
    }
}
