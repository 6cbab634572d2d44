#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LinearAlgebra

/// Reads svmlight / libsvm text files into a `SparseMatrix` and labels, with scikit-learn's
/// `load_svmlight_file` semantics.
///
/// Format, one sample a line: `label [qid:N] index:value index:value … [# comment]`. Tokens are
/// separated by spaces, tabs, CR, VT or FF; everything from the first `#` on a line is a comment;
/// lines with no tokens are skipped. A `qid:N` right after the label is ignored. Indices must
/// increase strictly within a line (sklearn's "sorted and unique" rule) and are 0- or 1-based
/// (`SVMLightOptions.IndexBase`). With `multilabel` the label is a comma-separated list, and a
/// line whose first token holds a `:` has no labels.
///
/// Errors are `DataError`s with `line` the 1-based physical line and `column` the 1-based *token*
/// number on it (the label is token 1, the first `index:value` pair token 2, a `qid:N` counts).
/// Unlike sklearn, non-finite values and labels (`nan`, `inf`, overflowing numbers) are errors,
/// and Python-only number spellings (`1_000`) are not accepted. Numbers are parsed to exactly
/// `Double(String)`/`Float(String)` (`DecimalParser`, else `strtod`/`strtof`): for `Float`, one
/// rounding from the text, where sklearn with `dtype=np.float32` rounds through `float64`.
/// An empty file gives a matrix with no rows.
///
/// The file is streamed in 1 MiB chunks; lines are parsed in place (a line across a chunk
/// boundary is moved to the front of the buffer, which grows for a line longer than itself).
public enum SVMLightReader {
    /// Reads the svmlight file at `url`, streaming it in chunks.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self,
                                                options: SVMLightOptions = SVMLightOptions()) throws -> SVMLightData<Scalar> {
        let path = url.path
        let fd = try InputFile.open(path)
        defer { close(fd) }
        var parser = SVMLightParser<Scalar>(file: path, options: options)
        var capacity = 1 << 20
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var held = 0
        while true {
            if held == capacity {   // one line fills the buffer: make room
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
                bigger.update(from: buffer, count: held)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = Glibc.read(fd, buffer + held, capacity - held)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, file: path, "read failed: \(errnoDescription())")
            }
            if n == 0 { break }
            let total = held + n
            var last = total - 1
            while last >= held && buffer[last] != 0x0A { last -= 1 }
            if last < held { held = total; continue }
            try parser.consume(buffer, count: last + 1)
            held = total - last - 1
            if held > 0 { buffer.update(from: buffer + last + 1, count: held) }
        }
        if held > 0 { try parser.consume(buffer, count: held) }
        return try parser.finish()
    }

    /// Parses svmlight text held in memory (`file` names it in errors); as `read`.
    public static func parse<Scalar: BLASScalar>(_ bytes: UnsafeRawBufferPointer, file: String, as _: Scalar.Type = Scalar.self,
                                                 options: SVMLightOptions = SVMLightOptions()) throws -> SVMLightData<Scalar> {
        var parser = SVMLightParser<Scalar>(file: file, options: options)
        if let base = bytes.baseAddress, bytes.count > 0 {
            try parser.consume(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        return try parser.finish()
    }
}

/// The line parser behind `SVMLightReader`: lines go in (whole ones, in order), CSR arrays grow.
struct SVMLightParser<Scalar: BLASScalar>: ~Copyable {
    let file: String
    let options: SVMLightOptions
    /// The 1-based number of the next line to parse.
    var line = 1
    var rowStarts: [Int] = [0]
    var indices: [Int32] = []
    var values: [Scalar] = []
    var labels: [Scalar] = []
    var labelLists: [[Scalar]] = []
    var minimumIndex = Int.max
    var maximumIndex = -1
    var maximumAt = (line: 0, column: 0)
    /// For numbers `DecimalParser` leaves to the C library (a NUL-terminated copy).
    var cell = CellBuffer()
    let cParse: (inout CellBuffer) -> Scalar?

    init(file: String, options: SVMLightOptions) {
        self.file = file; self.options = options
        cParse = cParser(for: Scalar.self)
    }

    /// Parses `count` bytes of whole lines (the last may lack its newline).
    mutating func consume(_ p: UnsafePointer<UInt8>, count n: Int) throws {
        var start = 0
        while start < n {
            var end = start
            while end < n && p[end] != 0x0A { end += 1 }
            try parseLine(p, from: start, to: end)
            line += 1
            start = end + 1
        }
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    private func fail(_ kind: DataError.Kind, _ column: Int, _ message: String) -> DataError {
        DataError(kind, file: file, line: line, column: column, message)
    }

    private func text(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> String {
        truncatedForMessage(String(decoding: UnsafeBufferPointer(start: p + a, count: b - a), as: UTF8.self))
    }

    mutating func parseLine(_ p: UnsafePointer<UInt8>, from lineStart: Int, to lineEnd: Int) throws {
        var end = lineStart
        while end < lineEnd && p[end] != UInt8(ascii: "#") { end += 1 }   // a comment runs to the line end
        var i = lineStart
        while i < end && Self.isSpace(p[i]) { i += 1 }
        if i == end { return }
        var token = 1
        var tokenEnd = i
        while tokenEnd < end && !Self.isSpace(p[tokenEnd]) { tokenEnd += 1 }

        // The label(s).
        var labelIsFeature = false
        if options.multilabel {
            var hasColon = false
            for k in i..<tokenEnd where p[k] == UInt8(ascii: ":") { hasColon = true; break }
            if hasColon {
                labelLists.append([])
                labelIsFeature = true
            } else {
                var list: [Scalar] = []
                var a = i
                while true {
                    var b = a
                    while b < tokenEnd && p[b] != UInt8(ascii: ",") { b += 1 }
                    list.append(try label(p, a, b, token: token, whole: (i, tokenEnd)))
                    if b == tokenEnd { break }
                    a = b + 1
                }
                list.sort()
                labelLists.append(list)
            }
        } else {
            labels.append(try label(p, i, tokenEnd, token: token, whole: (i, tokenEnd)))
        }

        // The features.
        var previous = -1
        var first = true
        if !labelIsFeature { i = tokenEnd }
        while true {
            if !(labelIsFeature && first) {
                while i < end && Self.isSpace(p[i]) { i += 1 }
                if i == end { break }
                token += 1
                tokenEnd = i
                while tokenEnd < end && !Self.isSpace(p[tokenEnd]) { tokenEnd += 1 }
            }
            defer { first = false; i = tokenEnd }
            if first && tokenEnd - i >= 4 && p[i] == UInt8(ascii: "q") && p[i + 1] == UInt8(ascii: "i")
                && p[i + 2] == UInt8(ascii: "d") && p[i + 3] == UInt8(ascii: ":") {
                continue   // qid:N, ignored (sklearn reads it only with query_id=True)
            }
            var colon = i
            while colon < tokenEnd && p[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < tokenEnd else {
                throw fail(.invalidValue, token, "\"\(text(p, i, tokenEnd))\" is not an index:value pair")
            }
            let index = try featureIndex(p, i, colon, token: token)
            guard index > previous else {
                throw fail(.invalidValue, token, "feature index \(index) after \(previous): indices must increase within a line")
            }
            previous = index
            let value = try featureValue(p, colon + 1, tokenEnd, token: token, index: index)
            if index < minimumIndex { minimumIndex = index }
            if index > maximumIndex { maximumIndex = index; maximumAt = (line, token) }
            indices.append(Int32(index))
            values.append(value)
        }
        rowStarts.append(values.count)
    }

    /// The number in `p[a..<b]`, or nil when it is not one in full.
    private mutating func number(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> Scalar? {
        guard a < b else { return nil }
        if let (v, next) = DecimalParser.parse(p, from: a, to: b, as: Scalar.self), next == b { return v }
        for k in a..<b where p[k] == UInt8(ascii: "x") || p[k] == UInt8(ascii: "X") || Self.isSpace(p[k]) { return nil }   // no hexadecimal floats
        cell.removeAll()
        cell.append(p + a, count: b - a)
        return cParse(&cell)
    }

    private mutating func label(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, token: Int, whole: (Int, Int)) throws -> Scalar {
        guard let v = number(p, a, b) else {
            let inList = whole != (a, b) ? " in \"\(text(p, whole.0, whole.1))\"" : ""
            throw fail(.nonNumeric, token, "label \"\(text(p, a, b))\"\(inList) is not a number")
        }
        guard v.isFinite else { throw fail(.nonFinite, token, "label \(text(p, a, b)) is not finite") }
        return v
    }

    private func featureIndex(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, token: Int) throws -> Int {
        var k = a
        var negative = false
        if k < b && (p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-")) { negative = p[k] == UInt8(ascii: "-"); k += 1 }
        guard k < b else { throw fail(.invalidValue, token, "feature index \"\(text(p, a, b))\" is not an integer") }
        var v = 0
        while k < b {
            let d = p[k] &- 0x30
            guard d <= 9 else { throw fail(.invalidValue, token, "feature index \"\(text(p, a, b))\" is not an integer") }
            v = v * 10 + Int(d)
            guard v <= Int(Int32.max) else { throw fail(.invalidValue, token, "feature index \(text(p, a, b)) is too large (at most \(Int32.max))") }
            k += 1
        }
        if negative && v != 0 { throw fail(.invalidValue, token, "feature index -\(v) is negative") }
        if v == 0 && options.indexBase == .oneBased {
            throw fail(.invalidValue, token, "feature index 0 in a 1-based file (read it as zero-based)")
        }
        return v
    }

    private mutating func featureValue(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, token: Int, index: Int) throws -> Scalar {
        guard let v = number(p, a, b) else {
            throw fail(.nonNumeric, token, "value \"\(text(p, a, b))\" of feature index \(index) is not a number")
        }
        guard v.isFinite else { throw fail(.nonFinite, token, "value \(text(p, a, b)) of feature index \(index) is not finite") }
        return v
    }

    /// The matrix and labels, with the index base resolved and the width checked.
    mutating func finish() throws -> SVMLightData<Scalar> {
        let zeroBased = switch options.indexBase {
        case .zeroBased: true
        case .oneBased: false
        case .auto: values.isEmpty || minimumIndex == 0
        }
        if !zeroBased { for k in indices.indices { indices[k] -= 1 } }
        let needed = maximumIndex < 0 ? 0 : maximumIndex + (zeroBased ? 1 : 0)
        var cols = needed
        if let count = options.featureCount {
            guard count >= 0 else { throw DataError(.invalidValue, file: file, "the feature count \(count) is negative") }
            guard needed <= count else {
                throw DataError(.columnOutOfRange, file: file, line: maximumAt.line, column: maximumAt.column,
                                "feature index \(maximumIndex) (\(zeroBased ? 0 : 1)-based) does not fit \(count) features")
            }
            cols = count
        }
        let rows = rowStarts.count - 1
        let features: SparseMatrix<Scalar>
        do {
            features = try SparseMatrix(rows: rows, cols: cols, rowStarts: rowStarts, columnIndices: indices, values: values)
        } catch {
            throw DataError(.invalidValue, file: file, error.description)
        }
        return SVMLightData(features: features, labels: labels, labelLists: labelLists, zeroBased: zeroBased)
    }
}
