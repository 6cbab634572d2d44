import CZlib

/// The members of a zip archive held in memory, as much of the format as `numpy.savez` and
/// `savez_compressed` (hence `scipy.sparse.save_npz`) write: stored or deflated members, zip64
/// sizes and offsets, no encryption, one disk. Read from the central directory; the local header
/// is used only to find where a member's data starts. Every member's CRC-32 is checked.
struct ZIPArchive {
    struct Entry {
        var name: String
        var method: Int
        var flags: Int
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let bytes: UnsafeRawBufferPointer
    let file: String
    private(set) var entries: [Entry] = []

    private func fail(_ message: String) -> DataError { DataError(.zipFormat, file: file, message) }

    private func u16(_ at: Int) -> Int { Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self))) }
    private func u32(_ at: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
    private func u64(_ at: Int) throws -> Int {
        let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        guard v <= UInt64(Int.max) else { throw fail("a zip64 size or offset (\(v)) is too large") }
        return Int(v)
    }

    /// Parses the directory of the archive in `bytes` (which must outlive it).
    init(_ bytes: UnsafeRawBufferPointer, file: String) throws {
        self.bytes = bytes; self.file = file
        let n = bytes.count
        guard n >= 22 else {
            throw fail(n >= 4 && u32(0) == 0x0403_4B50 ? "the zip archive is truncated" : "not a zip archive (.npz): the file is too short")
        }
        // End of central directory: 22 bytes plus a comment of up to 65535.
        var eocd = n - 22
        let lowest = max(0, n - 22 - 65535)
        while eocd >= lowest && u32(eocd) != 0x0605_4B50 { eocd -= 1 }
        guard eocd >= lowest else {
            throw fail(u32(0) == 0x0403_4B50 ? "the zip archive is truncated (no end-of-central-directory record)"
                                            : "not a zip archive (.npz): no end-of-central-directory record")
        }
        var count = u16(eocd + 10), directorySize = u32(eocd + 12), directoryOffset = u32(eocd + 16)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // Zip64: a locator just before the record points at the zip64 end record.
            let locator = eocd - 20
            guard locator >= 0, u32(locator) == 0x0706_4B50 else { throw fail("the zip64 end-of-central-directory locator is missing") }
            let record = try u64(locator + 8)
            guard record <= n - 56, u32(record) == 0x0606_4B50 else { throw fail("the zip64 end-of-central-directory record is missing") }
            count = try u64(record + 32); directorySize = try u64(record + 40); directoryOffset = try u64(record + 48)
        }
        guard directoryOffset <= n, directorySize <= n - directoryOffset else {
            throw fail("the central directory (\(directorySize) bytes at \(directoryOffset)) lies outside the \(n)-byte file")
        }
        var at = directoryOffset
        let end = directoryOffset + directorySize
        for k in 0..<count {
            guard at <= end - 46, u32(at) == 0x0201_4B50 else { throw fail("central directory entry \(k) is damaged") }
            let nameLength = u16(at + 28), extraLength = u16(at + 30), commentLength = u16(at + 32)
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= end else { throw fail("central directory entry \(k) is damaged") }
            var entry = Entry(name: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(at + 46)..<(at + 46 + nameLength)]), as: UTF8.self),
                              method: u16(at + 10), flags: u16(at + 8), crc: UInt32(u32(at + 16)),
                              compressedSize: u32(at + 20), size: u32(at + 24), localHeaderOffset: u32(at + 42))
            // Zip64 extra field: the 8-byte values of the fields set to 0xFFFFFFFF, in this order.
            var x = at + 46 + nameLength
            let extraEnd = x + extraLength
            while x + 4 <= extraEnd {
                let id = u16(x), length = u16(x + 2)
                guard x + 4 + length <= extraEnd else { break }
                if id == 0x0001 {
                    var field = x + 4
                    let name = entry.name
                    func take() throws -> Int {
                        guard field + 8 <= x + 4 + length else { throw fail("the zip64 field of '\(name)' is too short") }
                        defer { field += 8 }
                        return try u64(field)
                    }
                    if entry.size == 0xFFFF_FFFF { entry.size = try take() }
                    if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = try take() }
                    if entry.localHeaderOffset == 0xFFFF_FFFF { entry.localHeaderOffset = try take() }
                }
                x += 4 + length
            }
            entries.append(entry)
            at = next
        }
    }

    /// The uncompressed bytes of member `name`, or nil when the archive has no such member.
    func contents(of name: String) throws -> [UInt8]? {
        guard let e = entries.first(where: { $0.name == name }) else { return nil }
        let n = bytes.count
        guard e.flags & 1 == 0 else { throw fail("member '\(name)' is encrypted") }
        guard e.localHeaderOffset <= n - 30, u32(e.localHeaderOffset) == 0x0403_4B50 else {
            throw fail("the local header of member '\(name)' is missing or damaged")
        }
        let start = e.localHeaderOffset + 30 + u16(e.localHeaderOffset + 26) + u16(e.localHeaderOffset + 28)
        guard start <= n, e.compressedSize <= n - start else {
            throw fail("the data of member '\(name)' (\(e.compressedSize) bytes) runs past the end of the file: the archive is truncated")
        }
        let source = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + e.compressedSize)])
        var out: [UInt8]
        switch e.method {
        case 0:
            guard e.size == e.compressedSize else { throw fail("stored member '\(name)' has \(e.compressedSize) bytes but declares \(e.size)") }
            out = Array(source)
        case 8:
            // Deflate expands at most about 1032:1; a larger declared size is a damaged header.
            guard e.size <= 1032 * e.compressedSize + 1024 else {
                throw fail("member '\(name)' declares \(e.size) bytes from \(e.compressedSize) compressed: the archive is damaged")
            }
            out = [UInt8](repeating: 0, count: e.size)
            try out.withUnsafeMutableBytes { try inflate(source, into: $0, name: name) }
        default:
            throw fail("member '\(name)' uses compression method \(e.method); stored (0) and deflate (8) are read")
        }
        let crc = out.withUnsafeBytes { b in
            UInt32(crc32(0, b.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(b.count)))
        }
        guard crc == e.crc else {
            throw fail("member '\(name)' fails its CRC-32 check (the archive is damaged)")
        }
        return out
    }

    /// Raw deflate of `source` into exactly `destination`.
    private func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer, name: String) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("cannot start zlib's inflate")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(source.count)
        var spare: UInt8 = 0   // one byte past the declared size, to tell "more data" from "done"
        stream.next_out = destination.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(destination.count)
        var status = CZlib.inflate(&stream, Z_FINISH)
        if status != Z_STREAM_END && status != Z_DATA_ERROR && stream.avail_out == 0 {
            withUnsafeMutablePointer(to: &spare) { s in
                stream.next_out = s; stream.avail_out = 1
                status = CZlib.inflate(&stream, Z_FINISH)
            }
            if stream.avail_out == 0 { throw fail("member '\(name)' inflates to more than its declared \(destination.count) bytes") }
        }
        guard status == Z_STREAM_END else {
            throw fail(status == Z_DATA_ERROR ? "member '\(name)' is not valid deflate data"
                                              : "member '\(name)' ends early (the archive is truncated or damaged)")
        }
        guard Int(stream.total_out) == destination.count else {
            throw fail("member '\(name)' inflates to \(stream.total_out) bytes, not its declared \(destination.count)")
        }
    }
}
