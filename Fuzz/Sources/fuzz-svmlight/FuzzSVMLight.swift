// The svmlight / libsvm reader (`SVMLightReader.read` from a file and `parse` from memory) under
// several option sets per input: 0-based, 1-based and auto indices, multi-label lists, a forced
// feature count, Float and Double. A successful read must give a valid CSR matrix (the checked
// initialiser accepts its arrays) with sorted unique indices, one label (list) per row, finite
// values, the same result from the file and from memory, and products that agree with the dense
// matrix's for small shapes.
import Descent
import Foundation
import FuzzSupport

func check<Scalar: BLASScalar>(_ d: SVMLightData<Scalar>, _ options: SVMLightOptions, _ what: String) {
    let x = d.features
    expect((try? SparseMatrix(rows: x.rows, cols: x.cols, rowStarts: x.rowStarts,
                              columnIndices: x.columnIndices, values: x.values)) != nil, "\(what): invalid CSR arrays")
    expect(x.hasSortedIndices, "\(what): indices not sorted and unique")
    expect(x.values.allSatisfy { $0.isFinite }, "\(what): a non-finite value was kept")
    if options.multilabel {
        expect(d.labels.isEmpty && d.labelLists.count == x.rows, "\(what): \(d.labelLists.count) label lists for \(x.rows) rows")
        expect(d.labelLists.allSatisfy { $0 == $0.sorted() && $0.allSatisfy { $0.isFinite } }, "\(what): label lists")
    } else {
        expect(d.labelLists.isEmpty && d.labels.count == x.rows, "\(what): \(d.labels.count) labels for \(x.rows) rows")
        expect(d.labels.allSatisfy { $0.isFinite }, "\(what): a non-finite label was kept")
    }
    if let count = options.featureCount { expect(x.cols == count, "\(what): \(x.cols) columns, featureCount \(count)") }
    switch options.indexBase {
    case .zeroBased: expect(d.zeroBased, "\(what): not read as 0-based")
    case .oneBased: expect(!d.zeroBased, "\(what): not read as 1-based")
    case .auto: break
    }
    // Products against the dense matrix, for shapes small enough to make dense.
    if x.rows * x.cols <= 1 << 16 {
        let dense = x.toDense()
        let v = (0..<x.cols).map { Scalar($0 % 3) - 1 }
        let got = x.multiplied(by: v), want = x.cols == 0 ? [Scalar](repeating: 0, count: x.rows) : dense.matvec(v)
        expect(zip(got, want).allSatisfy { $0 == $1 || abs($0 - $1) <= 1e-3 * Swift.max(1, abs($0), abs($1)) || !($0 - $1).isFinite },
               "\(what): X·v differs from the dense product")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSVMLight(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = writeScratchFile("data.svm", input.bytes)
    let url = URL(fileURLWithPath: path)
    let optionSets = [
        SVMLightOptions(),
        SVMLightOptions(indexBase: .zeroBased),
        SVMLightOptions(indexBase: .oneBased, featureCount: 64),
        SVMLightOptions(indexBase: .auto, multilabel: true),
    ]
    for (k, options) in optionSets.enumerated() {
        var fromFile: SVMLightData<Double>? = nil
        _ = accept {
            let d = try SVMLightReader.read(url, as: Double.self, options: options)
            check(d, options, "options \(k), Double")
            fromFile = d
        }
        _ = accept {
            let d = try SVMLightReader.parse(UnsafeRawBufferPointer(input.bytes), file: path, as: Double.self, options: options)
            if let f = fromFile {
                expect(d.features == f.features && d.labels == f.labels && d.labelLists == f.labelLists, "options \(k): parse and read differ")
            } else {
                expect(false, "options \(k): parse accepted what read refused")
            }
        }
        if k < 2 { _ = accept { check(try SVMLightReader.read(url, as: Float.self, options: options), options, "options \(k), Float") } }
    }
    return 0
}
