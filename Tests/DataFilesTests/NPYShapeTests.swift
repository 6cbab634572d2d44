import Foundation
import Testing
import Descent

/// Headers whose shape does not fit the file: sizes that overflow `Int` must be a thrown error, not
/// an arithmetic trap, and degenerate shapes with a zero axis must read without touching the other one.
struct NPYShapeTests {
    /// A version 1.0 file with the given dict (padded as numpy pads it) and payload.
    func npy(_ dir: TemporaryDirectory, _ name: String, descr: String = "<f8", shape: String, payload: [UInt8] = []) throws -> URL {
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        dict += String(repeating: " ", count: (64 - (10 + dict.utf8.count + 1) % 64) % 64) + "\n"
        let bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(dict.utf8.count & 0xFF), UInt8(dict.utf8.count >> 8)]
            + Array(dict.utf8) + payload
        let url = dir.path(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func hugeShapeIsAnErrorNotATrap() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let big = Int.max / 4   // × 8 bytes overflows; on its own it is a valid Int
        for shape in ["(\(big), 4)", "(3, \(big))", "(\(big),)", "(\(big), \(big))"] {
            let url = try npy(dir, "h.npy", shape: shape, payload: Array(repeating: 0, count: 96))
            for targets in [[], [0]] {
                let e = dataError { try NPYFile.read(url, targetColumns: targets, as: Double.self) }
                #expect(e?.kind == .npyShape, "\(shape) targets \(targets): \(String(describing: e))")
                #expect(e?.description.contains("too large") == true)
                #expect(dataError { try NPYFile.read(url, as: Float.self) }?.kind == .npyShape)
            }
        }
        // Large but addressable: the byte count is checked against the file as before.
        let url = try npy(dir, "l.npy", shape: "(\(1 << 40), 4)")
        #expect(dataError { try NPYFile.read(url, as: Double.self) }?.kind == .truncated)
    }

    /// A zero axis: the matrix has the declared other dimension (minus target columns) and no
    /// elements, whatever that dimension is, by every read path.
    @Test func zeroAxisShapes() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let wide = try npy(dir, "w.npy", shape: "(0, \(1 << 40))")
        let (x, y) = try NPYFile.read(wide, targetColumns: [5], as: Float.self)
        #expect(x.rows == 0 && x.cols == (1 << 40) - 1 && y.rows == 0 && y.cols == 1)
        let tall = try npy(dir, "t.npy", shape: "(\(1 << 40), 0)")
        let t = try NPYFile.read(tall, as: Float.self)   // f8 file read as Float: the converting path
        #expect(t.rows == 1 << 40 && t.cols == 0, "\(t.shape)")
        let empty = try npy(dir, "e.npy", shape: "(0, 3)")
        let e = try NPYFile.read(empty, as: Double.self)
        #expect(e.rows == 0 && e.cols == 3)
    }
}
