import Foundation
import Testing
import _TestSupport
import Descent

/// The checkpoint's CRC-32C: the standard check value, the written field, and every single-bit
/// flip of a written checkpoint refused (a CRC detects all of them, so no flip may load).
struct CheckpointChecksumTests {
    typealias Checkpoint = CheckpointDocumentTests.Checkpoint

    @Test func checkValue() {
        // The check value of the CRC-32C parameters (RFC 3720 B.4, and the CRC catalogue's "CRC-32/ISCSI").
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // RFC 3720 B.4: 32 bytes of zeros, and of 0xFF.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.hex(0x0000_0abc) == "00000abc")
    }

    @Test func writtenChecksumIsTheFilesCRC() throws {
        let data = try CheckpointDocumentTests().sample().encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"checksum\" : \"crc32c:"))
        let digits = String(text.dropFirst(25).prefix(8))
        let zeroed = Data(text.replacingOccurrences(of: "crc32c:\(digits)", with: "crc32c:00000000").utf8)
        #expect(CRC32C.hex(CRC32C.checksum(zeroed)) == digits)
    }

    /// Every bit of every 2nd byte (about 4500 flips), each loaded from its own file.
    @Test func everySingleBitFlipIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ck.json")
        let genuine = [UInt8](try CheckpointDocumentTests().sample().encoded())
        try Data(genuine).write(to: url)
        #expect(try Checkpoint.load(from: url).state.step == 120)
        var accepted: [Int] = [], flips = 0
        for position in stride(from: 0, to: genuine.count, by: 2) {
            for bit in 0..<8 {
                var bytes = genuine
                bytes[position] ^= 1 << bit
                try Data(bytes).write(to: url)
                flips += 1
                if (try? Checkpoint.load(from: url)) != nil { accepted.append(position * 8 + bit) }
            }
        }
        #expect(flips > 2000)
        #expect(accepted.isEmpty, "\(accepted.count) of \(flips) single-bit flips loaded, at bits \(accepted.prefix(10))")
    }

    @Test func damagedChecksumIsNamed() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ck.json")
        let text = String(decoding: try CheckpointDocumentTests().sample().encoded(), as: UTF8.self)
        try text.replacingOccurrences(of: "\"step\" : 120", with: "\"step\" : 121").write(to: url, atomically: false, encoding: .utf8)
        let changed = dataError { try Checkpoint.load(from: url) }
        #expect(changed?.description.hasPrefix("\(url.path): checksum mismatch (stored crc32c:") == true, "\(String(describing: changed))")
        try text.replacingOccurrences(of: "\"checksum\"", with: "\"checksun\"").write(to: url, atomically: false, encoding: .utf8)
        #expect(dataError { try Checkpoint.load(from: url) }?.description.contains("does not start with its \"checksum\" field") == true)
    }
}
