extension SparseMatrix {
    /// Divides every stored entry of column j by `divisors[j]` (in `Double`, then rounded to the
    /// scalar), in place: scaling without centring, which keeps the matrix sparse.
    public mutating func divideColumns(by divisors: [Double]) {
        precondition(divisors.count == cols, "divideColumns: \(divisors.count) divisors for \(cols) columns")
        let columns = _columnIndices
        columns.withUnsafeBufferPointer { c in
            divisors.withUnsafeBufferPointer { s in
                _values.withUnsafeMutableBufferPointer { v in
                    for t in 0..<v.count { v[t] = Scalar(Double(v[t]) / s[Int(c[t])]) }
                }
            }
        }
    }
}
