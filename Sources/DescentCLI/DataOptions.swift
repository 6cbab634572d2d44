import ArgumentParser
import Descent
import Foundation

/// Where the data comes from and how to read it (CSV or .npy).
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data file: CSV, or .npy (float32/float64, C order).", valueName: "path"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Target column(s) of the data file: a header name, a 0-based index, or `last` (repeat for several targets; default: last).", valueName: "column"))
    var target: [String] = []

    @Option(name: .long, help: ArgumentHelp("Targets in a separate .npy or CSV file (every column is a target); --data then holds only features.", valueName: "path"))
    var targets: String?

    @Option(name: .long, help: "CSV header: auto, present or absent.")
    var header: HeaderChoice = .auto

    @Option(name: .long, help: ArgumentHelp("CSV field delimiter (one character; `tab` for a tab).", valueName: "char"))
    var delimiter: String = ","

    @Flag(name: .long, help: "Drop rows holding NaN or ±Inf in a used column (default: such a row is an error).")
    var dropNonfinite = false

    enum HeaderChoice: String, ExpressibleByArgument, CaseIterable { case auto, present, absent }

    var isNPY: Bool { data.map { $0.lowercased().hasSuffix(".npy") } ?? false }

    func csvOptions(targetColumns: [CSVColumn]) throws -> CSVOptions {
        let d: Character
        switch delimiter {
        case "tab", "\\t": d = "\t"
        default:
            guard delimiter.count == 1, let c = delimiter.first, c.isASCII, c != "\"" else {
                throw CLIError("--delimiter: expected one ASCII character, got \"\(delimiter)\"")
            }
            d = c
        }
        let h: CSVOptions.Header = switch header { case .auto: .auto; case .present: .present; case .absent: .absent }
        return CSVOptions(header: h, delimiter: d, targetColumns: targetColumns, nonFinite: dropNonfinite ? .dropRows : .error)
    }

    var targetColumns: [CSVColumn] {
        if target.isEmpty { return [.last] }
        return target.map { t in
            if t == "last" { return .last }
            if let i = Int(t), i >= 0 { return .index(i) }
            return .name(t)
        }
    }
}

/// Loaded data: features, targets (n × 0 when there are none), and the column names.
struct LoadedData<Scalar: BLASScalar> {
    var x: Matrix<Scalar>
    var y: Matrix<Scalar>
    var featureNames: [String]
    var targetNames: [String]
    var droppedRows: Int
    var source: String
}

extension DataOptions {
    /// Reads features and targets (`withTargets`) or features only.
    func load<Scalar: BLASScalar>(_: Scalar.Type, withTargets: Bool) throws -> LoadedData<Scalar> {
        guard let data else { throw CLIError("--data is required") }
        let url = URL(fileURLWithPath: data)
        let separate = withTargets ? targets : nil
        if isNPY {
            if let separate {
                let x = try readRows(url, as: Scalar.self)
                let y = try readTargetsFile(separate, as: Scalar.self)
                try checkRows(x.rows, y.rows, separate)
                let kept = try finiteRows(x, y)
                return LoadedData(x: kept.x, y: kept.y, featureNames: [], targetNames: [], droppedRows: kept.dropped, source: data)
            }
            if !withTargets {
                let x = try readRows(url, as: Scalar.self)
                let kept = try finiteRows(x, Matrix(rows: x.rows, cols: 0))
                return LoadedData(x: kept.x, y: kept.y, featureNames: [], targetNames: [], droppedRows: kept.dropped, source: data)
            }
            let probe = try readRows(url, as: Scalar.self)   // column count for `last`
            var indices: [Int] = []
            for column in targetColumns {
                switch column {
                case .last: indices.append(probe.cols - 1)
                case .index(let i): indices.append(i)
                case .name(let n): throw CLIError("--target \(n): a .npy file has no column names; give a 0-based index")
                }
            }
            let (x, y) = try NPYFile.read(url, targetColumns: indices, as: Scalar.self)
            let kept = try finiteRows(x, y)
            return LoadedData(x: kept.x, y: kept.y, featureNames: [], targetNames: [], droppedRows: kept.dropped, source: data)
        }
        let table = try CSVReader.read(url, as: Scalar.self,
                                       options: csvOptions(targetColumns: withTargets && separate == nil ? targetColumns : []))
        var result = LoadedData(x: table.features, y: table.targets, featureNames: table.featureNames,
                                targetNames: table.targetNames, droppedRows: table.droppedRows, source: data)
        if let separate {
            let y = try readTargetsFile(separate, as: Scalar.self)
            try checkRows(result.x.rows, y.rows, separate)
            result.y = y
            result.targetNames = []
        }
        return result
    }

    /// Reads a .npy data file that must have rows: none is an error, as the CSV reader makes it
    /// (training, evaluation and prediction all need at least one sample).
    private func readRows<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type) throws -> Matrix<Scalar> {
        let m = try NPYFile.read(url, as: Scalar.self)
        guard m.rows > 0 else { throw DataError(.noDataRows, file: url.path, "the array has no data rows (its first dimension is 0)") }
        return m
    }

    private func readTargetsFile<Scalar: BLASScalar>(_ path: String, as _: Scalar.Type) throws -> Matrix<Scalar> {
        let url = URL(fileURLWithPath: path)
        if path.lowercased().hasSuffix(".npy") {
            return try NPYFile.read(url, as: Scalar.self)
        }
        return try CSVReader.read(url, as: Scalar.self, options: csvOptions(targetColumns: [])).features
    }

    private func checkRows(_ xRows: Int, _ yRows: Int, _ targetsPath: String) throws {
        guard xRows == yRows else {
            throw DataError(.rowCountMismatch, file: targetsPath,
                            "has \(yRows) rows but the features in \(data ?? "") have \(xRows): the row counts must match")
        }
    }

    /// .npy payloads are raw numbers: a row with NaN/Inf is an error naming its row and column, or
    /// is dropped with --drop-nonfinite (CSV files are checked by the reader).
    private func finiteRows<Scalar: BLASScalar>(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) throws -> (x: Matrix<Scalar>, y: Matrix<Scalar>, dropped: Int) {
        var keep: [Int] = []
        keep.reserveCapacity(x.rows)
        for i in 0..<x.rows {
            let bad = (0..<x.cols).first { !x[i, $0].isFinite }.map { ("feature", $0, x[i, $0]) }
                ?? (0..<y.cols).first { !y[i, $0].isFinite }.map { ("target", $0, y[i, $0]) }
            guard let (what, j, value) = bad else { keep.append(i); continue }
            if !dropNonfinite {
                throw DataError(.nonFinite, file: data ?? "", "row \(i) (0-based), \(what) column \(j) is \(value); values must be finite")
            }
        }
        if keep.count == x.rows { return (x, y, 0) }
        guard !keep.isEmpty else { throw DataError(.noDataRows, file: data ?? "", "every row holds NaN or Inf") }
        var kx = Matrix<Scalar>(rows: keep.count, cols: x.cols), ky = Matrix<Scalar>(rows: keep.count, cols: y.cols)
        x.gatherRows(keep, into: &kx)
        y.gatherRows(keep, into: &ky)
        return (kx, ky, x.rows - keep.count)
    }
}
