import LinearAlgebra

/// Per-column standardisation x′ = (x − μⱼ)/sⱼ, fitted on the training part and applied to every
/// part, and stored in model files so predictions see the same transform.
///
/// μⱼ is the column mean and sⱼ the population standard deviation (divisor n, as scikit-learn's
/// `StandardScaler`), both computed in `Double` by two passes; a constant column (all values
/// equal) gets sⱼ = 1, so it becomes 0 rather than NaN.
public struct Standardization: Codable, Sendable, Equatable {
    public var means: [Double]
    public var scales: [Double]

    public init(means: [Double], scales: [Double]) throws {
        guard means.count == scales.count else {
            throw TrainingDataError("standardisation has \(means.count) means but \(scales.count) scales")
        }
        guard means.allSatisfy(\.isFinite), scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw TrainingDataError("standardisation means must be finite and scales positive and finite")
        }
        self.means = means; self.scales = scales
    }

    /// Fits the column means and scales of `m` (at least one row).
    public init<Scalar: BLASScalar>(fitting m: Matrix<Scalar>) {
        precondition(m.rows >= 1, "standardisation needs at least one row, got \(m.shape)")
        let n = Double(m.rows)
        var means = [Double](repeating: 0, count: m.cols)
        var scales = [Double](repeating: 1, count: m.cols)
        m.withView { v in
            for j in 0..<v.cols {
                var sum = 0.0, lo = v[0, j], hi = v[0, j]
                for i in 0..<v.rows {
                    sum += Double(v[i, j]); lo = min(lo, v[i, j]); hi = max(hi, v[i, j])
                }
                let mean = sum / n
                means[j] = mean
                if lo == hi { continue }
                var squares = 0.0
                for i in 0..<v.rows { let c = Double(v[i, j]) - mean; squares += c * c }
                let s = (squares / n).squareRoot()
                scales[j] = s > 0 ? s : 1
            }
        }
        self.means = means; self.scales = scales
    }

    public var columnCount: Int { means.count }

    /// x ← (x − μ)/s, column by column.
    public func apply<Scalar: BLASScalar>(to m: inout Matrix<Scalar>) {
        precondition(m.cols == columnCount, "standardisation has \(columnCount) columns but the matrix is \(m.shape)")
        m.withMutableView { v in
            for i in 0..<v.rows {
                let r = v.row(i)
                for j in 0..<v.cols { r[j] = Scalar((Double(r[j]) - means[j]) / scales[j]) }
            }
        }
    }

    public func applied<Scalar: BLASScalar>(to m: Matrix<Scalar>) -> Matrix<Scalar> {
        var copy = m
        apply(to: &copy)
        return copy
    }

    /// x ← x·s + μ (the inverse, e.g. to report standardised targets in their own units).
    public func invert<Scalar: BLASScalar>(_ m: inout Matrix<Scalar>) {
        precondition(m.cols == columnCount, "standardisation has \(columnCount) columns but the matrix is \(m.shape)")
        m.withMutableView { v in
            for i in 0..<v.rows {
                let r = v.row(i)
                for j in 0..<v.cols { r[j] = Scalar(Double(r[j]) * scales[j] + means[j]) }
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
