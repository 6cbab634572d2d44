#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LinearAlgebra

/// Reads numeric CSV files into feature and target matrices.
///
/// The file is streamed in 1 MiB chunks through a byte-level state machine: no `String` is made
/// per line or per cell; each used cell is parsed in place by `strtod`/`strtof` (see
/// `NumberParsing.swift`), so values round-trip exactly as `Double(String)`/`Float(String)` would.
/// Blank lines are skipped anywhere (so a trailing newline is fine); CRLF and lone CR line ends
/// are accepted, as is a leading UTF-8 byte-order mark; columns that are neither features nor targets are never parsed (they may hold text).
public enum CSVReader {
    // The generic entry checks the scalar type at run time and jumps to these specialisations;
    // callers in other modules would otherwise run the unspecialised parser (about half as fast).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self,
                                                options: CSVOptions = CSVOptions()) throws -> CSVTable<Scalar> {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError(.io, file: path, "cannot open for reading: \(errnoDescription())") }
        defer { close(fd) }
        var parser = CSVParser<Scalar>(file: path, options: options)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = Glibc.read(fd, chunk.baseAddress, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, file: path, "read failed: \(errnoDescription())")
            }
            if n == 0 { break }
            try parser.consume(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return try parser.finish()
    }
}

func errnoDescription(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// The CSV state machine; one instance reads one file.
struct CSVParser<Scalar: BLASScalar>: ~Copyable {
    private let file: String
    private let options: CSVOptions
    private let delimiter: UInt8
    private let quote: UInt8
    private let parse: (inout CellBuffer) -> Scalar?

    private var cell = CellBuffer()
    private var line = 1
    private var fieldStartLine = 1
    private var recordStartLine = 1
    private var inQuotes = false
    private var quotePending = false
    private var fieldQuoted = false
    private var skipLF = false
    private var fieldIndex = 0
    private var atFileStart = true

    private var resolved = false
    private var firstFields: [[UInt8]] = []
    private var hasHeader = false
    private var columnCount = 0
    private var names: [String] = []
    private var featureIndices: [Int] = []
    private var targetIndices: [Int] = []
    private var used: [Bool] = []
    private var row: [Scalar] = []
    private var rowHasNonFinite = false
    private var xs: [Scalar] = []
    private var ys: [Scalar] = []
    private var rowCount = 0
    private var dropped = 0

    init(file: String, options: CSVOptions) {
        self.file = file
        self.options = options
        delimiter = options.delimiter.asciiValue!
        quote = options.quote.asciiValue!
        parse = cParser(for: Scalar.self)
    }

    mutating func consume(_ chunk: UnsafeRawBufferPointer) throws {
        let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var bytes = chunk[...]
        if atFileStart {
            atFileStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }   // UTF-8 byte-order mark
        }
        for b in bytes {
            if skipLF {
                skipLF = false
                if b == lf { continue }
            }
            if inQuotes {
                if quotePending {
                    quotePending = false
                    if b == quote { cell.append(b); continue }
                    inQuotes = false            // the quote closed the field; handle `b` below
                } else {
                    if b == quote { quotePending = true; continue }
                    if b == lf { line += 1 }
                    cell.append(b)
                    continue
                }
            }
            if b == delimiter {
                try endField()
            } else if b == lf || b == cr {
                if fieldIndex == 0 && !fieldQuoted && cell.isBlank {
                    cell.removeAll()               // blank line
                } else {
                    try endField()
                    try endRecord()
                }
                line += 1
                fieldStartLine = line
                recordStartLine = line
                if b == cr { skipLF = true }
            } else if b == quote && !fieldQuoted && cell.isBlank {
                cell.removeAll()                   // spaces before an opening quote are dropped
                inQuotes = true
                fieldQuoted = true
            } else {
                cell.append(b)
            }
        }
    }

    mutating func finish() throws -> CSVTable<Scalar> {
        if inQuotes && !quotePending {
            throw DataError(.unterminatedQuote, file: file, line: fieldStartLine, column: fieldIndex + 1,
                            "quoted field is not closed before the end of the file")
        }
        inQuotes = false; quotePending = false
        if fieldIndex > 0 || fieldQuoted || !cell.isBlank {
            try endField()
            try endRecord()
        }
        guard resolved else { throw DataError(.emptyFile, file: file, "the file is empty (no records)") }
        guard rowCount > 0 else {
            if dropped > 0 {
                throw DataError(.noDataRows, file: file,
                                "all \(dropped) data rows hold NaN/Inf in a used column and were dropped")
            }
            throw DataError(.noDataRows, file: file, "the file has a header line but no data rows")
        }
        return CSVTable(
            features: Matrix(rows: rowCount, cols: featureIndices.count, elements: xs),
            targets: Matrix(rows: rowCount, cols: targetIndices.count, elements: ys),
            featureNames: featureIndices.map { names[$0] },
            targetNames: targetIndices.map { names[$0] },
            droppedRows: dropped)
    }

    // MARK: Fields and records

    private mutating func endField() throws {
        let j = fieldIndex
        fieldIndex += 1
        if !resolved {
            firstFields.append(cell.bytes)
        } else if j < columnCount && used[j] {
            try store(column: j, line: fieldStartLine)
        }
        cell.removeAll()
        fieldQuoted = false
        fieldStartLine = line
    }

    /// Parses the cell into `row[column]`, or throws naming the line and the 1-based field.
    private mutating func store(column j: Int, line: Int) throws {
        let p = parse
        guard let v = p(&cell) else {
            let text = cell.string
            let what = text.allSatisfy { $0 == " " || $0 == "\t" }
                ? "empty cell" : "cell \"\(truncatedForMessage(text))\""
            throw DataError(.nonNumeric, file: file, line: line, column: j + 1,
                            "\(what) in column \(columnLabel(j)) is not a number")
        }
        if !v.isFinite {
            if options.nonFinite == .error {
                throw DataError(.nonFinite, file: file, line: line, column: j + 1,
                                "value \(truncatedForMessage(cell.string)) in column \(columnLabel(j)) is not finite (NaN/Inf rows may be dropped with the drop-rows option)")
            }
            rowHasNonFinite = true
        }
        row[j] = v
    }

    private mutating func endRecord() throws {
        defer { fieldIndex = 0; rowHasNonFinite = false }
        if !resolved {
            try resolveFirstRecord()
            if hasHeader { return }
        } else if fieldIndex != columnCount {
            throw DataError(.raggedRow, file: file, line: recordStartLine,
                            "row has \(fieldIndex) field\(fieldIndex == 1 ? "" : "s"), expected \(columnCount) like the first line")
        }
        if rowHasNonFinite { dropped += 1; return }
        for j in featureIndices { xs.append(row[j]) }
        for j in targetIndices { ys.append(row[j]) }
        rowCount += 1
    }

    private func columnLabel(_ j: Int) -> String { hasHeader ? "\"\(names[j])\"" : "\(j)" }

    // MARK: The first record: header detection and column selection

    private mutating func resolveFirstRecord() throws {
        columnCount = firstFields.count
        switch options.header {
        case .present: hasHeader = true
        case .absent: hasHeader = false
        case .auto:
            hasHeader = false
            let p = parse
            for bytes in firstFields {
                cell.removeAll(); cell.append(contentsOf: bytes)
                if p(&cell) == nil { hasHeader = true; break }
            }
        }
        names = hasHeader
            ? firstFields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
            : (0..<columnCount).map { "column \($0)" }

        targetIndices = try options.targetColumns.map { try index(of: $0, role: "target") }
        try checkDistinct(targetIndices, role: "target")
        if let chosen = options.featureColumns {
            featureIndices = try chosen.map { try index(of: $0, role: "feature") }
            try checkDistinct(featureIndices, role: "feature")
            if let both = featureIndices.first(where: targetIndices.contains) {
                throw DataError(.duplicateColumn, file: file,
                                "column \(columnLabel(both)) is chosen both as a feature and as a target")
            }
        } else {
            featureIndices = (0..<columnCount).filter { !targetIndices.contains($0) }
        }
        used = [Bool](repeating: false, count: columnCount)
        for j in featureIndices + targetIndices { used[j] = true }
        row = [Scalar](repeating: 0, count: columnCount)
        resolved = true

        if !hasHeader {
            let fields = firstFields
            for (j, bytes) in fields.enumerated() where used[j] {
                cell.removeAll(); cell.append(contentsOf: bytes)
                try store(column: j, line: recordStartLine)
            }
        }
        firstFields = []
        cell.removeAll()
    }

    private func index(of column: CSVColumn, role: String) throws -> Int {
        switch column {
        case .last:
            return columnCount - 1
        case .index(let i):
            guard i >= 0 && i < columnCount else {
                throw DataError(.columnOutOfRange, file: file,
                                "\(role) column index \(i) is out of range: the file has \(columnCount) column\(columnCount == 1 ? "" : "s") (indices 0–\(columnCount - 1))")
            }
            return i
        case .name(let n):
            guard hasHeader else {
                throw DataError(.missingColumn, file: file,
                                "\(role) column \"\(n)\" is chosen by name, but the file has no header line; choose it by 0-based index")
            }
            guard let j = names.firstIndex(of: n) else {
                let shown = names.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ")
                throw DataError(.missingColumn, file: file,
                                "no \(role) column named \"\(n)\"; the columns are \(shown)\(names.count > 20 ? ", …" : "")")
            }
            return j
        }
    }

    private func checkDistinct(_ indices: [Int], role: String) throws {
        var seen = Set<Int>()
        for j in indices where !seen.insert(j).inserted {
            throw DataError(.duplicateColumn, file: file, "column \(columnLabel(j)) is chosen twice as a \(role)")
        }
    }
}
