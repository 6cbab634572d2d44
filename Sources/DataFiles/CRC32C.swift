/// CRC-32C (Castagnoli): the reflected polynomial 0x82F63B78, initial value and final XOR
/// 0xFFFFFFFF, as in iSCSI (RFC 3720, appendix B.4) and ext4. The check value of the nine bytes
/// "123456789" is 0xE3069283. It detects every error of up to 3 bits and every burst of up to 32
/// bits in documents of the size a checkpoint has. Checkpoints carry it (see `CheckpointDocument`).
public enum CRC32C {
    /// The remainder of every byte value, one table lookup per input byte.
    static let table: [UInt32] = (0..<256).map { (byte: UInt32) -> UInt32 in
        var r = byte
        for _ in 0..<8 { r = r & 1 == 1 ? (r >> 1) ^ 0x82F6_3B78 : r >> 1 }
        return r
    }

    /// The CRC-32C (Castagnoli) of `bytes`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        table.withUnsafeBufferPointer { t in
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
            return crc ^ 0xFFFF_FFFF
        }
    }

    /// Eight lowercase hexadecimal digits.
    public static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
