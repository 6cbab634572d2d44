import Foundation
import LinearAlgebra

/// Reads a sparse matrix saved by `scipy.sparse.save_npz`: a zip archive (deflated by default,
/// stored with `compressed=False`) of `.npy` members `format` (`b'csr'` or `b'csc'`), `shape`,
/// `indptr`, `indices` and `data`. CSR is taken as it is; CSC is converted to CSR (columns
/// increasing within each row). Indices may be any integer dtype, data any float, integer or
/// bool dtype (converted as `NPYFile` converts). The arrays are checked as
/// `SparseMatrix`'s initialisers check them; problems are `DataError`s naming the file (and the
/// member).
public enum NPZSparseReader {
    /// Reads the `.npz` file at `url` into a CSR matrix.
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self) throws -> SparseMatrix<Scalar> {
        let data = try InputFile.read(url.path, limit: Int.max)
        return try data.withUnsafeBytes { try parse($0, file: url.path, as: Scalar.self) }
    }

    /// Parses an archive held in memory (`file` names it in errors).
    public static func parse<Scalar: BLASScalar>(_ bytes: UnsafeRawBufferPointer, file: String,
                                                 as _: Scalar.Type = Scalar.self) throws -> SparseMatrix<Scalar> {
        let archive = try ZIPArchive(bytes, file: file)
        func member(_ name: String) throws -> NPYMember {
            guard let b = try archive.contents(of: name + ".npy") else {
                let names = archive.entries.map(\.name).joined(separator: ", ")
                throw DataError(.npyFormat, file: file, "the archive has no '\(name).npy' (members: \(names.isEmpty ? "none" : names)); is it from scipy.sparse.save_npz?")
            }
            return try NPYMember(b, file: file, member: name + ".npy")
        }
        let format = try member("format").string()
        guard format == "csr" || format == "csc" else {
            throw DataError(.npyFormat, file: file, "sparse format '\(truncatedForMessage(format))' is not read; save a CSR or CSC matrix (scipy.sparse.save_npz(path, m.tocsr()))")
        }
        let shapeMember = try member("shape")
        try shapeMember.checkVector("shape", count: 2)
        let shape = try shapeMember.integers()
        let (rows, cols) = (shape[0], shape[1])
        guard rows >= 0, cols >= 0, rows <= Int(Int32.max), cols <= Int(Int32.max) else {
            throw DataError(.npyShape, file: file, "shape (\(rows), \(cols)) is not a valid sparse matrix shape (each dimension 0…\(Int32.max))")
        }
        let csr = format == "csr"
        let indptrMember = try member("indptr")
        try indptrMember.checkVector("indptr", count: (csr ? rows : cols) + 1)
        let starts = try indptrMember.integers()
        let indicesMember = try member("indices")
        try indicesMember.checkVector("indices")
        let dataMember = try member("data")
        try dataMember.checkVector("data")
        let minorCount = csr ? cols : rows
        let indices = try indicesMember.integers()
        var narrow = [Int32]()
        narrow.reserveCapacity(indices.count)
        for (k, j) in indices.enumerated() {
            guard j >= 0 && j < minorCount else {
                throw DataError(.invalidValue, file: file, "indices.npy: \(csr ? "column" : "row") index \(j) at position \(k) is outside 0..<\(minorCount) (shape (\(rows), \(cols)))")
            }
            narrow.append(Int32(j))
        }
        let values = try dataMember.scalars(as: Scalar.self)
        do {
            if csr { return try SparseMatrix(rows: rows, cols: cols, rowStarts: starts, columnIndices: narrow, values: values) }
            return try SparseMatrix(rows: rows, cols: cols, columnStarts: starts, rowIndices: narrow, values: values)
        } catch {
            throw DataError(.invalidValue, file: file, "\(format.uppercased()) arrays of shape (\(rows), \(cols)): \(error.description)")
        }
    }
}
