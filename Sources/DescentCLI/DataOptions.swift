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

extension DataOptions {
    /// The library's description of the data (checks --delimiter and --targets).
    func spec() throws -> DataSpec {
        if data == nil, targets != nil { throw CLIError("--targets needs --data") }
        let o = try csvOptions(targetColumns: [])
        return DataSpec(path: data, targetsPath: targets, targetColumns: targetColumns, header: o.header, delimiter: o.delimiter,
                        dropNonfinite: dropNonfinite)
    }
}

extension DataOptions {
    /// Features only (dropping --target columns when given).
    func loadFeatures<Scalar: BLASScalar>(_: Scalar.Type) throws -> LoadedData<Scalar> {
        try spec().load(Scalar.self, withTargets: !(target.isEmpty && targets == nil))
    }
}
