extension Matrix {
    /// `self ← α·op(A)·op(B) + β·self`, accumulating into this matrix (gemm).
    @inlinable
    public mutating func multiply(_ a: Matrix, _ transA: Transpose, _ b: Matrix, _ transB: Transpose,
                                  alpha: Scalar = 1, beta: Scalar = 0) {
        a.withView { av in b.withView { bv in
            withMutableView { BLAS.gemm(av, transA, bv, transB, into: $0, alpha: alpha, beta: beta) }
        } }
    }

    /// `self ← α·A·B + β·self` (gemm without transposes).
    @inlinable
    public mutating func multiply(_ a: Matrix, _ b: Matrix, alpha: Scalar = 1, beta: Scalar = 0) {
        multiply(a, .none, b, .none, alpha: alpha, beta: beta)
    }

    /// `op(self)·op(other)` as a new matrix.
    @inlinable
    public func matmul(_ other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        let ta: Transpose = transposeSelf ? .transpose : .none, tb: Transpose = transposeOther ? .transpose : .none
        let m = ta.applied(rows: rows, cols: cols).rows
        let n = tb.applied(rows: other.rows, cols: other.cols).cols
        var c = Matrix(rows: m, cols: n)
        c.multiply(self, ta, other, tb)
        return c
    }

    /// `y ← α·op(self)·x + βy` (gemv), accumulating into `y`.
    @inlinable
    public func multiply(_ x: [Scalar], _ trans: Transpose = .none, into y: inout [Scalar], alpha: Scalar = 1, beta: Scalar = 0) {
        withView { av in x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer {
            BLAS.gemv(av, trans, xb, into: $0, alpha: alpha, beta: beta)
        } } }
    }

    /// `op(self)·x` as a new array.
    @inlinable
    public func matvec(_ x: [Scalar], _ trans: Transpose = .none) -> [Scalar] {
        var y = [Scalar](repeating: 0, count: trans.applied(rows: rows, cols: cols).rows)
        multiply(x, trans, into: &y)
        return y
    }

    /// The matrix product lhs·rhs (`matmul`).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.matmul(rhs) }
}
