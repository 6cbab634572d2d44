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

    mutating func append(_ bytes: UnsafePointer<UInt8>, count n: Int) {
        while count + n > capacity { grow() }
        (base + count).update(from: bytes, count: n)
        count += n
    }

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

/// Decimal text to binary floating point without the C library, for the shapes numbers take in
/// data files: `[+-]digits[.digits][(e|E)[+-]digits]` with at most 19 significant digits and a
/// decimal exponent within ±19 (after moving the point). The result is the correctly rounded value,
/// which is what `strtod`/`strtof` return (and hence `Double(String)`/`Float(String)`); anything
/// else (more digits, larger exponents, `inf`, `nan`, hexadecimal, results outside the normal
/// range) gives nil and is left to the C library.
///
/// The conversion is exact integer arithmetic: w·10^q with w < 10^19 is a 128-bit product for
/// q ≥ 0, and for q < 0 the 64-bit quotient ⌊w·2^s / 10^-q⌋ with the remainder as sticky bit;
/// either is rounded once, to nearest even, to the scalar's precision. Small cases take Clinger's
/// fast path (one exact operation between exactly representable values).
enum DecimalParser {
    // Literal tables (statically initialised: no lazy-initialisation check per access).
    static let powersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000]
    static let doublePowers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]
    static let floatPowers: [Float] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// The number of leading ASCII digits among the 8 bytes of `x` (little-endian: the first
    /// byte is the lowest), and their value as a decimal number.
    @inline(__always)
    static func digits(_ x: UInt64) -> (count: Int, value: UInt64) {
        let a = x ^ 0x3030_3030_3030_3030          // a digit becomes 0…9
        // A byte's top bit ends up set when it is ≥ 10 (no carries cross bytes).
        let notDigit = (((a & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | a) & 0x8080_8080_8080_8080
        let count = notDigit.trailingZeroBitCount / 8
        if count == 0 { return (0, 0) }
        // The digits, moved to the high bytes (zeros in front), combined pairwise.
        var v = count == 8 ? a : (a << (8 * (8 - count)))
        v = (v &* 10 &+ (v >> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v >> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10_000 &+ (v >> 32)) & 0x0000_0000_FFFF_FFFF
        return (count, v)
    }

    /// Parses the number starting at `start` (after optional spaces and tabs) and returns it with
    /// the index just past it and any spaces and tabs after it; nil when the text there is not in
    /// this parser's shape. The caller decides whether what follows ends the field.
    /// Spaces and tabs around the number are skipped, except one that is `delimiter`.
    @inline(__always)
    static func parse<Scalar: BLASScalar>(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int,
                                          as _: Scalar.Type, delimiter: UInt8 = 0) -> (value: Scalar, next: Int)? {
        @inline(__always) func blank(_ b: UInt8) -> Bool { (b == 0x20 || b == 0x09) && b != delimiter }
        var i = start
        while i < end && blank(p[i]) { i += 1 }
        guard i < end else { return nil }
        var negative = false
        if p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var w: UInt64 = 0
        var digits = 0          // significant digits in w (leading zeros not counted)
        var anyDigit = false
        var exponent = 0        // decimal exponent adjustment from the point position

        // Digits, eight at a time where eight bytes remain; returns how many were taken.
        @inline(__always) func run(_ i: inout Int) -> Int? {
            var taken = 0
            if w == 0 {           // leading zeros
                while i < end && p[i] == 0x30 { i += 1; taken += 1 }
            }
            while i + 8 <= end {
                let (n, v) = Self.digits(UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)))
                if n == 0 { return taken }
                guard digits + n <= 19 else { return nil }
                w = w &* powersOfTen[n] &+ v
                digits += n; taken += n; i += n
                if n < 8 { return taken }
            }
            while i < end {
                let d = p[i] &- 0x30
                if d > 9 { break }
                guard digits < 19 else { return nil }
                w = w &* 10 &+ UInt64(d); digits += 1; taken += 1
                i += 1
            }
            return taken
        }

        guard let whole = run(&i) else { return nil }
        anyDigit = whole > 0
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            if w == 0 {           // zeros after the point and before the first significant digit
                let zeroStart = i
                while i < end && p[i] == 0x30 { i += 1 }
                exponent -= i - zeroStart
                anyDigit = anyDigit || i > zeroStart
            }
            guard let fraction = run(&i) else { return nil }
            exponent -= fraction
            anyDigit = anyDigit || fraction > 0
        }
        guard anyDigit else { return nil }
        if i < end && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var negativeExponent = false
            if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                negativeExponent = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0, exponentDigits = 0
            while i < end {
                let d = p[i] &- 0x30
                if d > 9 { break }
                guard exponentDigits < 4 else { return nil }
                e = e * 10 + Int(d); exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += negativeExponent ? -e : e
        }
        while i < end && blank(p[i]) { i += 1 }
        guard let magnitude: Scalar = value(w, exponent) else { return nil }
        return (negative ? -magnitude : magnitude, i)
    }

    /// w·10^q correctly rounded, or nil outside this parser's range.
    @inline(__always)
    static func value<Scalar: BLASScalar>(_ w: UInt64, _ q: Int) -> Scalar? {
        if w == 0 { return 0 }
        let p = Scalar.significandBitCount + 1
        // Clinger: both operands exact, one correctly rounded operation.
        if p == 53 {
            if w <= 1 << 53 && q >= -22 && q <= 22 {
                let x = Double(w)
                return Scalar(q >= 0 ? x * doublePowers[q] : x / doublePowers[-q])
            }
        } else if p == 24 {
            if w <= 1 << 24 && q >= -10 && q <= 10 {
                let x = Float(w)
                return Scalar(q >= 0 ? x * floatPowers[q] : x / floatPowers[-q])
            }
        }
        guard q >= -19 && q <= 19 else { return nil }
        if q >= 0 {
            let (high, low) = w.multipliedFullWidth(by: powersOfTen[q])
            if high == 0 { return rounded(low, sticky: false, exponent: 0) }
            // The top 64 bits of the 128-bit product, the rest as sticky bit.
            let shift = 64 - high.leadingZeroBitCount
            let top = (high << (64 - shift)) | (low >> shift)
            let lost = low & (UInt64.max >> (64 - shift))
            return rounded(top, sticky: lost != 0, exponent: shift)
        }
        let d = powersOfTen[-q]
        let bw = 64 - w.leadingZeroBitCount, bd = 64 - d.leadingZeroBitCount
        let s = 63 + bd - bw                    // so that 2^62 < w·2^s / d < 2^64
        let numerator: (high: UInt64, low: UInt64) = s >= 64
            ? (w << (s - 64), 0)
            : (s == 0 ? 0 : w >> (64 - s), w << s)
        let (quotient, remainder) = d.dividingFullWidth(numerator)
        return rounded(quotient, sticky: remainder != 0, exponent: -s)
    }

    /// (m + ε)·2^e with 0 ≤ ε < 1 (ε > 0 exactly when `sticky`), rounded to nearest even, or nil
    /// outside the normal range.
    @inline(__always)
    static func rounded<Scalar: BLASScalar>(_ m: UInt64, sticky: Bool, exponent e: Int) -> Scalar? {
        let p = Scalar.significandBitCount + 1
        let length = 64 - m.leadingZeroBitCount
        var mantissa: UInt64, e2: Int
        if length <= p {
            guard !sticky else { return nil }       // not reached: a sticky bit comes with ≥ 63 bits
            mantissa = m << (p - length); e2 = e - (p - length)
        } else {
            let drop = length - p
            mantissa = m >> drop
            let rest = m & ((1 << drop) - 1), half: UInt64 = 1 << (drop - 1)
            if rest > half || (rest == half && (sticky || mantissa & 1 == 1)) { mantissa += 1 }
            e2 = e + drop
            if mantissa == 1 << p { mantissa >>= 1; e2 += 1 }
        }
        // value = mantissa·2^e2, mantissa in [2^(p-1), 2^p): the leading bit has exponent e2 + p − 1.
        let top = e2 + p - 1
        guard top >= Int(Scalar.leastNormalMagnitude.exponent), top <= Int(Scalar.greatestFiniteMagnitude.exponent) else { return nil }
        let bias = Int(Scalar.greatestFiniteMagnitude.exponent)
        return Scalar(sign: .plus, exponentBitPattern: Scalar.RawExponent(top + bias),
                      significandBitPattern: Scalar.RawSignificand(truncatingIfNeeded: mantissa & ((1 << (p - 1)) - 1)))
    }
}
