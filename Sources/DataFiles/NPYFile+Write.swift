import Foundation

extension NPYFile {
    /// Writes `values` as a 1-D `<i8` (little-endian int64) array of shape (n,), as numpy saves
    /// `np.asarray(labels, dtype=np.int64)`: class labels that are all integers.
    public static func write(int64 values: [Int64], to url: URL) throws {
        precondition(1.littleEndian == 1, ".npy writing assumes a little-endian host")
        let header = NPYHeader(descr: "<i8", fortranOrder: false, shape: [values.count])
        try write(header: header, to: url) { out in
            try values.withUnsafeBufferPointer { try out.write(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Writes the magic, the version (1.0, or 2.0 for a header dictionary over 65535 bytes) and
    /// `header`'s dictionary, then `payload`, atomically.
    static func write(header: NPYHeader, to url: URL, payload: (borrowing AtomicFile.Writer) throws -> Void) throws {
        var dict = Array(header.dictionaryText(prefixLength: 10).utf8)
        var prefix = NPYHeader.magic + [1, 0]
        if dict.count > Int(UInt16.max) {
            dict = Array(header.dictionaryText(prefixLength: 12).utf8)
            prefix = NPYHeader.magic + [2, 0] + withUnsafeBytes(of: UInt32(dict.count).littleEndian, Array.init)
        } else {
            prefix += withUnsafeBytes(of: UInt16(dict.count).littleEndian, Array.init)
        }
        try AtomicFile.write(to: url) { out in
            try out.write(Data(prefix + dict))
            try payload(out)
        }
    }
}
