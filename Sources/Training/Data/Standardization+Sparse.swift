import LinearAlgebra

extension Standardization {
    /// The scaling of a sparse matrix's columns without centring, as scikit-learn's
    /// `StandardScaler(with_mean=False)`: μⱼ = 0 is stored, and sⱼ is the population standard
    /// deviation of column j over every row (its zeros included), taken in `Double` in two passes
    /// (the mean, then Σ(x − m)² over the stored entries plus (n − nnzⱼ)·m² for the others). A
    /// constant column (every row the same value, an empty column among them) gets sⱼ = 1.
    /// Column indices must be unique within each row (as the readers' matrices are).
    /// Centring would make the matrix dense; the model file stores μ = 0 and s, so `predict` applies
    /// the same transform to dense and sparse inputs alike.
    public init<Scalar: BLASScalar>(scalingColumnsOf m: SparseMatrix<Scalar>) {
        precondition(m.rows >= 1, "scaling needs at least one row, got \(m.shape)")
        let (n, d) = (Double(m.rows), m.cols)
        var sums = [Double](repeating: 0, count: d), stored = [Int](repeating: 0, count: d)
        var first = [Double](repeating: .nan, count: d), varies = [Bool](repeating: false, count: d)
        m.columnIndices.withUnsafeBufferPointer { c in
            m.values.withUnsafeBufferPointer { v in
                for t in 0..<v.count {
                    let j = Int(c[t]), value = Double(v[t])
                    sums[j] += value
                    stored[j] += 1
                    if first[j].isNaN { first[j] = value } else if value != first[j] { varies[j] = true }
                }
            }
        }
        var squares = [Double](repeating: 0, count: d)
        let means = (0..<d).map { sums[$0] / n }
        m.columnIndices.withUnsafeBufferPointer { c in
            m.values.withUnsafeBufferPointer { v in
                for t in 0..<v.count {
                    let j = Int(c[t]), e = Double(v[t]) - means[j]
                    squares[j] += e * e
                }
            }
        }
        var scales = [Double](repeating: 1, count: d)
        for j in 0..<d {
            let zeros = m.rows - stored[j]
            // Constant: no entry, or one stored value everywhere (zero where nothing is stored).
            let constant = stored[j] == 0 || (!varies[j] && (zeros == 0 || first[j] == 0))
            guard !constant else { continue }
            let variance = (squares[j] + Double(zeros) * means[j] * means[j]) / n
            let s = variance.squareRoot()
            if s.isFinite && s > 0 { scales[j] = s }
        }
        self.means = [Double](repeating: 0, count: d)
        self.scales = scales
    }

    /// Whether every mean is 0 (a scaling without centring, which applies to sparse data as it is).
    public var isScalingOnly: Bool { means.allSatisfy { $0 == 0 } }

    /// x ← x/s on the stored entries of a sparse matrix (a scaling: `isScalingOnly`).
    public func apply<Scalar: BLASScalar>(to m: inout SparseMatrix<Scalar>) {
        precondition(isScalingOnly, "a standardisation with means other than 0 would make sparse data dense")
        precondition(columnCount == m.cols, "standardisation of \(columnCount) columns applied to \(m.shape)")
        m.divideColumns(by: scales)
    }
}
