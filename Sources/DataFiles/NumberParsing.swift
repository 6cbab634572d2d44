#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Parses a NUL-terminated C string the way the scalar's own `init?(_: String)` does: `strtod`
/// for `Double` and `strtof` for `Float` (the C routines Swift's initialisers call), so a cell
/// parses to exactly the value `Double(String)` / `Float(String)` would give, with one rounding.
protocol CNumberParsing {
    static func parseC(_ text: UnsafePointer<CChar>, _ end: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Self
}

extension Double: CNumberParsing {
    static func parseC(_ text: UnsafePointer<CChar>, _ end: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Double { strtod(text, end) }
}

extension Float: CNumberParsing {
    static func parseC(_ text: UnsafePointer<CChar>, _ end: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Float { strtof(text, end) }
}

/// A growable byte buffer that keeps a NUL after its contents, so a cell can go straight to
/// `strtod` without another copy. Reused for every cell of a file.
struct CellBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity + 1)
        base[0] = 0
    }

    deinit { base.deallocate() }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow() }
        base[count] = byte
        count += 1
    }

    mutating func append(contentsOf bytes: [UInt8]) { for b in bytes { append(b) } }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity + 1)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    mutating func removeAll() { count = 0 }

    /// The contents with surrounding spaces and tabs removed, as (start, length).
    func trimmed() -> (start: Int, length: Int) {
        var lo = 0, hi = count
        while lo < hi && (base[lo] == 0x20 || base[lo] == 0x09) { lo += 1 }
        while hi > lo && (base[hi - 1] == 0x20 || base[hi - 1] == 0x09) { hi -= 1 }
        return (lo, hi - lo)
    }

    var isBlank: Bool { trimmed().length == 0 }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    /// The trimmed contents as a number, or nil when they are not one in full.
    mutating func parse<Scalar: CNumberParsing>(as _: Scalar.Type) -> Scalar? {
        let (start, length) = trimmed()
        guard length > 0 else { return nil }
        let saved = base[start + length]
        base[start + length] = 0
        defer { base[start + length] = saved }
        return (base + start).withMemoryRebound(to: CChar.self, capacity: length + 1) { text -> Scalar? in
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = Scalar.parseC(text, &end)
            return end == UnsafeMutablePointer(mutating: text) + length ? value : nil
        }
    }
}

/// The C parser for a `BLASScalar`, chosen once per file by the scalar's precision: a `Float`
/// destination is parsed with `strtof` (one rounding, as `Float(String)`), anything wider with `strtod`.
func cParser<Scalar: BLASScalar>(for _: Scalar.Type) -> (inout CellBuffer) -> Scalar? {
    if Scalar.significandBitCount <= Float.significandBitCount {
        return { buffer in buffer.parse(as: Float.self).map { Scalar($0) } }
    }
    return { buffer in buffer.parse(as: Double.self).map { Scalar($0) } }
}
