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

        // One column of labels is a class-label target (ClassLabels): bool labels for softmax, {0, 2} for logistic.
        let softmax = try CLI.run(["train", "--data", "x.npy", "--targets", "y.npy", "--loss", "softmax-cross-entropy",
                                   "--epochs", "1", "-o", "s.json", "--quiet"], in: dir.url)
        #expect(softmax.status == 0, "\(softmax.stderr)")
        #expect(try ModelDocument.load(from: URL(fileURLWithPath: dir.path("s.json"))).classLabels == [0, 1])
        let logistic = try CLI.run(["train", "--data", "x.npy", "--targets", "y2.npy", "--loss", "logistic",
                                    "--epochs", "1", "-o", "l.json", "--quiet"], in: dir.url)
        #expect(logistic.status == 0, "\(logistic.stderr)")
        #expect(try ModelDocument.load(from: URL(fileURLWithPath: dir.path("l.json"))).classLabels == [0, 2])
        try npy("<i8", shape: "(\(rows),)", payload: int64((0..<rows).map { Int64($0 % 3) })).write(to: URL(fileURLWithPath: dir.path("y3.npy")))
        let three = try CLI.run(["train", "--data", "x.npy", "--targets", "y3.npy", "--loss", "logistic",
                                 "--epochs", "1", "-o", "t.json"], in: dir.url)
        #expect(three.status != 0)
        #expect(three.stderr.contains("y3.npy: row 2: a third label (2") && !three.stderr.contains("x.npy"), "\(three.stderr)")
    }
}
