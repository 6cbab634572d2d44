/// A problem with a data, model or checkpoint file that the user can fix, reported on one line.
///
/// `description` reads `file:line:column: message` when a position applies (`line` is the 1-based
/// physical line in the file, `column` the 1-based *field* number in a CSV record, or the 1-based
/// *token* number on an svmlight line), `file: message`
/// otherwise. Shape problems name the expected and the found shape in the message.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that branch on it (the message is for people).
    public enum Kind: String, Sendable, Equatable {
        case io                 // open/read/stat failed
        case unwritable         // output path cannot be written
        case emptyFile
        case noDataRows         // header but no data
        case raggedRow
        case nonNumeric
        case nonFinite
        case missingValue       // an empty cell (`CSVOptions.MissingPolicy`)
        case unterminatedQuote
        case missingColumn
        case columnOutOfRange
        case duplicateColumn
        case npyFormat          // magic, version, header dictionary
        case zipFormat          // a .npz archive's zip structure, compression or checksum
        case npyDtype
        case npyOrder
        case npyShape
        case truncated
        case rowCountMismatch
        case unsupportedVersion
        case shapeMismatch
        case invalidValue
        case decoding
    }

    public var kind: Kind
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

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
