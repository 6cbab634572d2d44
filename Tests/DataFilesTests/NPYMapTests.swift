import Foundation
import Testing
import Descent

/// `NPYFile.map`: the same matrix as `read`, visited block by block, private (a change to the
/// matrix leaves the file as it was), and nil when the file cannot be used as it is.
struct NPYMapTests {
    @Test func mappedEqualsReadAndStaysPrivate() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let original = Matrix<Float>(rows: 70_000, cols: 3) { i, j in Float(i) + Float(j) / 4 }
        let url = dir.path("x.npy")
        try NPYFile.write(original, to: url)
        var visited = 0
        var mapped = try #require(try NPYFile.map(url, as: Float.self) { rows, block, _ in
            #expect(rows.lowerBound == visited && block.rows == rows.count); visited += rows.count
        })
        #expect(visited == 70_000)
        #expect(mapped.elements == original.elements)
        let before = try Data(contentsOf: url)
        mapped[5, 1] = -1
        #expect(mapped[5, 1] == -1)
        #expect(try Data(contentsOf: url) == before)
        #expect(try NPYFile.read(url, as: Float.self).elements == original.elements)
    }

    @Test func otherPrecisionIsNotMapped() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("d.npy")
        try NPYFile.write(Matrix<Double>(rows: 4, cols: 2, repeating: 1.5), to: url)
        #expect(try NPYFile.map(url, as: Float.self) { _, _, _ in } == nil)
        #expect(try NPYFile.map(url, as: Double.self) { _, _, _ in }?.elements == [Double](repeating: 1.5, count: 8))
    }
}

extension NPYMapTests {
    /// A shard whose first row is not on a page boundary: the mapping starts at its page.
    @Test func mappedRowRangeEqualsThoseRows() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let whole = Matrix<Double>(rows: 3001, cols: 7) { i, j in Double(i * 7 + j) }
        let url = dir.path("x.npy")
        try NPYFile.write(whole, to: url)
        for r in [0..<3001, 1..<2, 1500..<3001, 333..<1234] {
            let part = try #require(try NPYFile.map(url, rows: r, as: Double.self) { _, _, _ in })
            #expect(part.rows == r.count && part.elements == Array(whole.elements[(r.lowerBound * 7)..<(r.upperBound * 7)]))
        }
        #expect(throws: DataError.self) { _ = try NPYFile.map(url, rows: 3000..<3002, as: Double.self) { _, _, _ in } }
    }
}
