#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Supervised data: n samples with inputs X (n × d), targets Y (n × k) and optional per-sample
/// weights (`SampleWeights`; nil: every sample weighs 1). Subsets and splits carry the weights of
/// their rows.
public struct Dataset<Scalar: BLASScalar>: Sendable {
    /// X, the inputs (n × d).
    public let x: Matrix<Scalar>
    /// Y, the targets (n × k).
    public let y: Matrix<Scalar>
    /// The per-sample weights; nil when every sample weighs 1.
    public private(set) var weights: SampleWeights<Scalar>? = nil

    /// Checks that X and Y have the same number of rows and only finite values.
    public init(x: Matrix<Scalar>, y: Matrix<Scalar>) throws {
        try self.init(x: x, y: y, checkingValues: true)
    }

    /// Checks that X and Y have the same number of rows and, with `checkingValues`, only finite
    /// values. A caller whose reader has already checked every value as it read them (`DataScan`,
    /// `CSVReader`) passes false and saves a pass over the data.
    public init(x: Matrix<Scalar>, y: Matrix<Scalar>, checkingValues: Bool) throws {
        guard x.rows == y.rows else {
            throw TrainingDataError("inputs have \(x.rows) rows (\(x.shape)) but targets have \(y.rows) (\(y.shape))")
        }
        if checkingValues {
            for (name, m) in [("input", x), ("target", y)] {
                if let bad = m.withUnsafeBufferPointer({ FiniteCheck.firstNonFinite(in: $0) }) {
                    throw Self.nonFinite(name, row: bad / m.cols, column: bad % m.cols, m.withUnsafeBufferPointer { $0[bad] })
                }
            }
        }
        self.x = x; self.y = y
    }

    /// The same samples with per-sample weights (one per row; nil removes them).
    public func weighted(_ weights: SampleWeights<Scalar>?) -> Dataset {
        if let weights {
            precondition(weights.count == sampleCount, "\(weights.count) sample weights for \(sampleCount) samples")
        }
        var d = self
        d.weights = weights
        return d
    }

    static func nonFinite(_ name: String, row: Int, column: Int, _ value: Scalar) -> TrainingDataError {
        TrainingDataError("\(name) (\(row), \(column)) is \(value); values must be finite")
    }

    /// n, the number of samples.
    public var sampleCount: Int { x.rows }
    /// d, the number of features.
    public var featureCount: Int { x.cols }
    /// k, the number of targets.
    public var targetCount: Int { y.cols }

    /// The samples at `indices`, in that order (a copy).
    public func subset<Indices: Collection<Int>>(_ indices: Indices) -> Dataset {
        var sx = Matrix<Scalar>(rows: indices.count, cols: x.cols)
        var sy = Matrix<Scalar>(rows: indices.count, cols: y.cols)
        x.gatherRows(indices, into: &sx)
        y.gatherRows(indices, into: &sy)
        return Dataset(validated: sx, sy, weights: weights?.subset(indices))
    }

    init(validated x: Matrix<Scalar>, _ y: Matrix<Scalar>, weights: SampleWeights<Scalar>? = nil) {
        self.x = x; self.y = y; self.weights = weights
    }

    /// The same samples with the inputs standardised by `features` and the targets by `targets`
    /// (when given), checked finite in the same pass (see `Standardization.applyCheckingFinite`);
    /// throws as `init(x:y:)` does. The matrices are transformed in place when this dataset held
    /// the only reference to them (so a large data set is not copied).
    public consuming func standardized(features: Standardization, targets: Standardization?) throws -> Dataset {
        var (x, y, weights) = (self.x, self.y, self.weights)
        _ = consume self
        if let bad = features.applyCheckingFinite(to: &x) { throw Self.nonFinite("input", row: bad.row, column: bad.column, bad.value) }
        if let targets, let bad = targets.applyCheckingFinite(to: &y) {
            throw Self.nonFinite("target", row: bad.row, column: bad.column, bad.value)
        }
        return Dataset(validated: x, y, weights: weights)
    }

    /// A seeded random split into a training part and a validation part holding
    /// ⌈fraction·n⌉ samples (scikit-learn's `train_test_split` rounding); both keep the original
    /// sample order. See `splitIndices`.
    public func split(validationFraction: Double, seed: UInt64) throws -> (training: Dataset, validation: Dataset) {
        let (t, v) = try Self.splitIndices(sampleCount: sampleCount, validationFraction: validationFraction, seed: seed)
        return (subset(t), subset(v))
    }

    /// `split(validationFraction:seed:)` for a dataset that is not needed afterwards: the
    /// validation rows are copied out and the training rows moved up, in order, within this
    /// dataset's own storage (when it holds the only reference to it; otherwise it is copied
    /// first), so the training part needs no new memory and no second pass through fresh pages.
    /// With `featureMoments`/`targetMoments`, the training part's `ColumnMoments` are accumulated
    /// as its rows are moved, while they are in cache (equal to moments of the training matrices).
    public consuming func splitting(validationFraction: Double, seed: UInt64, featureMoments: Bool = false,
                                    targetMoments: Bool = false) throws
        -> (training: Dataset, validation: Dataset, featureMoments: ColumnMoments?, targetMoments: ColumnMoments?) {
        let (t, v) = try Self.splitIndices(sampleCount: sampleCount, validationFraction: validationFraction, seed: seed)
        var (x, y, weights) = (self.x, self.y, self.weights)
        _ = consume self
        var vx = Matrix<Scalar>(rows: v.count, cols: x.cols), vy = Matrix<Scalar>(rows: v.count, cols: y.cols)
        x.gatherRows(v, into: &vx)
        y.gatherRows(v, into: &vy)
        var fm = featureMoments ? ColumnMoments(columnCount: x.cols) : nil
        var tm = targetMoments ? ColumnMoments(columnCount: y.cols) : nil
        Self.compact(&x, keeping: t, moments: &fm)
        Self.compact(&y, keeping: t, moments: &tm)
        return (Dataset(validated: x.rows(0..<t.count), y.rows(0..<t.count), weights: weights?.subset(t)),
                Dataset(validated: vx, vy, weights: weights?.subset(v)), fm, tm)
    }

    /// Moves rows `keep` (ascending) to rows 0..<keep.count of `m`, a cache-sized block at a time,
    /// adding each block to `moments` once it is in place.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func compact(_ m: inout Matrix<Scalar>, keeping keep: [Int], moments: inout ColumnMoments?) {
        let d = m.cols
        guard d > 0, !keep.isEmpty else { return }
        let step = DataScan<Scalar>.chunkRows(columns: d)
        let rowBytes = d * MemoryLayout<Scalar>.stride
        m.withUnsafeMutableBufferPointer { e in
            let base = e.baseAddress!
            var k = 0
            while k < keep.count {
                let end = min(keep.count, k + step)
                var r = k
                while r < end {
                    // A run of consecutive source rows moves as one block (source ≥ destination).
                    var run = 1
                    while r + run < end && keep[r + run] == keep[r] + run { run += 1 }
                    if keep[r] != r { memmove(base + r * d, base + keep[r] * d, run * rowBytes) }
                    r += run
                }
                moments?.add(MatrixView(UnsafePointer(base + k * d), rows: end - k, cols: d))
                k = end
            }
        }
    }

    /// Which samples go to training and which to validation: a Fisher–Yates permutation of 0..<n
    /// drawn from `SeededGenerator(seed:)` (j uniform in 0…i for i = n−1 down to 1, as in
    /// `BatchSampler`); its first ⌈fraction·n⌉ entries are the validation set. Both lists are
    /// returned sorted. Same seed ⇒ same split. `fraction` must be in [0, 1) and leave at least one
    /// training sample.
    public static func splitIndices(sampleCount n: Int, validationFraction fraction: Double,
                                    seed: UInt64) throws -> (training: [Int], validation: [Int]) {
        guard fraction.isFinite, fraction >= 0, fraction < 1 else {
            throw TrainingDataError("validation fraction must be in [0, 1), got \(fraction)")
        }
        let validationCount = Int((fraction * Double(n)).rounded(.up))
        guard n - validationCount >= 1 else {
            throw TrainingDataError("validation fraction \(fraction) of \(n) samples leaves no training sample")
        }
        var order = Array(0..<n)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        return (order[validationCount...].sorted(), order[..<validationCount].sorted())
    }
}
