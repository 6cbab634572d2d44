import DataFiles
import Foundation
import LinearAlgebra
import Training

/// Sparse data read for a run: CSR features, targets (n × 1 labels from an svmlight file, the
/// columns of a separate targets file, or n × 0 when there are none), and what was read.
public struct LoadedSparseData<Scalar: BLASScalar> {
    /// The features, one row per sample.
    public var x: SparseMatrix<Scalar>
    /// The targets (n × 0 when they were not asked for).
    public var y: Matrix<Scalar>
    /// The data file, for messages.
    public var source: String
    /// Whether an svmlight file's indices were read as 0-based (nil for .npz).
    public var zeroBased: Bool?
    /// XXH64 of the data as read (the CSR arrays and the targets).
    public var digest: String
}

extension DataSpec {
    /// File name endings read as sparse data: svmlight/libsvm text, and scipy's `save_npz`.
    public static let svmLightExtensions = ["svm", "svmlight", "libsvm"]

    private var pathExtension: String { path.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? "" }
    /// Whether the data file is an svmlight/libsvm text file (by its name's ending).
    public var isSVMLight: Bool { Self.svmLightExtensions.contains(pathExtension) }
    /// Whether the data file is a scipy sparse matrix (`.npz`).
    public var isNPZ: Bool { pathExtension == "npz" }
    /// Whether the data are sparse (read as CSR, trained by `SparsePreparedRun`).
    public var isSparse: Bool { isSVMLight || isNPZ }

    /// Reads sparse features and, with `withTargets`, their targets: an svmlight file's labels, or
    /// for .npz the separate targets file (required). `featureCount`: the matrix width to use (a
    /// saved model's inputs) instead of the file's largest index + 1; an index beyond it is an
    /// error. Every value is checked finite (an error naming the row and column). The options of
    /// dense files that do not apply to sparse ones (column selection, missing values, pandas'
    /// index column, a weight column) are refused with a message saying so.
    public func loadSparse<Scalar: BLASScalar>(_: Scalar.Type, withTargets: Bool, featureCount: Int? = nil) throws -> LoadedSparseData<Scalar> {
        guard let file = path else { preconditionFailure("DataSpec.loadSparse needs a data file") }
        try checkSparseOptions()
        let url = URL(fileURLWithPath: file)
        var x: SparseMatrix<Scalar>
        var y: Matrix<Scalar>
        var zeroBased: Bool? = nil
        if isSVMLight {
            if targetsPath != nil {
                throw DataError(.invalidValue, file: file, "an svmlight file holds its own labels (the first field of each line); give no separate targets file")
            }
            let data = try SVMLightReader.read(url, as: Scalar.self,
                                               options: SVMLightOptions(indexBase: indexBase, featureCount: featureCount))
            x = data.features
            y = withTargets ? Matrix(rows: data.labels.count, cols: 1, elements: data.labels) : Matrix(rows: x.rows, cols: 0)
            zeroBased = data.zeroBased
        } else {
            x = try NPZSparseReader.read(url, as: Scalar.self)
            if let width = featureCount, x.cols != width {
                guard x.cols < width else {
                    throw DataError(.shapeMismatch, file: file, "the matrix has \(x.cols) columns; the model takes \(width) features")
                }
                // Columns beyond the file's are all zero: the same rows, wider.
                x = try SparseMatrix(rows: x.rows, cols: width, rowStarts: x.rowStarts, columnIndices: x.columnIndices, values: x.values)
            }
            if withTargets {
                guard let separate = targetsPath else {
                    throw DataError(.missingColumn, file: file, "a .npz file holds only the features; give the targets in a separate .npy or CSV file (--targets)")
                }
                y = try readTargetsFile(separate, as: Scalar.self)
                guard y.rows == x.rows else {
                    throw DataError(.rowCountMismatch, file: separate, "has \(y.rows) rows but the features in \(file) have \(x.rows): the row counts must match")
                }
                if let bad = y.withUnsafeBufferPointer({ FiniteCheck.firstNonFinite(in: $0) }) {
                    throw DataError(.nonFinite, file: separate, "row \(bad / y.cols) (0-based), column \(bad % y.cols) is \(y.withUnsafeBufferPointer { $0[bad] }); values must be finite")
                }
            } else {
                y = Matrix(rows: x.rows, cols: 0)
            }
        }
        guard x.rows > 0 else { throw DataError(.noDataRows, file: file, "no data rows") }
        if let bad = x.values.withUnsafeBufferPointer({ FiniteCheck.firstNonFinite(in: $0) }) {
            // The row holding stored entry `bad`: the last row starting at or before it.
            let starts = x.rowStarts
            var (lo, hi) = (0, x.rows - 1)
            while lo < hi { let mid = (lo + hi + 1) / 2; if starts[mid] <= bad { lo = mid } else { hi = mid - 1 } }
            throw DataError(.nonFinite, file: file, "row \(lo) (0-based), feature \(x.columnIndices[bad]) is \(x.values[bad]); values must be finite")
        }
        if withTargets, isSVMLight, let bad = y.withUnsafeBufferPointer({ FiniteCheck.firstNonFinite(in: $0) }) {
            throw DataError(.nonFinite, file: file, "row \(bad) (0-based): the label is \(y.withUnsafeBufferPointer { $0[bad] }); labels must be finite")
        }
        var digest = XXH64()
        x.rowStarts.withUnsafeBytes { digest.update($0) }
        x.columnIndices.withUnsafeBytes { digest.update($0) }
        x.values.withUnsafeBytes { digest.update($0) }
        y.withUnsafeBufferPointer { digest.update(UnsafeRawBufferPointer($0)) }
        return LoadedSparseData(x: x, y: y, source: file, zeroBased: zeroBased, digest: digest.hex)
    }

    /// Refuses the dense files' options that have no meaning for sparse data.
    func checkSparseOptions() throws {
        let file = path ?? ""
        func refuse(_ what: String) -> DataError {
            DataError(.invalidValue, file: file, "\(what) applies to CSV and .npy files, not to sparse data (svmlight or .npz)")
        }
        if selectsColumns { throw refuse("choosing feature columns (--features, --ignore)") }
        if targetColumns != [.last] { throw refuse("choosing target columns (--target)") }
        if missing != .error { throw refuse("handling missing values (--drop-missing, --fill-missing)") }
        if dropNonfinite { throw refuse("dropping rows with NaN/Inf (--drop-nonfinite)") }
        if !weights.isEmpty { throw refuse("sample and class weights (--sample-weight, --class-weight)") }
    }
}
