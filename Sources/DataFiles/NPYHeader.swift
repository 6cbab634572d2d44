/// The header of a NumPy `.npy` file (format versions 1.0, 2.0, 3.0).
///
/// Layout: the magic `\x93NUMPY`, major and minor version bytes, the header length (little-endian
/// `UInt16` in version 1, `UInt32` in versions 2 and 3), then a Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a final
/// newline so the data starts on a 64-byte boundary; the C-ordered payload follows.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY

    /// Python's spelling of the shape: `(3,)`, `(3, 4)`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    var shapeText: String { Self.shapeText(shape) }

    /// The dict literal, padded with spaces and ended by a newline so that `prefix + text` is a
    /// multiple of 64 bytes.
    func dictionaryText(prefixLength: Int) -> String {
        var text = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let total = prefixLength + text.utf8.count + 1
        text += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        return text
    }

    /// Parses the dict literal; `fail` builds the error to throw with a reason.
    static func parse(_ text: String, fail: (String) -> DataError) throws -> NPYHeader {
        var p = LiteralScanner(Array(text.utf8))
        var descr: String?, fortran: Bool?, shape: [Int]?
        guard p.take("{") else { throw fail("header is not a Python dict: \(truncatedForMessage(text, limit: 60))") }
        while !p.take("}") {
            guard let key = p.string() else { throw fail("expected a quoted key in the header \(truncatedForMessage(text, limit: 60))") }
            guard p.take(":") else { throw fail("expected ':' after '\(key)' in the header") }
            switch key {
            case "descr":
                guard let v = p.string() else { throw fail("'descr' is not a simple dtype string (structured dtypes are not supported)") }
                descr = v
            case "fortran_order":
                if p.word("True") { fortran = true } else if p.word("False") { fortran = false }
                else { throw fail("'fortran_order' is neither True nor False") }
            case "shape":
                guard let v = p.intTuple() else { throw fail("'shape' is not a tuple of integers") }
                shape = v
            default:
                throw fail("unexpected key '\(key)' in the header")
            }
            _ = p.take(",")
        }
        guard let descr, let fortran, let shape else {
            throw fail("header lacks one of 'descr', 'fortran_order', 'shape'")
        }
        return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }
}

/// A tiny scanner for the subset of Python literals that `.npy` headers use.
private struct LiteralScanner {
    let bytes: [UInt8]
    var i = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() { while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09) { i += 1 } }

    mutating func take(_ c: Character) -> Bool {
        skipSpace()
        guard i < bytes.count && bytes[i] == c.asciiValue! else { return false }
        i += 1
        return true
    }

    mutating func word(_ w: String) -> Bool {
        skipSpace()
        let u = Array(w.utf8)
        guard i + u.count <= bytes.count && Array(bytes[i..<(i + u.count)]) == u else { return false }
        i += u.count
        return true
    }

    mutating func string() -> String? {
        skipSpace()
        guard i < bytes.count, bytes[i] == 0x27 || bytes[i] == 0x22 else { return nil }
        let q = bytes[i]
        var j = i + 1
        while j < bytes.count && bytes[j] != q { j += 1 }
        guard j < bytes.count else { return nil }
        defer { i = j + 1 }
        return String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
    }

    mutating func intTuple() -> [Int]? {
        guard take("(") else { return nil }
        var values: [Int] = []
        while !take(")") {
            skipSpace()
            var j = i
            while j < bytes.count && bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
            guard j > i, let v = Int(String(decoding: bytes[i..<j], as: UTF8.self)) else { return nil }
            values.append(v)
            i = j
            _ = take("L")   // Python 2 long suffix
            _ = take(",")
        }
        return values
    }
}
