/// A problem with a data, model or checkpoint file that the user can fix, reported on one line.
///
/// `description` reads `file:line:column: message` when a position applies (`line` is the 1-based
/// physical line in the file, `column` the 1-based *field* number in a CSV record, or the 1-based
/// *token* number on an svmlight line), `file: message`
/// otherwise. Shape problems name the expected and the found shape in the message.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that branch on it (the message is for people).
    public enum Kind: String, Sendable, Equatable {
        /// Opening, reading or inspecting the file failed.
        case io
        /// The output path cannot be written.
        case unwritable
        /// The file is empty.
        case emptyFile
        /// The file has a header but no data rows.
        case noDataRows
        /// A row has another number of fields than the first.
        case raggedRow
        /// A cell is not a number.
        case nonNumeric
        /// A value is NaN or ±Inf.
        case nonFinite
        /// A cell is empty (see `CSVOptions.MissingPolicy`).
        case missingValue
        /// A quoted field is not closed.
        case unterminatedQuote
        /// A named column is not in the header.
        case missingColumn
        /// A column index is beyond the file's columns.
        case columnOutOfRange
        /// A column is chosen twice.
        case duplicateColumn
        /// A .npy file's magic, version or header dictionary is invalid.
        case npyFormat
        /// A .npz archive's zip structure, compression or checksum is invalid.
        case zipFormat
        /// A .npy file's dtype is not supported.
        case npyDtype
        /// A .npy array is not in C order.
        case npyOrder
        /// A .npy array's shape is not what is needed.
        case npyShape
        /// The file ends early.
        case truncated
        /// Two files that must have the same rows do not.
        case rowCountMismatch
        /// A format version this version does not read.
        case unsupportedVersion
        /// The data's shape does not fit the model's.
        case shapeMismatch
        /// A value is out of its allowed range or not allowed here.
        case invalidValue
        /// A JSON document cannot be decoded.
        case decoding
    }

    /// What went wrong.
    public var kind: Kind
    /// The file the problem is in.
    public var file: String
    /// The 1-based physical line, when a position applies.
    public var line: Int?
    /// The 1-based field (CSV) or token (svmlight) number on the line, when a position applies.
    public var column: Int?
    /// The problem in words.
    public var message: String

    /// An error of `kind` in `file`, at `line` and `column` when given.
    public init(_ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.kind = kind; self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        return s + ": " + message
    }
}

/// `text` cut to at most `limit` characters, with an ellipsis when it was cut.
func truncatedForMessage(_ text: String, limit: Int = 24) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + "…"
}
