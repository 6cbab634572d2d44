/// One element of a `.npy` payload, from the header's `descr`: its kind, byte size and whether its
/// byte order is the opposite of this (little-endian) machine's.
///
/// Read: float `f4 f8`, signed `i1 i2 i4 i8`, unsigned `u1 u2 u4 u8` and bool `b1`, in either byte
/// order (`<`, `>`, `=` native, `|` not applicable for one-byte types), following numpy's
/// array-interface type strings (`numpy/_core/_internal.py`, the `descr` of `numpy.lib.format`).
/// Integers convert to the training scalar rounded to the nearest representable value (ties to
/// even), as `numpy.ndarray.astype` and scikit-learn's `check_array` do: an integer above 2²⁴ in
/// magnitude may change when read as Float, above 2⁵³ when read as Double. Bool is 0 or 1.
struct NPYElement: Equatable {
    enum Kind: Equatable { case float, signed, unsigned, bool }
    var kind: Kind
    var size: Int
    var swap: Bool

    init?(descr: String) {
        let u = Array(descr.utf8)
        guard u.count == 3, let size = Int(String(decoding: u[2...], as: UTF8.self)) else { return nil }
        switch (u[1], size) {
        case (UInt8(ascii: "f"), 4), (UInt8(ascii: "f"), 8): kind = .float
        case (UInt8(ascii: "i"), 1), (UInt8(ascii: "i"), 2), (UInt8(ascii: "i"), 4), (UInt8(ascii: "i"), 8): kind = .signed
        case (UInt8(ascii: "u"), 1), (UInt8(ascii: "u"), 2), (UInt8(ascii: "u"), 4), (UInt8(ascii: "u"), 8): kind = .unsigned
        case (UInt8(ascii: "b"), 1): kind = .bool
        default: return nil
        }
        switch u[0] {
        case UInt8(ascii: "<"), UInt8(ascii: "="): swap = false
        case UInt8(ascii: ">"): swap = size > 1
        case UInt8(ascii: "|") where size == 1: swap = false
        default: return nil
        }
        self.size = size
    }
}
