// The scipy.sparse.save_npz reader (`NPZSparseReader.read` from a file and `parse` from memory):
// the zip directory (zip64 fields included), stored and deflated members with their CRC-32, the
// .npy members, CSR and CSC (converted). A successful read must give a valid CSR matrix (the
// checked initialiser accepts its arrays), the same from the file and from memory, in both precisions.
import Descent
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = writeScratchFile("data.npz", input.bytes)
    var fromFile: SparseMatrix<Double>? = nil
    _ = accept {
        let x = try NPZSparseReader.read(URL(fileURLWithPath: path), as: Double.self)
        expect((try? SparseMatrix(rows: x.rows, cols: x.cols, rowStarts: x.rowStarts,
                                  columnIndices: x.columnIndices, values: x.values)) != nil, "invalid CSR arrays")
        fromFile = x
    }
    _ = accept {
        let x = try NPZSparseReader.parse(UnsafeRawBufferPointer(input.bytes), file: path, as: Double.self)
        expect(fromFile == x, "parse and read differ")
    }
    _ = accept {
        let x = try NPZSparseReader.read(URL(fileURLWithPath: path), as: Float.self)
        expect(fromFile != nil && x.rowStarts == fromFile!.rowStarts && x.columnIndices == fromFile!.columnIndices,
               "Float and Double reads differ in structure")
    }
    return 0
}
