import LinearAlgebra

/// Per-column standardisation x′ = (x − μⱼ)/sⱼ, fitted on the training part and applied to every
/// part, and stored in model files so predictions see the same transform.
///
/// μⱼ is the column mean and sⱼ the population standard deviation (divisor n, as scikit-learn's
/// `StandardScaler`), both computed in `Double` in one pass over the data (two sweeps over each
/// block of rows while it is in cache, see `ColumnMoments`); a constant column (all values equal)
/// gets sⱼ = 1, so it becomes 0 rather than NaN.
public struct Standardization: Codable, Sendable, Equatable {
    /// μⱼ, one per column.
    public var means: [Double]
    /// sⱼ, one per column.
    public var scales: [Double]

    /// A transform with these means and scales; throws a `TrainingDataError` when their counts differ, a
    /// mean is not finite or a scale is not positive and finite.
    public init(means: [Double], scales: [Double]) throws {
        guard means.count == scales.count else {
            throw TrainingDataError("standardisation has \(means.count) means but \(scales.count) scales")
        }
        guard means.allSatisfy(\.isFinite), scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw TrainingDataError("standardisation means must be finite and scales positive and finite")
        }
        self.means = means; self.scales = scales
    }

    /// Fits the column means and scales of `m` (at least one row), reading it once (see
    /// `ColumnMoments`).
    public init<Scalar: BLASScalar>(fitting m: Matrix<Scalar>) {
        precondition(m.rows >= 1, "standardisation needs at least one row, got \(m.shape)")
        var moments = ColumnMoments(columnCount: m.cols)
        m.withView { moments.add($0) }
        self.init(moments: moments)
    }

    /// The standardisation for columns with these moments (e.g. accumulated by a `DataScan` as the
    /// data was read; at least one row).
    public init(moments: ColumnMoments) {
        precondition(moments.count >= 1, "standardisation needs at least one row, got \(moments.count)")
        means = moments.means
        scales = moments.scales
    }

    /// The number of columns.
    public var columnCount: Int { means.count }

    /// x ← (x − μ)/s, column by column.
    public func apply<Scalar: BLASScalar>(to m: inout Matrix<Scalar>) {
        _ = transform(&m, inverse: false, checking: false)
    }

    /// `apply(to:)`, checking in the same pass that every result is finite (a value far from the
    /// mean of a column with a tiny spread can overflow): returns the first (row-major) that is
    /// not, with its row and column, or nil.
    public func applyCheckingFinite<Scalar: BLASScalar>(to m: inout Matrix<Scalar>) -> (row: Int, column: Int, value: Scalar)? {
        transform(&m, inverse: false, checking: true)
    }

    /// A standardised copy of `m`.
    public func applied<Scalar: BLASScalar>(to m: Matrix<Scalar>) -> Matrix<Scalar> {
        var copy = m
        apply(to: &copy)
        return copy
    }

    /// x ← x·s + μ (the inverse, e.g. to report standardised targets in their own units).
    public func invert<Scalar: BLASScalar>(_ m: inout Matrix<Scalar>) {
        _ = transform(&m, inverse: true, checking: false)
    }

    /// The transform, or its inverse, in place, a block of rows at a time (each block checked
    /// while it is in cache when `checking`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func transform<Scalar: BLASScalar>(_ m: inout Matrix<Scalar>, inverse: Bool, checking: Bool) -> (row: Int, column: Int, value: Scalar)? {
        precondition(m.cols == columnCount, "standardisation has \(columnCount) columns but the matrix is \(m.shape)")
        let (d, rows) = (columnCount, m.rows)
        guard d > 0, rows > 0 else { return nil }
        return means.withUnsafeBufferPointer { mu in
            scales.withUnsafeBufferPointer { sc in
                m.withUnsafeMutableBufferPointer { e -> (row: Int, column: Int, value: Scalar)? in
                    let (mu, sc, base) = (mu.baseAddress!, sc.baseAddress!, e.baseAddress!)
                    let step = DataScan<Scalar>.chunkRows(columns: d)
                    var r = 0
                    while r < rows {
                        let end = min(rows, r + step)
                        for i in r..<end {
                            let row = base + i * d
                            if inverse {
                                for j in 0..<d { row[j] = Scalar(Double(row[j]) * sc[j] + mu[j]) }
                            } else {
                                for j in 0..<d { row[j] = Scalar((Double(row[j]) - mu[j]) / sc[j]) }
                            }
                        }
                        if checking {
                            let block = UnsafeBufferPointer(start: base + r * d, count: (end - r) * d)
                            if let k = FiniteCheck.firstNonFinite(in: block) {
                                return (r + k / d, k % d, block[k])
                            }
                        }
                        r = end
                    }
                    return nil
                }
            }
        }
    }
}

extension Dataset {
    /// The same samples with the inputs standardised by `s` (targets unchanged).
    public func standardizingInputs(_ s: Standardization) -> Dataset {
        Dataset(validated: s.applied(to: x), y)
    }
}
