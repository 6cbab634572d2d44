/// An error reported by LAPACK.
public struct LAPACKError: Error, CustomStringConvertible, Equatable {
    /// The LAPACK routine that failed, e.g. `dgelsd`.
    public let routine: String
    /// LAPACK's `info`: −i when argument i was illegal, > 0 when the SVD did not converge.
    public let info: Int
    public var description: String {
        info < 0 ? "\(routine): argument \(-info) had an illegal value"
                 : "\(routine): the SVD did not converge (\(info) off-diagonal elements)"
    }
}

/// The exact least-squares fit of a linear model, the ground truth SGD runs are measured against.
public struct LeastSquaresSolution<Scalar: BLASScalar>: Sendable {
    /// `d × k` weights `W`.
    public var weights: Matrix<Scalar>
    /// `k` intercepts `b` (zeros when fitted without an intercept).
    public var bias: [Scalar]
    /// Numerical rank of the (centred) design matrix.
    public var rank: Int
}

/// Exact least-squares fits through LAPACK.
public enum LeastSquares {
    /// Solves `min ‖X·W + 1·bᵀ − Y‖_F` over `W` (and `b` when `intercept` is true) with LAPACK's
    /// SVD-based `?gelsd`, which returns the minimum-norm solution when `X` is rank-deficient.
    ///
    /// With an intercept the columns of `X` and `Y` are centred first; then `b = ȳ − Wᵀx̄` is exact.
    /// `rcond` (default: `n·ε`) sets which singular values count as zero.
    public static func solve<Scalar: BLASScalar>(
        _ x: Matrix<Scalar>, _ y: Matrix<Scalar>, intercept: Bool = true, rcond: Scalar? = nil
    ) throws -> LeastSquaresSolution<Scalar> {
        precondition(x.rows == y.rows, "least squares: X is \(x.shape) but Y is \(y.shape) (row counts differ)")
        let n = x.rows, d = x.cols, k = y.cols
        var a = x
        var xMean = [Scalar](repeating: 0, count: d), yMean = [Scalar](repeating: 0, count: k)
        if intercept && n > 0 {
            xMean = columnMeans(x); yMean = columnMeans(y)
            a = Matrix(rows: n, cols: d) { i, j in x[i, j] - xMean[j] }
        }
        // b must hold max(n, d) rows: the right-hand side on entry, the solution on exit.
        let ldRows = Swift.max(n, d)
        var b = Matrix<Scalar>(rows: ldRows, cols: k)
        for i in 0..<n { for j in 0..<k { b[i, j] = y[i, j] - yMean[j] } }
        var w = Matrix<Scalar>(rows: d, cols: k)
        var rank = 0
        if n > 0 && d > 0 && k > 0 {
            var singular = [Scalar](repeating: 0, count: Swift.min(n, d))
            let rc = rcond ?? Scalar(Swift.max(n, d)) * Scalar.ulpOfOne
            let (info, r) = a.withUnsafeMutableBufferPointer { ap in
                b.withUnsafeMutableBufferPointer { bp in
                    singular.withUnsafeMutableBufferPointer { sp in
                        Scalar.lapackGelsd(n, d, k, ap.baseAddress!, Swift.max(1, d), bp.baseAddress!, Swift.max(1, k),
                                           sp.baseAddress!, rc)
                    }
                }
            }
            guard info == 0 else { throw LAPACKError(routine: "gelsd", info: info) }
            rank = r
            w = b.rows(0..<d)
        }
        var bias = yMean
        if intercept {
            // b = ȳ − Wᵀx̄
            w.multiply(xMean, .transpose, into: &bias, alpha: -1, beta: 1)
        }
        return LeastSquaresSolution(weights: w, bias: bias, rank: rank)
    }

    /// Column means of a matrix (zeros for an empty one).
    public static func columnMeans<Scalar: BLASScalar>(_ m: Matrix<Scalar>) -> [Scalar] {
        var mean = [Scalar](repeating: 0, count: m.cols)
        guard m.rows > 0 else { return mean }
        let ones = [Scalar](repeating: 1 / Scalar(m.rows), count: m.rows)
        m.multiply(ones, .transpose, into: &mean)
        return mean
    }
}
