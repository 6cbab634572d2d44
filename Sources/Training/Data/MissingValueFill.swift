import LinearAlgebra

/// Fills missing feature values (NaN, as `CSVReader` keeps an empty cell under
/// `CSVOptions.MissingPolicy.keepAsNaN`) with one value per column, as scikit-learn's
/// `SimpleImputer(strategy="mean" | "constant", fill_value=0)` does:
///
///     x[i, j] ← value[j]   where x[i, j] is NaN
///     value[j] = (1 / |O_j|) Σ_{i ∈ O_j} x[i, j]   (mean: O_j the rows where column j is present)
///     value[j] = 0                                 (zero)
///
/// The values are fitted on the training rows and stored in the model file, so `predict` and
/// `evaluate` fill new data with the training data's statistics. Unlike scikit-learn, which drops a
/// column with no value at all, fitting the mean of such a column is an error.
public struct MissingValueFill: Sendable, Equatable {
    /// How the fill values are fitted: the training rows' column means, or zero.
    public enum Strategy: String, Sendable, CaseIterable {
        /// The training rows' column mean.
        case mean
        /// Zero.
        case zero
    }

    /// How the values were fitted.
    public var strategy: Strategy
    /// One per feature column.
    public var values: [Double]

    /// A fill with these values.
    public init(strategy: Strategy, values: [Double]) {
        self.strategy = strategy; self.values = values
    }

    /// The fill values of `strategy` for the columns of `x`, over the values that are not NaN.
    /// `columnName(j)` names a column in the error for a column with no value.
    public init<Scalar: BLASScalar>(fitting x: Matrix<Scalar>, strategy: Strategy,
                                    columnName: (Int) -> String = { "column \($0)" }) throws {
        self.strategy = strategy
        switch strategy {
        case .zero:
            values = [Double](repeating: 0, count: x.cols)
        case .mean:
            var sums = [Double](repeating: 0, count: x.cols), counts = [Int](repeating: 0, count: x.cols)
            x.withUnsafeBufferPointer { p in
                for i in 0..<x.rows {
                    for j in 0..<x.cols {
                        let v = p[i * x.cols + j]
                        if !v.isNaN { sums[j] += Double(v); counts[j] += 1 }
                    }
                }
            }
            if let j = counts.firstIndex(of: 0) {
                throw TrainingDataError("feature \(columnName(j)) has no value in the training rows: its mean cannot fill it")
            }
            values = zip(sums, counts).map { $0 / Double($1) }
        }
    }

    /// Replaces every NaN of `x` by its column's value; returns how many were replaced.
    @discardableResult
    public func apply<Scalar: BLASScalar>(to x: inout Matrix<Scalar>) -> Int {
        precondition(x.cols == values.count, "\(values.count) fill values for \(x.cols) columns")
        let fill = values.map { Scalar($0) }
        var count = 0
        let cols = x.cols
        x.withUnsafeMutableBufferPointer { p in
            for k in 0..<p.count where p[k].isNaN {
                p[k] = fill[k % cols]
                count += 1
            }
        }
        return count
    }
}

extension Dataset {
    /// The same samples with the NaN inputs filled by `fill` (in place when this dataset held the
    /// only reference to its inputs).
    public consuming func filled(_ fill: MissingValueFill) -> Dataset {
        var (x, y, weights) = (self.x, self.y, self.weights)
        _ = consume self
        fill.apply(to: &x)
        return Dataset(validated: x, y, weights: weights)
    }
}
