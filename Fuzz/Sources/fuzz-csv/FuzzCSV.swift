// The CSV reader, as `descent train/evaluate/predict --data x.csv` reach it (`DataSpec.load`, which
// calls `CSVReader.read`), under a few reading options per input: header detection, names and
// indices for targets, dropping non-finite rows, other delimiters and quotes, Float and Double.
// A successful read must give matching row counts, names for every column and finite values.
import Descent
import Foundation
import FuzzSupport

func checkFinite<Scalar: BLASScalar>(_ m: Matrix<Scalar>, _ what: String) {
    m.withUnsafeBufferPointer { b in
        expect(b.allSatisfy { $0.isFinite }, "\(what): a non-finite value was kept")
    }
}

func check<Scalar: BLASScalar>(_ d: LoadedData<Scalar>, withTargets: Bool, _ what: String) {
    expect(d.x.rows > 0 && d.x.rows == d.y.rows, "\(what): \(d.x.rows) feature rows, \(d.y.rows) target rows")
    expect(d.featureNames.count == d.x.cols, "\(what): \(d.featureNames.count) names for \(d.x.cols) feature columns")
    expect(withTargets || d.y.cols == 0, "\(what): targets read without being asked for")
    checkFinite(d.x, what)
    checkFinite(d.y, what)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = writeScratchFile("data.csv", input.bytes)
    let all = DataSpec.LoadScan(digest: true, featureMoments: true, targetMoments: true)

    // `descent train --data x.csv --standardize all` (header detected, last column the target).
    _ = accept {
        let d = try DataSpec(path: path).load(Double.self, withTargets: true, scanning: all)
        check(d, withTargets: true, "default options")
        if d.droppedRows == 0 { expect(d.featureMoments != nil && d.targetMoments != nil, "no moments") }
    }
    // `--header --target y --target 0 --drop-nonfinite --dtype float`.
    _ = accept {
        let spec = DataSpec(path: path, targetColumns: [.name("y"), .index(0)], header: .present, dropNonfinite: true)
        check(try spec.load(Float.self, withTargets: true, scanning: DataSpec.LoadScan(digest: true)), withTargets: true, "named targets")
    }
    // `predict --no-header --delimiter ';'`: features only.
    _ = accept {
        let spec = DataSpec(path: path, header: .absent, delimiter: ";")
        check(try spec.load(Double.self, withTargets: false), withTargets: false, "features only")
    }
    // The reader itself with chosen feature columns, a tab delimiter and a single quote.
    _ = accept {
        let options = CSVOptions(header: .auto, delimiter: "\t", quote: "'", targetColumns: [.index(1)],
                                 featureColumns: [.last, .index(0)], nonFinite: .dropRows)
        let table = try CSVReader.read(URL(fileURLWithPath: path), as: Float.self, options: options)
        expect(table.features.rows == table.targets.rows && table.features.cols == 2 && table.targets.cols == 1,
               "chosen columns: \(table.features.shape) and \(table.targets.shape)")
        expect(table.featureNames.count == 2 && table.targetNames.count == 1, "chosen columns: names")
        checkFinite(table.features, "chosen columns")
        checkFinite(table.targets, "chosen columns")
    }
    return 0
}
