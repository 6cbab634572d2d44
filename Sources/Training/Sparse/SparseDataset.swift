import LinearAlgebra

/// Supervised data with sparse inputs: n samples with CSR features X (n × d) and dense targets
/// Y (n × k), the sparse counterpart of `Dataset` (without sample weights).
public struct SparseDataset<Scalar: BLASScalar>: Sendable {
    /// The inputs, one CSR row per sample.
    public var x: SparseMatrix<Scalar>
    /// The targets, one row per sample.
    public var y: Matrix<Scalar>

    /// Checks that X and Y have the same number of rows.
    public init(x: SparseMatrix<Scalar>, y: Matrix<Scalar>) throws {
        guard x.rows == y.rows else {
            throw TrainingDataError("inputs have \(x.rows) rows (\(x.shape)) but targets have \(y.rows) (\(y.shape))")
        }
        self.x = x; self.y = y
    }

    /// n, the number of samples.
    public var sampleCount: Int { x.rows }
    /// d, the number of input columns.
    public var featureCount: Int { x.cols }
    /// k, the number of target columns.
    public var targetCount: Int { y.cols }

    /// The samples at `indices`, in that order (a copy).
    public func subset(_ indices: [Int]) -> SparseDataset {
        var sx = SparseMatrix<Scalar>(rows: 0, cols: x.cols)
        sx.reserveCapacity(rows: indices.count, nonzeros: indices.reduce(0) { $0 + x.rowStarts[$1 + 1] - x.rowStarts[$1] })
        x.gatherRows(indices, into: &sx)
        var sy = Matrix<Scalar>(rows: indices.count, cols: y.cols)
        y.gatherRows(indices, into: &sy)
        return SparseDataset(validated: sx, sy)
    }

    private init(validated x: SparseMatrix<Scalar>, _ y: Matrix<Scalar>) { self.x = x; self.y = y }

    /// The training and validation parts of the split `Dataset.splitIndices` draws (the same rows
    /// as a dense `Dataset` of the same samples gets for the same fraction and seed), each in file
    /// order.
    public func splitting(validationFraction: Double, seed: UInt64) throws -> (training: SparseDataset, validation: SparseDataset) {
        let (t, v) = try Dataset<Scalar>.splitIndices(sampleCount: sampleCount, validationFraction: validationFraction, seed: seed)
        return (subset(t), subset(v))
    }

    /// The same samples with the features scaled by `s` (a scaling without centring,
    /// `Standardization.isScalingOnly`), checked finite.
    public func scaled(_ s: Standardization) throws -> SparseDataset {
        var copy = self
        s.apply(to: &copy.x)
        if let bad = copy.x.values.withUnsafeBufferPointer({ FiniteCheck.firstNonFinite(in: $0) }) {
            throw TrainingDataError("a scaled input (stored entry \(bad)) is \(copy.x.values[bad]); values must be finite")
        }
        return copy
    }
}
