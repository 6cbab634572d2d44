#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LinearAlgebra

/// Reads numeric CSV files into feature and target matrices.
///
/// The file is streamed in 1 MiB chunks. A field that lies whole in a chunk and holds no quote
/// character is taken in place: a used cell is parsed by `DecimalParser` (exact integer
/// arithmetic, the same correctly rounded value as `strtod`/`strtof`) and stored straight into the
/// output matrix. Everything else (quoted fields, fields across a chunk boundary, numbers outside
/// `DecimalParser`'s range, bad cells) goes through a byte-level state machine into a reused cell
/// buffer and is parsed by `strtod`/`strtof` (see `NumberParsing.swift`), so values round-trip
/// exactly as `Double(String)`/`Float(String)` would, and errors name the line and field. No
/// `String` is made per line or per cell. Blank lines are skipped anywhere (so a trailing newline is
/// fine); CRLF and lone CR line ends are accepted, as is a leading UTF-8 byte-order mark; columns
/// that are neither features nor targets are never parsed (they may hold text).
///
/// Rows go straight into the matrices' storage, sized from the file's length (an upper bound on
/// the row count whose unused tail is never touched, so it costs address space, not memory), so
/// peak memory is the matrices themselves. The `visitingRows` variant hands each block of finished
/// rows to the caller (as `NPYFile` does: in order, every block but the last a multiple of 64 rows)
/// while they are in cache.
public enum CSVReader {
    /// The callback of `read(_:as:options:visitingRows:)` (see `NPYFile.RowVisitor`).
    public typealias RowVisitor<Scalar: BLASScalar> = NPYFile.RowVisitor<Scalar>

    /// Reads the file at `url` into features and targets as `options` say; problems are `DataError`s with the
    /// line and column.
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self,
                                                options: CSVOptions = CSVOptions()) throws -> CSVTable<Scalar> {
        try read(url, as: Scalar.self, options: options, visitingRows: { _, _, _ in })
    }

    // The generic entry checks the scalar type at run time and jumps to these specialisations;
    // callers in other modules would otherwise run the unspecialised parser (about half as fast).
    /// `read(_:as:options:)`, handing each block of finished rows to `visit` while they are in cache.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self,
                                                options: CSVOptions = CSVOptions(),
                                                visitingRows visit: RowVisitor<Scalar>) throws -> CSVTable<Scalar> {
        let path = url.path
        let fd = try InputFile.open(path)
        defer { close(fd) }
        var info = stat()
        let size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        var parser = CSVParser<Scalar>(file: path, options: options, sizeHint: size)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        while true {
            let n = Glibc.read(fd, chunk.baseAddress, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, file: path, "read failed: \(errnoDescription())")
            }
            if n == 0 { break }
            try parser.consume(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            try parser.visitRows(final: false, visit)
        }
        return try parser.finish(visit)
    }

    /// Where data row `row` (0-based, counting the rows `read` keeps with these options) is: its
    /// 1-based line and the 1-based field of its first target column (of its first feature column
    /// when `options` names no target). For messages about a value found wrong after reading (a
    /// class label, say); reads the file again, so it is for the error path. Nil when the file no
    /// longer reads or has fewer rows.
    public static func location(ofRow row: Int, in url: URL, options: CSVOptions) -> (line: Int, column: Int)? {
        var parser = CSVParser<Double>(file: url.path, options: options)
        parser.watchedRow = row
        guard let fd = try? InputFile.open(url.path) else { return nil }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        while parser.watchedLine == nil {
            let n = Glibc.read(fd, chunk.baseAddress, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            guard (try? parser.consume(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))) != nil else { return nil }
        }
        if parser.watchedLine == nil { _ = try? parser.finish { _, _, _ in } }
        return parser.watchedLine.map { ($0, parser.watchedColumn) }
    }
}

func errnoDescription(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// Row-major storage that grows by whole rows inside one `Matrix` block, so the finished matrix is
/// a window on it (no copy). Rows beyond those written are never touched: the kernel maps memory
/// on first touch, so spare capacity costs address space, not memory.
struct RowStorage<Scalar: BLASScalar> {
    private(set) var matrix: Matrix<Scalar>
    /// The block's first element (stable: `matrix` is never mutated or shared while filling).
    private(set) var base: UnsafeMutablePointer<Scalar>
    let cols: Int
    private(set) var capacity: Int

    /// nil when the memory cannot be had. The elements are left uninitialised (trivial scalars;
    /// only rows that have been written are ever read).
    init?(cols: Int, capacity: Int) {
        var start: UnsafeMutablePointer<Scalar>? = nil
        guard let m = Matrix<Scalar>(tryingRows: capacity, cols: cols, initializingWith: { start = $0.baseAddress }),
              let start else { return nil }
        matrix = m; base = start; self.cols = cols; self.capacity = capacity
    }

    /// Moves the first `rows` rows into a block of `capacity` rows; false when it cannot be had.
    mutating func grow(keeping rows: Int, capacity: Int) -> Bool {
        guard let bigger = RowStorage(cols: cols, capacity: capacity) else { return false }
        bigger.base.initialize(from: base, count: rows * cols)
        self = bigger
        return true
    }

    func finished(rows: Int) -> Matrix<Scalar> { matrix.rows(0..<rows) }
}

/// The CSV state machine; one instance reads one file.
///
/// Bounded by the limits below, so a file that is not CSV (a binary file, a cell with no end) is an
/// error naming the line and column rather than unbounded memory.
struct CSVParser<Scalar: BLASScalar>: ~Copyable {
    /// The longest cell, in bytes.
    static var maximumCellBytes: Int { 1 << 20 }
    /// The longest record (line), in bytes.
    static var maximumRecordBytes: Int { 1 << 28 }
    /// The most fields in a record.
    static var maximumColumns: Int { 1 << 20 }

    /// Bytes of the current record so far (whole fields and their separators).
    private var recordBytes = 0
    private let file: String
    private let options: CSVOptions
    private let delimiter: UInt8
    private let quote: UInt8
    private let parse: (inout CellBuffer) -> Scalar?
    private let sizeHint: Int?
    /// Whether `DecimalParser` may take cells in place: not when the delimiter or the quote is a
    /// character a number can hold (the byte machine must then see every byte).
    private let numbersInPlace: Bool

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
    /// Where each column's value goes: feature k → k, target k → −(k + 1), unused → `unused`.
    private var slots: [Int] = []
    private static var unused: Int { Int.min }
    private var rowHasNonFinite = false
    private var rowHasMissing = false
    /// Feature slots of the current row's empty cells kept as NaN (`MissingPolicy.keepAsNaN`),
    /// counted into `missingCounts` when the row is kept.
    private var rowMissingSlots: [Int] = []
    private var missingCounts: [Int] = []
    private var droppedForMissing = 0
    /// Whether the last target column is `options.weightColumn` (split off at the end).
    private var hasWeightColumn = false
    /// `CSVReader.location`: the row to find, and the line it starts on once found.
    var watchedRow = -1
    private(set) var watchedLine: Int? = nil
    /// The 1-based field of the first target column (or feature column, without targets).
    var watchedColumn: Int { (targetIndices.first ?? featureIndices.first ?? 0) + 1 }
    /// How many leading columns were left out as pandas' index (`IndexColumnPolicy.skip`).
    private var skippedIndexColumns = 0
    private var xs: RowStorage<Scalar>? = nil
    private var ys: RowStorage<Scalar>? = nil
    /// The current row of each matrix (row `rowCount`, being filled).
    private var xRow: UnsafeMutablePointer<Scalar>? = nil
    private var yRow: UnsafeMutablePointer<Scalar>? = nil
    private var rowCount = 0
    private var visited = 0
    private var dropped = 0

    init(file: String, options: CSVOptions, sizeHint: Int? = nil) {
        self.file = file
        self.options = options
        self.sizeHint = sizeHint
        delimiter = options.delimiter.asciiValue!
        quote = options.quote.asciiValue!
        parse = cParser(for: Scalar.self)
        let numberBytes = Array("0123456789+-.eE".utf8)
        numbersInPlace = !numberBytes.contains(delimiter) && !(numberBytes + [0x20, 0x09]).contains(quote)
    }

    mutating func consume(_ chunk: UnsafeRawBufferPointer) throws {
        guard let raw = chunk.baseAddress, chunk.count > 0 else { return }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let n = chunk.count
        var i = 0
        if atFileStart {
            atFileStart = false
            if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }   // UTF-8 byte-order mark
        }
        while i < n {
            if resolved && cell.count == 0 && !inQuotes && !fieldQuoted && !skipLF, let next = try field(p, from: i, to: n) {
                i = next
                continue
            }
            try step(p[i])
            i += 1
        }
    }

    /// One whole unquoted field starting at `i` and its terminator, taken in place; nil (nothing
    /// consumed) when the field is not whole in the chunk or holds a quote: the byte machine
    /// takes it.
    @inline(__always)
    private mutating func field(_ p: UnsafePointer<UInt8>, from i: Int, to n: Int) throws -> Int? {
        let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        let j = fieldIndex
        let slot = j < columnCount ? slots[j] : Self.unused
        var k = i
        var value: Scalar? = nil
        if slot != Self.unused && numbersInPlace,
           let (v, next) = DecimalParser.parse(p, from: i, to: n, as: Scalar.self, delimiter: delimiter), next < n,
           p[next] == delimiter || p[next] == lf || p[next] == cr {
            value = v; k = next
        } else {
            while k < n {
                let b = p[k]
                if b == delimiter || b == lf || b == cr || b == quote { break }
                k += 1
            }
            if k == n || p[k] == quote { return nil }
        }
        let b = p[k]
        if b != delimiter && fieldIndex == 0 && value == nil && Self.isBlank(p, i, k) {
            // A blank line.
        } else {
            try account(fieldBytes: k - i)
            if slot != Self.unused {
                if let value { put(value, slot) } else {
                    cell.append(p + i, count: k - i)
                    try store(column: j, line: fieldStartLine)
                    cell.removeAll()
                }
            }
            fieldIndex += 1
            fieldStartLine = line
            if b == delimiter { return k + 1 }
            try endRecord()
        }
        line += 1
        fieldStartLine = line
        recordStartLine = line
        if b == cr {
            if k + 1 < n { return p[k + 1] == lf ? k + 2 : k + 1 }
            skipLF = true
        }
        return k + 1
    }

    @inline(__always)
    private static func isBlank(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to { if p[i] != 0x20 && p[i] != 0x09 { return false }; i += 1 }
        return true
    }

    /// One byte through the state machine.
    private mutating func step(_ b: UInt8) throws {
        let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        if skipLF {
            skipLF = false
            if b == lf { return }
        }
        if inQuotes {
            if quotePending {
                quotePending = false
                if b == quote { try append(b); return }
                inQuotes = false            // the quote closed the field; handle `b` below
            } else {
                if b == quote { quotePending = true; return }
                if b == lf { line += 1 }
                try append(b)
                return
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
            try append(b)
        }
    }

    /// Appends a byte to the cell being read, refusing a cell longer than `maximumCellBytes`.
    @inline(__always)
    private mutating func append(_ b: UInt8) throws {
        guard cell.count < Self.maximumCellBytes else {
            throw DataError(.invalidValue, file: file, line: fieldStartLine, column: fieldIndex + 1,
                            "a cell longer than \(Self.maximumCellBytes) bytes (is this a CSV file?)")
        }
        cell.append(b)
    }

    /// Counts a finished field of `fieldBytes` bytes (and its separator) against the record's and
    /// the column limits.
    @inline(__always)
    private mutating func account(fieldBytes: Int) throws {
        recordBytes += fieldBytes + 1
        guard recordBytes <= Self.maximumRecordBytes else {
            throw DataError(.invalidValue, file: file, line: recordStartLine, column: fieldIndex + 1,
                            "a line longer than \(Self.maximumRecordBytes) bytes (is this a CSV file?)")
        }
        guard fieldIndex < Self.maximumColumns else {
            throw DataError(.invalidValue, file: file, line: recordStartLine, column: fieldIndex + 1,
                            "a line with more than \(Self.maximumColumns) fields")
        }
    }

    /// Hands the rows finished since the last call to `visit`: a multiple of 64 of them, or all
    /// of them when `final`.
    mutating func visitRows(final: Bool, _ visit: CSVReader.RowVisitor<Scalar>) throws {
        let limit = final ? rowCount : rowCount / 64 * 64
        guard limit > visited, let xs, let ys else { return }
        try visit(visited..<limit, MatrixView(xs.base + visited * xs.cols, rows: limit - visited, cols: xs.cols),
                  MatrixView(ys.base + visited * ys.cols, rows: limit - visited, cols: ys.cols))
        visited = limit
    }

    mutating func finish(_ visit: CSVReader.RowVisitor<Scalar>) throws -> CSVTable<Scalar> {
        if inQuotes && !quotePending {
            throw DataError(.unterminatedQuote, file: file, line: fieldStartLine, column: fieldIndex + 1,
                            "quoted field is not closed before the end of the file")
        }
        inQuotes = false; quotePending = false
        if fieldIndex > 0 || fieldQuoted || !cell.isBlank {
            try endField()
            try endRecord()
        }
        guard resolved, let xs, let ys else { throw DataError(.emptyFile, file: file, "the file is empty (no records)") }
        guard rowCount > 0 else {
            if dropped > 0 {
                let why = droppedForMissing == dropped ? "an empty cell" : droppedForMissing == 0 ? "NaN/Inf" : "NaN/Inf or an empty cell"
                throw DataError(.noDataRows, file: file,
                                "all \(dropped) data rows hold \(why) in a used column and were dropped")
            }
            throw DataError(.noDataRows, file: file, "the file has a header line but no data rows")
        }
        try visitRows(final: true, visit)
        var targets = ys.finished(rows: rowCount)
        var targetNames = targetIndices.map { names[$0] }
        var weights: [Scalar]? = nil
        if hasWeightColumn {
            let k = targets.cols - 1
            weights = (0..<rowCount).map { targets[$0, k] }
            targets = Matrix(rows: rowCount, cols: k) { i, j in targets[i, j] }
            targetNames.removeLast()
        }
        var table = CSVTable(
            features: xs.finished(rows: rowCount),
            targets: targets,
            featureNames: featureIndices.map { names[$0] },
            targetNames: targetNames,
            droppedRows: dropped)
        table.droppedForMissing = droppedForMissing
        table.missingCounts = missingCounts.contains { $0 > 0 } ? missingCounts : []
        table.skippedIndexColumns = skippedIndexColumns
        table.weights = weights
        return table
    }

    // MARK: Fields and records

    private mutating func endField() throws {
        try account(fieldBytes: cell.count)
        let j = fieldIndex
        fieldIndex += 1
        if !resolved {
            firstFields.append(cell.bytes)
        } else if j < columnCount && slots[j] != Self.unused {
            try store(column: j, line: fieldStartLine)
        }
        cell.removeAll()
        fieldQuoted = false
        fieldStartLine = line
    }

    /// Parses the cell into the current row, or throws naming the line and the 1-based field.
    private mutating func store(column j: Int, line: Int) throws {
        let p = parse
        guard let v = p(&cell) else {
            let text = cell.string
            guard !text.allSatisfy({ $0 == " " || $0 == "\t" }) else { return try storeMissing(column: j, line: line) }
            throw DataError(.nonNumeric, file: file, line: line, column: j + 1,
                            "cell \"\(truncatedForMessage(text))\" in column \(columnLabel(j)) is not a number")
        }
        if !v.isFinite {
            if options.nonFinite == .error {
                throw DataError(.nonFinite, file: file, line: line, column: j + 1,
                                "value \(truncatedForMessage(cell.string)) in column \(columnLabel(j)) is not finite (NaN/Inf rows may be dropped with the drop-rows option)")
            }
            rowHasNonFinite = true
        }
        put(v, slots[j])
    }

    /// An empty cell in used column `j`, by `options.missing`.
    private mutating func storeMissing(column j: Int, line: Int) throws {
        let slot = slots[j]
        let role = slot >= 0 ? "column" : hasWeightColumn && -(slot + 1) == targetIndices.count - 1 ? "sample-weight column" : "target column"
        switch options.missing {
        case .error:
            throw DataError(.missingValue, file: file, line: line, column: j + 1,
                            "empty cell in \(role) \(columnLabel(j)) (a missing value)")
        case .dropRows:
            rowHasMissing = true
            put(0, slot)
        case .keepAsNaN:
            guard slot >= 0 else {
                throw DataError(.missingValue, file: file, line: line, column: j + 1,
                                "empty cell in \(role) \(columnLabel(j)): a missing \(role == "target column" ? "target" : "weight") cannot be filled (drop such rows instead)")
            }
            rowMissingSlots.append(slot)
            put(.nan, slot)
        }
    }

    @inline(__always)
    private func put(_ v: Scalar, _ slot: Int) {
        if slot >= 0 { xRow![slot] = v } else { yRow![-(slot + 1)] = v }
    }

    private mutating func endRecord() throws {
        defer { fieldIndex = 0; rowHasNonFinite = false; rowHasMissing = false; rowMissingSlots.removeAll(keepingCapacity: true); recordBytes = 0 }
        if !resolved {
            try resolveFirstRecord()
            if hasHeader { return }
        } else if fieldIndex != columnCount {
            throw DataError(.raggedRow, file: file, line: recordStartLine,
                            "row has \(fieldIndex) field\(fieldIndex == 1 ? "" : "s"), expected \(columnCount) like the first line")
        }
        if rowHasNonFinite || rowHasMissing {
            dropped += 1
            if rowHasMissing { droppedForMissing += 1 }
            return
        }
        for slot in rowMissingSlots { missingCounts[slot] += 1 }
        if rowCount == watchedRow { watchedLine = recordStartLine }
        rowCount += 1
        try reserveRow()
    }

    /// Makes room for row `rowCount` and points `xRow`/`yRow` at it.
    private mutating func reserveRow() throws {
        if xs == nil || ys == nil {
            // At most one record per (columns + used columns) bytes: every record but the last
            // ends in a line break, fields are separated by delimiters, and a used cell that parses
            // has at least one byte.
            let minimum = max(1, columnCount + featureIndices.count + targetIndices.count)
            var capacity = sizeHint.map { $0 / minimum + 2 } ?? (1 << 12)
            xs = RowStorage(cols: featureIndices.count, capacity: capacity)
            ys = RowStorage(cols: targetIndices.count, capacity: capacity)
            if xs == nil || ys == nil {
                capacity = min(capacity, 1 << 12)
                xs = RowStorage(cols: featureIndices.count, capacity: capacity)
                ys = RowStorage(cols: targetIndices.count, capacity: capacity)
            }
            guard xs != nil && ys != nil else { throw outOfMemory(capacity) }
        } else if rowCount == xs!.capacity {
            let capacity = 2 * xs!.capacity
            guard xs!.grow(keeping: rowCount, capacity: capacity), ys!.grow(keeping: rowCount, capacity: capacity) else {
                throw outOfMemory(capacity)
            }
        }
        xRow = xs!.base + rowCount * xs!.cols
        yRow = ys!.base + rowCount * ys!.cols
    }

    private func outOfMemory(_ rows: Int) -> DataError {
        DataError(.io, file: file, "cannot allocate memory for \(rows) rows of \(featureIndices.count + targetIndices.count) columns")
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
        var ignored = try options.ignoredColumns.map { try index(of: $0, role: "ignored") }
        try checkDistinct(ignored, role: "ignored column")
        if let both = ignored.first(where: targetIndices.contains) {
            throw DataError(.duplicateColumn, file: file, "column \(columnLabel(both)) is chosen both as a target and as ignored")
        }
        if let w = options.weightColumn {
            let j = try index(of: w, role: "sample-weight")
            if targetIndices.contains(j) || ignored.contains(j) {
                throw DataError(.duplicateColumn, file: file, "column \(columnLabel(j)) is chosen both as the sample-weight column and as \(targetIndices.contains(j) ? "a target" : "ignored")")
            }
            targetIndices.append(j)
            hasWeightColumn = true
        }
        // pandas' unnamed index columns (one more each time a frame is read back with its index and
        // written again): left out unless chosen as a feature, a target or the model's feature.
        if hasHeader && options.indexColumn == .skip {
            let chosen = try Set(options.featureColumns?.map { try index(of: $0, role: "feature") } ?? [])
            var j = 0
            while j < columnCount - 1 && Self.isPandasIndexName(names[j]) && !targetIndices.contains(j) && !ignored.contains(j)
                    && !chosen.contains(j) && !(options.featureColumns == nil && (options.modelFeatureNames?.contains(names[j]) ?? false)) {
                ignored.append(j)
                j += 1
            }
            if j > 0 { skippedIndexColumns = j }
        }
        if let chosen = options.featureColumns {
            featureIndices = try chosen.map { try index(of: $0, role: "feature") }
            try checkDistinct(featureIndices, role: "feature")
            if let both = featureIndices.first(where: targetIndices.contains) {
                throw DataError(.duplicateColumn, file: file,
                                "column \(columnLabel(both)) is chosen both as a feature and as \(hasWeightColumn && both == targetIndices.last ? "the sample-weight column" : "a target")")
            }
            if let both = featureIndices.first(where: ignored.contains) {
                throw DataError(.duplicateColumn, file: file, "column \(columnLabel(both)) is chosen both as a feature and as ignored")
            }
        } else {
            featureIndices = (0..<columnCount).filter { !targetIndices.contains($0) && !ignored.contains($0) }
            if hasHeader, let model = options.modelFeatureNames, !model.isEmpty {
                let found = model.map { names.firstIndex(of: $0) }
                if found.allSatisfy({ $0 != nil }) {
                    featureIndices = found.map { $0! }
                    if let both = featureIndices.first(where: { targetIndices.contains($0) || ignored.contains($0) }) {
                        throw DataError(.duplicateColumn, file: file, "column \(columnLabel(both)) is a feature of the model but is chosen as a \(targetIndices.contains(both) ? "target" : "column to ignore")")
                    }
                } else if featureIndices.count != model.count, let k = found.firstIndex(where: { $0 == nil }) {
                    throw DataError(.missingColumn, file: file,
                                    "the model's feature \"\(model[k])\" is not a column of the file, and its other columns are \(featureIndices.count), not the model's \(model.count)")
                }
            }
        }
        missingCounts = [Int](repeating: 0, count: featureIndices.count)
        slots = [Int](repeating: Self.unused, count: columnCount)
        for (k, j) in featureIndices.enumerated() { slots[j] = k }
        for (k, j) in targetIndices.enumerated() { slots[j] = -(k + 1) }
        try reserveRow()
        resolved = true

        if !hasHeader {
            let fields = firstFields
            for (j, bytes) in fields.enumerated() where slots[j] != Self.unused {
                cell.removeAll(); cell.append(contentsOf: bytes)
                try store(column: j, line: recordStartLine)
            }
        }
        firstFields = []
        cell.removeAll()
    }

    /// "" (pandas' unnamed index) or "Unnamed: k" (how pandas names it once read back).
    static func isPandasIndexName(_ name: String) -> Bool {
        if name.isEmpty { return true }
        guard name.hasPrefix("Unnamed: ") else { return false }
        let rest = name.dropFirst("Unnamed: ".count)
        return !rest.isEmpty && rest.allSatisfy { $0.isASCII && $0.isNumber }
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
