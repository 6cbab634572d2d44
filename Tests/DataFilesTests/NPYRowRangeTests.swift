import Foundation
import Testing
import Descent

/// One process's shard of a .npy file (`NPYFile.read(_:rows:…)`, read from the header length plus
/// the first row's offset): the same values as those rows of the whole array, in every decoding
/// path (same dtype, conversion, target columns split off).
struct NPYRowRangeTests {
    @Test(arguments: [false, true])
    func rowRangeEqualsThoseRowsOfTheWhole(asFloat: Bool) throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let whole = Matrix<Double>(rows: 1000, cols: 5) { i, j in Double(i) * 10 + Double(j) + 0.5 }
        let url = dir.path("x.npy")
        try NPYFile.write(whole, to: url)
        for range in [0..<1000, 0..<1, 333..<667, 999..<1000, 500..<500] {
            if asFloat {
                let part = try NPYFile.read(url, rows: range, as: Float.self) { _, _, _ in }.features
                #expect(part.rows == range.count && part.cols == 5)
                for i in 0..<range.count { for j in 0..<5 { #expect(part[i, j] == Float(whole[range.lowerBound + i, j])) } }
            } else {
                var visited = 0
                let (x, y) = try NPYFile.read(url, rows: range, targetColumns: [4], as: Double.self) { rows, f, _ in
                    #expect(rows.lowerBound == visited); visited += f.rows
                }
                #expect(visited == range.count)
                for i in 0..<range.count {
                    #expect(y[i, 0] == whole[range.lowerBound + i, 4])
                    for j in 0..<4 { #expect(x[i, j] == whole[range.lowerBound + i, j]) }
                }
            }
        }
    }

    @Test func rangeOutsideTheArrayIsAnError() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("x.npy")
        try NPYFile.write(Matrix<Double>(rows: 10, cols: 2), to: url)
        let e = dataError { _ = try NPYFile.read(url, rows: 5..<11, as: Double.self) { _, _, _ in } }
        #expect(e?.kind == .npyShape && e?.description.contains("5..<11") == true)
    }
}
