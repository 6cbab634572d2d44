import Foundation
import Testing
import Descent

/// Features and targets in two `.npy` files written as integer and bool arrays (numpy's `<i8` and
/// `|b1`, byte for byte): training reads them, and a loss that does not fit the targets names the
/// targets file, not the features file.
@Suite struct TargetsFileTests {
    /// A version 1.0 `.npy` file of `descr` holding `payload` (the bytes numpy writes for that
    /// header: magic, version, little-endian header length, dict padded to 64 bytes).
    func npy(_ descr: String, shape: String, payload: [UInt8]) -> Data {
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        dict += String(repeating: " ", count: (64 - (10 + dict.utf8.count + 1) % 64) % 64) + "\n"
        let n = UInt16(dict.utf8.count)
        return Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(dict.utf8) + payload)
    }

    func int64(_ values: [Int64]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.littleEndian, Array.init) } }

    @Test func integerFeaturesBoolTargetsAndTheTargetsFileNamed() throws {
        let dir = try TempDirectory()
        let rows = 40
        let x = (0..<rows).flatMap { i in [Int64(i % 7) - 3, Int64(i % 5)] }
        let labels = (0..<rows).map { i in (i % 7) - 3 + (i % 5) > 0 }
        try npy("<i8", shape: "(\(rows), 2)", payload: int64(x)).write(to: URL(fileURLWithPath: dir.path("x.npy")))
        try npy("|b1", shape: "(\(rows),)", payload: labels.map { $0 ? 1 : 0 }).write(to: URL(fileURLWithPath: dir.path("y.npy")))
        try npy("<i8", shape: "(\(rows),)", payload: int64(labels.map { $0 ? 2 : 0 })).write(to: URL(fileURLWithPath: dir.path("y2.npy")))

        let ok = try CLI.run(["train", "--data", "x.npy", "--targets", "y.npy", "--loss", "logistic", "--epochs", "2",
                              "-o", "m.json", "--quiet"], in: dir.url)
        #expect(ok.status == 0, "\(ok.stderr)")
        _ = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))

        let softmax = try CLI.run(["train", "--data", "x.npy", "--targets", "y.npy", "--loss", "softmax-cross-entropy",
                                   "--epochs", "1", "-o", "s.json"], in: dir.url)
        #expect(softmax.status != 0)
        #expect(softmax.stderr.contains("y.npy: softmax cross-entropy needs at least 2 target columns") && !softmax.stderr.contains("x.npy"),
                "\(softmax.stderr)")
        let logistic = try CLI.run(["train", "--data", "x.npy", "--targets", "y2.npy", "--loss", "logistic",
                                    "--epochs", "1", "-o", "l.json"], in: dir.url)
        #expect(logistic.status != 0)
        #expect(logistic.stderr.contains("y2.npy:") && !logistic.stderr.contains("x.npy"), "\(logistic.stderr)")
    }
}
