/// A short, stable digest of a run's configuration (FNV-1a, 64 bits, in hex; short inputs only,
/// a byte at a time: the data enters as `DataScan.digest`, computed as it is read).
struct Fingerprint {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
    }

    mutating func add(_ text: String) {
        var t = text + "\u{0}"
        t.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    var hex: String {
        let s = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
