import Foundation
import Testing
import Descent

/// NPZSparseReader against scipy.sparse.load_npz on the same files (SparseFilesSklearnReference),
/// and its errors on damaged or foreign archives.
struct NPZSparseReaderTests {
    typealias Reference = SparseFilesSklearnReference

    @Test(arguments: Reference.npz.keys.sorted())
    func matchesScipy(_ name: String) throws {
        let want = Reference.npz[name]!
        func check<T: BLASScalar>(_ x: SparseMatrix<T>) {
            #expect(x.rows == want.rows && x.cols == want.cols, "\(name): shape \(x.shape)")
            #expect(x.rowStarts == want.indptr, "\(name): indptr")
            #expect(x.columnIndices.map { Int($0) } == want.indices, "\(name): indices")
            #expect(x.values.map { Double($0) } == want.data.map { Double(T($0)) }, "\(name): data")
        }
        check(try NPZSparseReader.read(fixture("sparse/" + name), as: Double.self))
        check(try NPZSparseReader.read(fixture("sparse/" + name), as: Float.self))
    }

    func error(_ bytes: [UInt8]) -> String? {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let url = dir.path("bad.npz")
        try! Data(bytes).write(to: url)
        return dataError { try NPZSparseReader.read(url, as: Double.self) }.map { $0.description.replacingOccurrences(of: url.path, with: "bad.npz") }
    }

    func fixtureBytes(_ name: String) -> [UInt8] { [UInt8](try! Data(contentsOf: fixture("sparse/" + name))) }

    @Test func errors() {
        #expect(error([]) == "bad.npz: not a zip archive (.npz): the file is too short")
        #expect(error(Array("hello, this is not a zip archive at all".utf8)) == "bad.npz: not a zip archive (.npz): no end-of-central-directory record")
        let good = fixtureBytes("csr_f8_deflate.npz")
        #expect(error(Array(good.prefix(good.count / 2))) == "bad.npz: the zip archive is truncated (no end-of-central-directory record)")
        // A flipped byte inside the first member's deflate data.
        var flipped = good
        flipped[90] ^= 0x55
        let message = error(flipped) ?? ""
        #expect(message.hasPrefix("bad.npz: member 'indices.npy' "), "\(message)")
    }

    @Test func foreignArchivesAreRefused() {
        func message(_ name: String) -> String? {
            dataError { try NPZSparseReader.read(fixture("sparse/" + name), as: Float.self) }?.message
        }
        #expect(message("coo_f8.npz") == "sparse format 'coo' is not read; save a CSR or CSC matrix (scipy.sparse.save_npz(path, m.tocsr()))")
        #expect(message("dense_arrays.npz") == "the archive has no 'format.npy' (members: x.npy); is it from scipy.sparse.save_npz?")
    }
}
