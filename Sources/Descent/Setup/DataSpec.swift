import DataFiles
import Foundation
import LinearAlgebra
import Training

/// Where a run's data comes from and how to read it: a CSV or .npy file (nil for the built-in
/// problem), an optional separate targets file, the target columns, CSV's header and delimiter, and
/// what to do with a row holding NaN or ±Inf in a used column (one rule for CSV and .npy: an error
/// naming the row and column, or the row is dropped with `dropNonfinite`).
public struct DataSpec: Sendable {
    /// The CSV or .npy data file; nil for the built-in problem.
    public var path: String?
    /// A separate .npy file of targets (`--targets`); nil when the targets are columns of the data file.
    public var targetsPath: String?
    /// The data file's target columns (by default the last).
    public var targetColumns: [CSVColumn]
    /// Whether a CSV file has a header row (detected by default).
    public var header: CSVOptions.Header
    /// The CSV field delimiter (`,` by default).
    public var delimiter: Character
    /// Drop rows holding NaN or ±Inf in a used column instead of failing on them.
    public var dropNonfinite: Bool
    /// Feature columns, in order (`--features`; nil: every column that is not a target or
    /// ignored) and columns to leave out (`--ignore`): header names or 0-based indices of the data
    /// file (indices only for .npy, counted over all of the file's columns, targets included).
    public var featureColumns: [CSVColumn]? = nil
    /// Columns to leave out of the features (`--ignore`), as described above.
    public var ignoredColumns: [CSVColumn] = []
    /// A saved model's feature names, to choose a CSV file's features by its header
    /// (`CSVOptions.modelFeatureNames`; `predict` and `evaluate` without --features/--ignore).
    public var modelFeatureNames: [String]? = nil
    /// Per-sample and class weights (`WeightSpec`; none by default).
    public var weights = WeightSpec()
    /// What to do with an empty CSV cell (a missing value): an error naming its line and column
    /// (default), drop its row, or keep it as NaN for `MissingValueFill` (`.keepAsNaN`: training
    /// fits the fill on the training rows, `predict`/`evaluate` apply the model file's).
    public var missing: CSVOptions.MissingPolicy = .error
    /// How training fills the cells `.keepAsNaN` keeps (`MissingValueFill.Strategy`).
    public var fillStrategy: MissingValueFill.Strategy = .mean
    /// Read pandas' unnamed leading index column as a feature (`CSVOptions.IndexColumnPolicy`;
    /// by default it is left out).
    public var keepIndexColumn = false
    /// How an svmlight file's feature indices count (`SVMLightOptions.IndexBase`; scikit-learn's
    /// `zero_based`, "auto" by default). A model file records the base its training data had, and
    /// `predict`/`evaluate` read with it.
    public var indexBase: SVMLightOptions.IndexBase = .auto

    /// Data read from `path` (nil for the built-in problem), with the given targets and CSV settings; the other
    /// settings at their defaults.
    public init(path: String?, targetsPath: String? = nil, targetColumns: [CSVColumn] = [.last], header: CSVOptions.Header = .auto,
                delimiter: Character = ",", dropNonfinite: Bool = false) {
        self.path = path; self.targetsPath = targetsPath; self.targetColumns = targetColumns; self.header = header
        self.delimiter = delimiter; self.dropNonfinite = dropNonfinite
    }

    /// Whether the data file is a .npy file (by its extension).
    public var isNPY: Bool { path.map { $0.lowercased().hasSuffix(".npy") } ?? false }

    func csvOptions(targetColumns: [CSVColumn]) -> CSVOptions {
        var options = CSVOptions(header: header, delimiter: delimiter, targetColumns: targetColumns, featureColumns: featureColumns,
                   ignoredColumns: ignoredColumns, nonFinite: dropNonfinite ? .dropRows : .error)
        options.modelFeatureNames = modelFeatureNames
        options.missing = missing
        options.indexColumn = keepIndexColumn ? .keep : .skip
        options.weightColumn = weights.sampleWeightColumn
        return options
    }

    /// Whether some feature columns are chosen or ignored.
    public var selectsColumns: Bool { featureColumns != nil || !ignoredColumns.isEmpty }
}

/// Loaded data: features, targets (n × 0 when there are none), and the column names; and what
/// the pass made while reading them found (`DataOptions.LoadScan`).
public struct LoadedData<Scalar: BLASScalar> {
    /// The features, one row per sample.
    public var x: Matrix<Scalar>
    /// The targets, one row per sample (n × 0 when none were read).
    public var y: Matrix<Scalar>
    /// One name per feature column (from the header, or generated).
    public var featureNames: [String]
    /// One name per target column.
    public var targetNames: [String]
    /// How many rows were dropped (non-finite values or missing cells).
    public var droppedRows: Int
    /// The data's description for messages (its file name, or the built-in problem).
    public var source: String
    /// `DataScan.digest` of the data as read (before rows were dropped), when asked for.
    public var digest: String? = nil
    /// Column moments of `x` and `y`, when asked for and no row was dropped.
    public var featureMoments: ColumnMoments? = nil
    /// Column moments of `y`, when asked for and no row was dropped.
    public var targetMoments: ColumnMoments? = nil
    /// Whether every value of `x` and `y` was checked finite as it was read (NaN for a missing
    /// value kept by `DataSpec.missing == .keepAsNaN` aside: `missingCounts` counts them).
    public var valuesChecked = true
    /// Empty CSV cells kept as NaN, per feature column (empty when none; see `DataSpec.missing`).
    public var missingCounts: [Int] = []
    /// How many of `droppedRows` were dropped for an empty cell.
    public var droppedForMissing = 0
    /// How many leading columns were left out as pandas' row index (`DataSpec.keepIndexColumn`).
    public var skippedIndexColumns = 0
    /// The data file's sample-weight column (`WeightSpec.sampleWeightColumn`), one per row of `x`.
    public var sampleWeights: [Scalar]? = nil
}

extension DataSpec {
    /// What to compute in the pass that checks the values as they are read (each block of rows
    /// while it is in cache): a digest, and column moments for standardisation.
    public struct LoadScan: Sendable {
        /// Compute the data's digest (`DataScan.digest`).
        public var digest = false
        /// Compute the features' column moments.
        public var featureMoments = false
        /// Compute the targets' column moments.
        public var targetMoments = false
        /// A scan computing the chosen parts (none by default).
        public init(digest: Bool = false, featureMoments: Bool = false, targetMoments: Bool = false) {
            self.digest = digest; self.featureMoments = featureMoments; self.targetMoments = targetMoments
        }
    }

    /// Reads features and targets (`withTargets`) or features only. Values are checked finite as
    /// they are read (a row holding NaN/Inf is an error, or is dropped with --drop-nonfinite; see
    /// `LoadedData.valuesChecked` for the one exception).
    /// `rows`: only these rows of a .npy file (one process's shard; .npy only). `mapping`: map .npy
    /// files into memory instead of reading them, where they hold the training precision as it is
    /// (processes on one machine then share the pages; features and targets in separate files).
    public func load<Scalar: BLASScalar>(_: Scalar.Type, withTargets: Bool, scanning: LoadScan = LoadScan(),
                                  rows: Range<Int>? = nil, mapping: Bool = false) throws -> LoadedData<Scalar> {
        guard let data = path else { preconditionFailure("DataSpec.load needs a data file (the built-in problem has none)") }
        let url = URL(fileURLWithPath: data)
        let separate = withTargets ? targetsPath : nil
        func makeScan(_ features: Int, _ targets: Int, checking: Bool = true) -> DataScan<Scalar> {
            DataScan(featureCount: features, targetCount: targets, checkingFinite: checking,
                     collectingNonFiniteRows: checking && dropNonfinite, digest: scanning.digest,
                     featureMoments: scanning.featureMoments, targetMoments: scanning.targetMoments)
        }
        if isNPY && selectsColumns {
            var whole = self
            whole.featureColumns = nil; whole.ignoredColumns = []
            let all = try whole.load(Scalar.self, withTargets: withTargets, scanning: scanning, rows: rows, mapping: mapping)
            let fileColumns = try NPYFile.shape(of: url).columns
            let targetsInFile = withTargets && separate == nil
                ? targetColumns.map { (c: CSVColumn) -> Int in if case .index(let i) = c { i } else { fileColumns - 1 } } : []
            return try selectingNPYFeatures(all, fileColumns: fileColumns, targetsInFile: targetsInFile)
        }
        if isNPY {
            let shape = try NPYFile.shape(of: url)
            guard shape.rows > 0 else { throw DataError(.noDataRows, file: url.path, "the array has no data rows (its first dimension is 0)") }
            if let separate {
                let targetsURL = URL(fileURLWithPath: separate)
                if let range = rows {
                    guard separate.lowercased().hasSuffix(".npy") else { throw DataError(.npyFormat, file: separate, "reading a row range needs the targets in a .npy file too") }
                    let targetShape = try NPYFile.shape(of: targetsURL)
                    try checkRows(shape.rows, targetShape.rows, separate)
                    var scan = makeScan(shape.columns, targetShape.columns)
                    if mapping,
                       let x = try NPYFile.map(url, rows: range, as: Scalar.self, visitingRows: { _, rows, _ in scan.addFeatures(rows) }),
                       let y = try NPYFile.map(targetsURL, rows: range, as: Scalar.self, visitingRows: { _, rows, _ in scan.addTargets(rows) }) {
                        return try finiteRows(x, y, scan, source: data, firstRow: range.lowerBound)
                    }
                    scan = makeScan(shape.columns, targetShape.columns)
                    let x = try NPYFile.read(url, rows: range, as: Scalar.self) { _, rows, _ in scan.addFeatures(rows) }.features
                    let y = try NPYFile.read(targetsURL, rows: range, as: Scalar.self) { _, rows, _ in scan.addTargets(rows) }.features
                    return try finiteRows(x, y, scan, source: data, firstRow: range.lowerBound)
                }
                if separate.lowercased().hasSuffix(".npy") {
                    let targetColumns = try NPYFile.shape(of: targetsURL).columns
                    var scan = makeScan(shape.columns, targetColumns)
                    if mapping {
                        let x = try NPYFile.map(url, as: Scalar.self) { _, rows, _ in scan.addFeatures(rows) }
                        let y = try x == nil ? nil : NPYFile.map(targetsURL, as: Scalar.self) { _, rows, _ in scan.addTargets(rows) }
                        if let x, let y {
                            try checkRows(x.rows, y.rows, separate)
                            return try finiteRows(x, y, scan, source: data)
                        }
                        scan = makeScan(shape.columns, targetColumns)   // not mappable as it is: read below
                    }
                    let x = try NPYFile.read(url, as: Scalar.self) { _, rows, _ in scan.addFeatures(rows) }
                    let y = try NPYFile.read(targetsURL, as: Scalar.self) { _, rows, _ in scan.addTargets(rows) }
                    try checkRows(x.rows, y.rows, separate)
                    return try finiteRows(x, y, scan, source: data)
                }
                // Targets in a CSV file (whose reader checks its values): scanned after reading.
                let y = try readTargetsFile(separate, as: Scalar.self)
                var scan = makeScan(shape.columns, y.cols)
                let x = try NPYFile.read(url, as: Scalar.self) { _, rows, _ in scan.addFeatures(rows) }
                try checkRows(x.rows, y.rows, separate)
                y.withView { scan.addTargets($0) }
                return try finiteRows(x, y, scan, source: data)
            }
            if !withTargets {
                var scan = makeScan(shape.columns, 0)
                let x = try NPYFile.read(url, as: Scalar.self) { _, rows, _ in scan.addFeatures(rows) }
                return try finiteRows(x, Matrix(rows: x.rows, cols: 0), scan, source: data)
            }
            var indices: [Int] = []
            for column in targetColumns {
                switch column {
                case .last: indices.append(shape.columns - 1)
                case .index(let i): indices.append(i)
                case .name(let n): throw DataError(.missingColumn, file: data, "a .npy file has no column names (target \"\(n)\"); give a 0-based index")
                }
            }
            // Out-of-range and repeated indices are reported by the reader.
            let valid = indices.allSatisfy { (0..<shape.columns).contains($0) } && Set(indices).count == indices.count
            var scan = makeScan(valid ? shape.columns - indices.count : 0, valid ? indices.count : 0)
            let visit: NPYFile.RowVisitor<Scalar> = { _, features, targets in scan.addFeatures(features); scan.addTargets(targets) }
            let (x, y) = try rows.map { try NPYFile.read(url, rows: $0, targetColumns: indices, as: Scalar.self, visitingRows: visit) }
                ?? NPYFile.read(url, targetColumns: indices, as: Scalar.self, visitingRows: visit)
            return try finiteRows(x, y, scan, source: data, firstRow: rows?.lowerBound ?? 0)
        }
        // The CSV reader checks every value it keeps; the digest and moments are taken from each
        // block of rows as the reader finishes it.
        let wantScan = scanning.digest || scanning.featureMoments || scanning.targetMoments
        var scan: DataScan<Scalar>? = nil
        let table = try CSVReader.read(url, as: Scalar.self,
                                       options: csvOptions(targetColumns: withTargets && separate == nil ? targetColumns : [])) {
            _, features, targets in
            guard wantScan && separate == nil else { return }
            if scan == nil { scan = makeScan(features.cols, targets.cols, checking: false) }
            scan!.addFeatures(features); scan!.addTargets(targets)
        }
        var result = LoadedData(x: table.features, y: table.targets, featureNames: table.featureNames,
                                targetNames: table.targetNames, droppedRows: table.droppedRows, source: data)
        result.missingCounts = table.missingCounts
        result.droppedForMissing = table.droppedForMissing
        result.skippedIndexColumns = table.skippedIndexColumns
        result.sampleWeights = table.weights
        if let separate {
            let y = try readTargetsFile(separate, as: Scalar.self)
            try checkRows(result.x.rows, y.rows, separate)
            result.y = y
            result.targetNames = []
        }
        // The CSV reader has checked every value it kept; a .npy targets file beside a CSV is
        // left to `Dataset`'s check, as before.
        if let separate, separate.lowercased().hasSuffix(".npy") { result.valuesChecked = false }
        if wantScan {
            if separate != nil {   // targets from another file: scanned here
                scan = makeScan(result.x.cols, result.y.cols, checking: false)
                scan!.add(features: result.x, targets: result.y)
            }
            result.digest = scan?.digest
            // NaN for missing cells: the moments are taken after they are filled.
            result.featureMoments = result.missingCounts.isEmpty ? scan?.featureMoments : nil
            // The visitor's target block holds the weight column too: target moments are taken later.
            result.targetMoments = table.weights == nil ? scan?.targetMoments : nil
        }
        return result
    }

    /// The chosen feature columns of a .npy file read whole: `all.x` holds the file's columns
    /// other than `targetsInFile`, in order.
    private func selectingNPYFeatures<Scalar: BLASScalar>(_ all: LoadedData<Scalar>, fileColumns: Int,
                                                          targetsInFile: [Int]) throws -> LoadedData<Scalar> {
        let file = path ?? ""
        func index(_ column: CSVColumn, _ role: String) throws -> Int {
            switch column {
            case .last: return fileColumns - 1
            case .name(let n):
                throw DataError(.missingColumn, file: file, "a .npy file has no column names (\(role) \"\(n)\"); give a 0-based index")
            case .index(let i):
                guard i >= 0 && i < fileColumns else {
                    throw DataError(.columnOutOfRange, file: file,
                                    "\(role) column index \(i) is out of range: the file has \(fileColumns) column\(fileColumns == 1 ? "" : "s") (indices 0–\(fileColumns - 1))")
                }
                return i
            }
        }
        let ignored = try ignoredColumns.map { try index($0, "ignored") }
        if let both = ignored.first(where: targetsInFile.contains) {
            throw DataError(.duplicateColumn, file: file, "column \(both) is chosen both as a target and as ignored")
        }
        let chosen = try featureColumns.map { try $0.map { try index($0, "feature") } }
            ?? (0..<fileColumns).filter { !targetsInFile.contains($0) && !ignored.contains($0) }
        var seen = Set<Int>()
        for j in chosen {
            guard seen.insert(j).inserted else { throw DataError(.duplicateColumn, file: file, "column \(j) is chosen twice as a feature") }
            if targetsInFile.contains(j) {
                throw DataError(.duplicateColumn, file: file, "column \(j) is chosen both as a feature and as a target")
            }
            if ignored.contains(j) { throw DataError(.duplicateColumn, file: file, "column \(j) is chosen both as a feature and as ignored") }
        }
        // File column j is column j − (targets before it) of `all.x`.
        let xColumns = chosen.map { j in j - targetsInFile.filter { $0 < j }.count }
        var result = all
        result.x = Matrix(rows: all.x.rows, cols: xColumns.count) { i, k in all.x[i, xColumns[k]] }
        result.featureMoments = nil   // of all the columns: taken again from the chosen ones
        return result
    }

    func readTargetsFile<Scalar: BLASScalar>(_ path: String, as _: Scalar.Type) throws -> Matrix<Scalar> {
        let url = URL(fileURLWithPath: path)
        if path.lowercased().hasSuffix(".npy") {
            return try NPYFile.read(url, as: Scalar.self)
        }
        return try CSVReader.read(url, as: Scalar.self, options: targetsFileOptions).features
    }

    /// A CSV targets file: every column is a target, so no feature selection applies to it.
    private var targetsFileOptions: CSVOptions {
        var options = CSVOptions(header: header, delimiter: delimiter, targetColumns: [], nonFinite: dropNonfinite ? .dropRows : .error)
        options.missing = missing == .dropRows ? .dropRows : .error   // targets cannot be filled
        options.indexColumn = keepIndexColumn ? .keep : .skip
        return options
    }

    /// Names the rows of the targets as read (`LoadedData.y`) in messages about their values (class
    /// labels): "file:line:field" for CSV, found by reading the file again on the error path
    /// (`CSVReader.location`), "file: row i" for .npy.
    public func targetRowNamer(droppedRows: Int) -> ClassLabels.RowName {
        let file = targetsPath ?? path ?? "built-in problem"
        let npy = file.lowercased().hasSuffix(".npy")
        guard !npy, path != nil else { return ClassLabels.rowNamer(file: file, npy: true, droppedRows: droppedRows) }
        let options = targetsPath == nil ? csvOptions(targetColumns: targetColumns) : targetsFileOptions
        let url = URL(fileURLWithPath: file)
        return ClassLabels.rowNamer(file: file, npy: false, droppedRows: droppedRows,
                                    csvLocation: { (i: Int) -> (line: Int, column: Int)? in CSVReader.location(ofRow: i, in: url, options: options) })
    }

    private func checkRows(_ xRows: Int, _ yRows: Int, _ targetsPath: String) throws {
        guard xRows == yRows else {
            throw DataError(.rowCountMismatch, file: targetsPath,
                            "has \(yRows) rows but the features in \(path ?? "") have \(xRows): the row counts must match")
        }
    }

    /// .npy payloads are raw numbers: a row with NaN/Inf (found by `scan` as the rows were read) is
    /// an error naming its row and column, or is dropped with --drop-nonfinite.
    /// `firstRow`: the file row of x's row 0 (a shard's start), for the message.
    private func finiteRows<Scalar: BLASScalar>(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>, _ scan: DataScan<Scalar>,
                                                source: String, firstRow: Int = 0) throws -> LoadedData<Scalar> {
        var loaded = LoadedData(x: x, y: y, featureNames: [], targetNames: [], droppedRows: 0, source: source,
                                digest: scan.digest, featureMoments: scan.featureMoments, targetMoments: scan.targetMoments)
        guard let bad = scan.firstNonFinite else { return loaded }
        if !dropNonfinite {
            throw DataError(.nonFinite, file: source, "row \(firstRow + bad.row) (0-based), \(bad.inTargets ? "target" : "feature") column \(bad.column) is \(bad.value); values must be finite")
        }
        let dropped = scan.nonFiniteRows
        guard dropped.count < x.rows else { throw DataError(.noDataRows, file: source, "every row holds NaN or Inf") }
        var keep: [Int] = []
        keep.reserveCapacity(x.rows - dropped.count)
        var next = 0
        for i in 0..<x.rows {
            if next < dropped.count && dropped[next] == i { next += 1 } else { keep.append(i) }
        }
        var kx = Matrix<Scalar>(rows: keep.count, cols: x.cols), ky = Matrix<Scalar>(rows: keep.count, cols: y.cols)
        x.gatherRows(keep, into: &kx)
        y.gatherRows(keep, into: &ky)
        loaded.x = kx; loaded.y = ky
        loaded.droppedRows = dropped.count
        loaded.featureMoments = nil; loaded.targetMoments = nil   // they include the dropped rows
        return loaded
    }
}
