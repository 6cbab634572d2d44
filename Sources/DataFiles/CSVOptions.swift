import LinearAlgebra

/// A column of a CSV file, chosen by header name, by 0-based index, or as the last column.
public enum CSVColumn: Sendable, Hashable, CustomStringConvertible {
    /// The column whose header field is this name.
    case name(String)
    /// The column at this 0-based index.
    case index(Int)
    /// The file's last column.
    case last

    public var description: String {
        switch self {
        case .name(let n): return "\"\(n)\""
        case .index(let i): return "index \(i)"
        case .last: return "last column"
        }
    }
}

/// How to read a CSV file into features and targets.
public struct CSVOptions: Sendable {
    /// Whether the first record holds column names. `.auto` takes it as a header when any of its
    /// fields is not a number (so a first data row with an empty cell is also taken as a header).
    public enum Header: Sendable {
        /// The first record is a header.
        case present
        /// Every record is data.
        case absent
        /// A header when one of its fields is not a number.
        case auto
    }

    /// What to do with a NaN or ±Inf cell in a used column: throw (default), or drop the row and
    /// count it in `CSVTable.droppedRows`.
    public enum NonFinitePolicy: Sendable {
        /// Throw a `DataError` naming the cell.
        case error
        /// Drop the row.
        case dropRows
    }

    /// What to do with an empty cell (only spaces or tabs, or `""`) in a used column, which is how
    /// pandas and spreadsheets write a missing value: throw (default); drop the row (counted in
    /// `CSVTable.droppedRows` and `CSVTable.droppedForMissing`); or keep it as NaN in a feature
    /// column, counted in `CSVTable.missingCounts`, for an imputer to fill (`MissingValueFill`). A
    /// missing target cannot be filled: with `.keepAsNaN` an empty target cell is an error.
    public enum MissingPolicy: Sendable {
        /// Throw a `DataError` naming the cell.
        case error
        /// Drop the row.
        case dropRows
        /// Keep a feature cell as NaN for an imputer to fill.
        case keepAsNaN
    }

    /// pandas' `DataFrame.to_csv()` writes the row index as a first column with an empty header
    /// name (read back, it is named `Unnamed: 0`, and writing that frame again adds another index
    /// column in front). `.skip` (default) leaves such leading columns out of the features, unless
    /// one is chosen by name or index as a feature or a target, or is a feature of the model
    /// (`modelFeatureNames`); `CSVTable.skippedIndexColumns` tells how many. `.keep` reads them
    /// like any other column.
    public enum IndexColumnPolicy: Sendable {
        /// Leave pandas' index columns out of the features.
        case skip
        /// Read them like any other column.
        case keep
    }

    /// Whether the first record is a header (detected by default).
    public var header: Header
    /// One ASCII byte: `,` `;` tab `|` …
    public var delimiter: Character
    /// Fields may be quoted with this ASCII character (RFC 4180: a doubled quote inside a quoted
    /// field is one quote; quoted fields may hold delimiters and line breaks).
    public var quote: Character
    /// Target columns, in output order (empty: no targets, e.g. data to predict on).
    public var targetColumns: [CSVColumn]
    /// Feature columns in output order; `nil` means every column that is not a target or ignored.
    public var featureColumns: [CSVColumn]?
    /// Columns that are neither features nor targets (never parsed); one that is also chosen as
    /// a feature or a target is an error.
    public var ignoredColumns: [CSVColumn]
    /// What to do with NaN or ±Inf in a used column.
    public var nonFinite: NonFinitePolicy
    /// What to do with an empty cell in a used column.
    public var missing: MissingPolicy = .error
    /// Whether pandas' unnamed leading index columns are left out (the default) or read.
    public var indexColumn: IndexColumnPolicy = .skip
    /// A column of per-sample weights (`CSVTable.weights`); neither a feature nor a target.
    public var weightColumn: CSVColumn? = nil
    /// The feature names a saved model was trained on. When `featureColumns` is nil and the file
    /// has a header holding every one of them, the features are those columns by name, in the
    /// model's order (other columns are not read). A header lacking some of them is an error naming
    /// the first, unless the file's other columns are as many as the model's features (then they
    /// are taken by position, as in a file without a header).
    public var modelFeatureNames: [String]? = nil

    /// Options with the given header mode, delimiter and quote (each one ASCII character, distinct), columns
    /// and non-finite policy.
    public init(header: Header = .auto, delimiter: Character = ",", quote: Character = "\"",
                targetColumns: [CSVColumn] = [.last], featureColumns: [CSVColumn]? = nil,
                ignoredColumns: [CSVColumn] = [], nonFinite: NonFinitePolicy = .error) {
        precondition(delimiter.isASCII && delimiter.asciiValue != nil, "CSV delimiter \(delimiter) must be one ASCII character")
        precondition(quote.isASCII && quote.asciiValue != nil, "CSV quote \(quote) must be one ASCII character")
        precondition(delimiter != quote, "CSV delimiter and quote are both \(delimiter)")
        self.header = header; self.delimiter = delimiter; self.quote = quote
        self.targetColumns = targetColumns; self.featureColumns = featureColumns
        self.ignoredColumns = ignoredColumns; self.nonFinite = nonFinite
    }
}

/// What a CSV file held: `features` is n×d, `targets` n×k (k = number of target columns).
public struct CSVTable<Scalar: BLASScalar> {
    /// The feature columns, n × d.
    public var features: Matrix<Scalar>
    /// The target columns, n × k.
    public var targets: Matrix<Scalar>
    /// Header names, or `column <index>` for a file without a header.
    public var featureNames: [String]
    /// The target columns' names, as for `featureNames`.
    public var targetNames: [String]
    /// Rows dropped for NaN/Inf (`NonFinitePolicy.dropRows`) or for an empty cell
    /// (`MissingPolicy.dropRows`).
    public var droppedRows: Int
    /// How many of `droppedRows` were dropped for an empty cell.
    public var droppedForMissing = 0
    /// Under `MissingPolicy.keepAsNaN`: the empty cells kept as NaN in each feature column (empty
    /// when there were none).
    public var missingCounts: [Int] = []
    /// How many leading columns were left out as pandas' index (`IndexColumnPolicy.skip`).
    public var skippedIndexColumns = 0
    /// The values of `CSVOptions.weightColumn`, one per row, or nil.
    public var weights: [Scalar]? = nil

    /// A table of these matrices and names.
    public init(features: Matrix<Scalar>, targets: Matrix<Scalar>, featureNames: [String], targetNames: [String], droppedRows: Int = 0) {
        precondition(features.rows == targets.rows, "features \(features.shape) and targets \(targets.shape) differ in rows")
        self.features = features; self.targets = targets
        self.featureNames = featureNames; self.targetNames = targetNames; self.droppedRows = droppedRows
    }
}
