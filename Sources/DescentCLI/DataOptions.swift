import ArgumentParser
import Descent
import Foundation

/// Where the data comes from and how to read it (CSV or .npy); without --data, the built-in problem.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data file: CSV, .npy (float32/float64, C order), or sparse: svmlight/libsvm text (.svm, .svmlight, .libsvm) or scipy's save_npz (.npz, with --targets); without it, the built-in problem.", valueName: "path"))
    var data: String?

    @OptionGroup var reading: ReadingOptions

    /// The library's description of the data (checks --delimiter and --targets).
    func spec() throws -> DataSpec { try reading.spec(path: data) }
}

/// `predict` and `evaluate`: a data file is required.
struct RequiredDataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data file: CSV, .npy (float32/float64, C order), or sparse: svmlight/libsvm text (.svm, .svmlight, .libsvm) or scipy's save_npz (.npz).", valueName: "path"))
    var data: String

    @OptionGroup var reading: ReadingOptions

    func spec() throws -> DataSpec { try reading.spec(path: data) }

    /// The data for a saved model: without --features/--ignore, a CSV file's features are the
    /// model's feature columns by name when its header has them (`CSVOptions.modelFeatureNames`).
    /// A model that stores a fill for missing values (`SavedModel.missingValueFill`) reads empty
    /// feature cells as NaN for it to fill (unless --drop-missing drops their rows).
    func spec<Scalar: BLASScalar>(for model: SavedModel<Scalar>) throws -> DataSpec {
        if reading.fillMissing != nil {
            throw CLIError("--fill-missing is a training option: the model file's fill values (\(model.missingValueFill.map { "\($0.strategy)" } ?? "none: the model was trained without --fill-missing")) fill the data")
        }
        var s = try spec()
        if !reading.selectsColumns && !model.featureNames.isEmpty { s.modelFeatureNames = model.featureNames }
        if model.missingValueFill != nil && s.missing == .error && !s.isSparse { s.missing = .keepAsNaN }
        if reading.indexBase == nil, let base = model.trainedIndexBase { s.indexBase = base }
        return s
    }

    /// Features only (dropping --target columns when given).
    func loadFeatures<Scalar: BLASScalar>(for model: SavedModel<Scalar>) throws -> LoadedData<Scalar> {
        try spec(for: model).load(Scalar.self, withTargets: !(reading.target.isEmpty && reading.targets == nil))
    }
}

/// How a data file is read: its target columns (or a separate targets file), and for CSV the header,
/// the delimiter and what to do with non-finite cells.
struct ReadingOptions: ParsableArguments {
    // `.unconditional`: the next word is the column even when it starts with "-" (a header name
    // such as "-x", or "-1", which then gets its own error instead of being read as a flag).
    @Option(name: .long, parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Target column(s) of the data file: a header name, a 0-based index, or `last` (repeat for several targets; default: last).", valueName: "column"))
    var target: [String] = []

    @Option(name: .long, help: ArgumentHelp("Targets in a separate .npy or CSV file (every column is a target); --data then holds only features.", valueName: "path"))
    var targets: String?

    @Option(name: .long, parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Feature columns, in order: header names or 0-based indices, comma-separated or repeated (indices for .npy; default: every column that is not a target or ignored).", valueName: "columns"))
    var features: [String] = []

    @Option(name: .long, parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Columns to leave out of the features: header names or 0-based indices, comma-separated or repeated.", valueName: "columns"))
    var ignore: [String] = []

    @Option(name: .long, help: "CSV header: auto, present or absent.")
    var header: HeaderChoice = .auto

    @Option(name: .long, help: ArgumentHelp("CSV field delimiter (one character; `tab` for a tab).", valueName: "char"))
    var delimiter: String = ","

    @Flag(name: .long, help: "Drop rows holding NaN or ±Inf in a used column (default: such a row is an error).")
    var dropNonfinite = false

    @Flag(name: .long, help: "Drop CSV rows with an empty cell (a missing value) in a used column (default: such a cell is an error).")
    var dropMissing = false

    @Option(name: .long, help: ArgumentHelp("train: fill empty feature cells of a CSV file with the training rows' column mean, or with zero; the values are stored in the model file, and predict and evaluate fill with them.", valueName: "mean|zero"))
    var fillMissing: MissingValueFill.Strategy?

    @Flag(name: .long, help: "Read an unnamed first CSV column (pandas' row index, as DataFrame.to_csv() writes it) as a feature (default: it is left out, with a note).")
    var keepIndexColumn = false

    @Option(name: .long, help: ArgumentHelp("svmlight files: how feature indices count: auto (1-based unless an index 0 appears, as scikit-learn's zero_based=\"auto\"), 0 or 1 (predict and evaluate: default the base the model was trained with).", valueName: "auto|0|1"))
    var indexBase: IndexBaseChoice?

    enum HeaderChoice: String, ExpressibleByArgument, CaseIterable { case auto, present, absent }
    enum IndexBaseChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, zero = "0", one = "1"
        var base: SVMLightOptions.IndexBase {
            switch self { case .auto: .auto; case .zero: .zeroBased; case .one: .oneBased }
        }
    }


    func csvOptions(targetColumns: [CSVColumn]) throws -> CSVOptions {
        let d: Character
        switch delimiter {
        case "tab", "\\t": d = "\t"
        default:
            guard delimiter.count == 1, let c = delimiter.first, c.isASCII else {
                throw CLIError("--delimiter: expected one ASCII character, got \"\(delimiter)\"")
            }
            guard c != "\"" else { throw CLIError("--delimiter: the quote character \" cannot be the delimiter (it quotes fields)") }
            guard c != "\n" && c != "\r" && c != "\r\n" else { throw CLIError("--delimiter: a line break cannot be the delimiter (it ends records)") }
            d = c
        }
        let h: CSVOptions.Header = switch header { case .auto: .auto; case .present: .present; case .absent: .absent }
        return CSVOptions(header: h, delimiter: d, targetColumns: targetColumns, nonFinite: dropNonfinite ? .dropRows : .error)
    }

    /// --features or --ignore as columns: each value split at commas; an integer is an index.
    static func columns(_ values: [String], flag: String) throws -> [CSVColumn] {
        try values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw CLIError("\(flag): an empty column name (in \"\(values.joined(separator: ","))\")") }
            if let i = Int(name) {
                guard i >= 0 else { throw CLIError("\(flag) \(name): a column index counts from 0") }
                return .index(i)
            }
            return .name(name)
        }
    }

    /// Whether --features or --ignore was given.
    var selectsColumns: Bool { !features.isEmpty || !ignore.isEmpty }

    func targetColumns() throws -> [CSVColumn] {
        if target.isEmpty { return [.last] }
        return try target.map { t in
            if t == "last" { return .last }
            if let i = Int(t) {
                guard i >= 0 else { throw CLIError("--target \(t): a column index counts from 0 (use `last` for the last column)") }
                return .index(i)
            }
            guard !t.isEmpty else { throw CLIError("--target: the column name is empty") }
            return .name(t)
        }
    }
}

extension ReadingOptions {
    /// The library's description of the data at `path` (checks --delimiter and --targets).
    func spec(path: String?) throws -> DataSpec {
        if path == nil, targets != nil { throw CLIError("--targets needs --data") }
        let o = try csvOptions(targetColumns: [])
        var spec = DataSpec(path: path, targetsPath: targets, targetColumns: try targetColumns(), header: o.header, delimiter: o.delimiter,
                            dropNonfinite: dropNonfinite)
        if dropMissing && fillMissing != nil { throw CLIError("--drop-missing and --fill-missing: choose one") }
        spec.missing = fillMissing != nil ? .keepAsNaN : dropMissing ? .dropRows : .error
        spec.fillStrategy = fillMissing ?? .mean
        spec.keepIndexColumn = keepIndexColumn
        if !features.isEmpty { spec.featureColumns = try Self.columns(features, flag: "--features") }
        spec.ignoredColumns = try Self.columns(ignore, flag: "--ignore")
        spec.indexBase = indexBase?.base ?? .auto
        if indexBase != nil && !spec.isSVMLight { throw CLIError("--index-base applies to svmlight files (.svm, .svmlight, .libsvm)") }
        return spec
    }
}
extension MissingValueFill.Strategy: ExpressibleByArgument {}
