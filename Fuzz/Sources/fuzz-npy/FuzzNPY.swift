// The .npy reader: the header alone (`NPYFile.shape`), whole reads in both precisions (straight
// into the matrix, or converted and byte-swapped), target columns split off, a row range (a
// process's shard), memory mapping, and `DataSpec.load` as `descent train --data x.npy` calls it.
// A successful read must agree with the header's shape.
import Descent
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = writeScratchFile("data.npy", input.bytes)
    let url = URL(fileURLWithPath: path)
    var shape: (rows: Int, columns: Int)? = nil
    _ = accept { shape = try NPYFile.shape(of: url) }

    func agrees(_ rows: Int, _ cols: Int, _ what: String) {
        guard let shape else { return expect(false, "\(what): read a file whose header was refused") }
        expect(rows == shape.rows && cols == shape.columns, "\(what): \(rows)×\(cols), the header says \(shape.rows)×\(shape.columns)")
    }
    _ = accept {
        let m = try NPYFile.read(url, as: Double.self)
        agrees(m.rows, m.cols, "read as Double")
    }
    _ = accept {
        var visited = 0
        let m = try NPYFile.read(url, as: Float.self) { rows, x, y in
            expect(rows.lowerBound == visited && x.rows == rows.count && y.cols == 0, "visited blocks out of order")
            visited = rows.upperBound
        }
        agrees(m.rows, m.cols, "read as Float")
        expect(m.rows == 0 || m.cols == 0 || visited == m.rows, "visited \(visited) of \(m.rows) rows")
    }
    if let shape, shape.columns >= 1 {
        _ = accept {
            let targets = shape.columns >= 2 ? [shape.columns - 1, 0] : [0]
            let (x, y) = try NPYFile.read(url, targetColumns: targets, as: Double.self)
            agrees(x.rows, x.cols + y.cols, "split")
            expect(y.cols == targets.count && x.rows == y.rows, "split: \(x.shape) and \(y.shape)")
        }
    }
    if let shape, shape.rows >= 1 {
        _ = accept {
            let range = (shape.rows / 2)..<shape.rows
            let (x, _) = try NPYFile.read(url, rows: range, as: Float.self, visitingRows: { _, _, _ in })
            expect(x.rows == range.count && x.cols == shape.columns, "row range: \(x.shape)")
        }
        _ = accept {
            if let m = try NPYFile.map(url, as: Double.self, visitingRows: { _, _, _ in }) { agrees(m.rows, m.cols, "mapped") }
            if let m = try NPYFile.map(url, rows: 0..<1, as: Float.self, visitingRows: { _, _, _ in }) {
                expect(m.rows == 1 && m.cols == shape.columns, "mapped row: \(m.shape)")
            }
        }
    }
    // `descent train --data x.npy` (last column the target; every value checked finite).
    _ = accept {
        let d = try DataSpec(path: path).load(Double.self, withTargets: true,
                                              scanning: DataSpec.LoadScan(digest: true, featureMoments: true, targetMoments: true))
        expect(d.x.rows == d.y.rows && d.y.cols == 1, "train: \(d.x.shape) and \(d.y.shape)")
        d.x.withUnsafeBufferPointer { expect($0.allSatisfy { $0.isFinite }, "train: a non-finite feature was kept") }
    }
    return 0
}
