#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LinearAlgebra

/// Reads and writes NumPy `.npy` arrays of float32/float64 in C order (see `NPYHeader`).
///
/// A 1-D array of length n reads as an n×1 matrix, a 2-D array (n, d) as n×d. When the file's
/// dtype is the requested scalar's, the payload is read straight into the matrix's storage (one
/// copy, from the file); otherwise, and when target columns are split off, rows are read through a
/// 1 MiB scratch buffer and converted/scattered into the output matrices, so no whole second copy
/// of the data is ever held.
public enum NPYFile {
    /// The whole array.
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self) throws -> Matrix<Scalar> {
        try readSplit(url, targetColumns: [], as: Scalar.self).features
    }

    /// One file holding features and targets: `targetColumns` (0-based, in output order) become the
    /// targets, the other columns, in file order, the features.
    public static func read<Scalar: BLASScalar>(_ url: URL, targetColumns: [Int], as _: Scalar.Type = Scalar.self)
        throws -> (features: Matrix<Scalar>, targets: Matrix<Scalar>) {
        let r = try readSplit(url, targetColumns: targetColumns, as: Scalar.self)
        return (r.features, r.targets)
    }

    /// Features and targets from two files, whose row counts must agree.
    public static func read<Scalar: BLASScalar>(features: URL, targets: URL, as _: Scalar.Type = Scalar.self)
        throws -> (features: Matrix<Scalar>, targets: Matrix<Scalar>) {
        let x = try readSplit(features, targetColumns: [], as: Scalar.self)
        let y = try readSplit(targets, targetColumns: [], as: Scalar.self)
        guard x.features.rows == y.features.rows else {
            throw DataError(.rowCountMismatch, file: targets.path,
                            "targets have shape \(y.shape) but the features in \(features.path) have shape \(x.shape): their row counts \(y.features.rows) and \(x.features.rows) differ")
        }
        return (x.features, y.features)
    }

    /// Writes `matrix` as a version 1.0 `.npy` file (`<f4` or `<f8` by the scalar, C order),
    /// atomically. `asVector` writes an n×1 matrix with shape `(n,)`.
    public static func write<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, to url: URL, asVector: Bool = false) throws {
        precondition(!asVector || matrix.cols == 1, "only an n×1 matrix can be written as a vector, got \(matrix.shape)")
        precondition(1.littleEndian == 1, ".npy writing assumes a little-endian host")
        let header = NPYHeader(descr: "<f\(MemoryLayout<Scalar>.size)", fortranOrder: false,
                               shape: asVector ? [matrix.rows] : [matrix.rows, matrix.cols])
        var dict = Array(header.dictionaryText(prefixLength: 10).utf8)
        var prefix = NPYHeader.magic + [1, 0]
        if dict.count > Int(UInt16.max) {
            dict = Array(header.dictionaryText(prefixLength: 12).utf8)
            prefix = NPYHeader.magic + [2, 0] + withUnsafeBytes(of: UInt32(dict.count).littleEndian, Array.init)
        } else {
            prefix += withUnsafeBytes(of: UInt16(dict.count).littleEndian, Array.init)
        }
        try AtomicFile.write(to: url) { out in
            try out.write(Data(prefix + dict))
            try matrix.withUnsafeBufferPointer { try out.write(UnsafeRawBufferPointer($0)) }
        }
    }

    // MARK: Reading

    private struct Split<Scalar: BLASScalar> {
        var features: Matrix<Scalar>
        var targets: Matrix<Scalar>
        var shape: String
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func readSplit<Scalar: BLASScalar>(_ url: URL, targetColumns: [Int], as _: Scalar.Type) throws -> Split<Scalar> {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError(.io, file: path, "cannot open for reading: \(errnoDescription())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DataError(.io, file: path, "cannot stat: \(errnoDescription())") }
        let fileSize = Int(info.st_size)
        guard fileSize > 0 else { throw DataError(.emptyFile, file: path, "the file is empty") }

        // Magic, version, header length.
        var lead = [UInt8](repeating: 0, count: 10)
        let got = try readFully(fd, into: &lead, path: path)
        guard got == 10, Array(lead[0..<6]) == NPYHeader.magic else {
            throw DataError(.npyFormat, file: path, "not a NumPy .npy file (the magic bytes \\x93NUMPY are missing)")
        }
        let (major, minor) = (lead[6], lead[7])
        var headerLength: Int
        switch major {
        case 1:
            headerLength = Int(lead[8]) | Int(lead[9]) << 8
        case 2, 3:
            var more = [UInt8](repeating: 0, count: 2)
            guard try readFully(fd, into: &more, path: path) == 2 else {
                throw DataError(.truncated, file: path, "the file ends inside the .npy preamble")
            }
            headerLength = Int(lead[8]) | Int(lead[9]) << 8 | Int(more[0]) << 16 | Int(more[1]) << 24
        default:
            throw DataError(.npyFormat, file: path, ".npy format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
        }
        let dataStart = (major == 1 ? 10 : 12) + headerLength
        guard dataStart <= fileSize else {
            throw DataError(.truncated, file: path, "the file ends inside the .npy header (\(headerLength) header bytes declared, \(fileSize) bytes in the file)")
        }
        var dictBytes = [UInt8](repeating: 0, count: headerLength)
        _ = try readFully(fd, into: &dictBytes, path: path)
        let header = try NPYHeader.parse(String(decoding: dictBytes, as: UTF8.self)) {
            DataError(.npyFormat, file: path, $0)
        }

        // dtype, order, shape.
        let element: (size: Int, swap: Bool)
        switch header.descr {
        case "<f4", "=f4": element = (4, false)
        case "<f8", "=f8": element = (8, false)
        case ">f4": element = (4, true)
        case ">f8": element = (8, true)
        default:
            throw DataError(.npyDtype, file: path, "dtype '\(header.descr)' is not supported: only float32 ('<f4') and float64 ('<f8') arrays are read")
        }
        guard !header.fortranOrder else {
            throw DataError(.npyOrder, file: path, "the array is in Fortran (column-major) order; save a C-ordered array (numpy.ascontiguousarray)")
        }
        let rows: Int, cols: Int
        switch header.shape.count {
        case 1: (rows, cols) = (header.shape[0], 1)
        case 2: (rows, cols) = (header.shape[0], header.shape[1])
        default:
            throw DataError(.npyShape, file: path, "the array has shape \(header.shapeText); expected (rows,) or (rows, columns)")
        }
        // A corrupt or hostile header can declare any shape: the sizes must not overflow.
        let (rowBytes, rowOverflow) = cols.multipliedReportingOverflow(by: element.size)
        let (expected, overflow) = rows.multipliedReportingOverflow(by: rowBytes)
        guard !rowOverflow, !overflow else {
            throw DataError(.npyShape, file: path, "shape \(header.shapeText) of '\(header.descr)' is too large to address (\(fileSize - dataStart) data bytes in the file)")
        }
        let actual = fileSize - dataStart
        guard actual == expected else {
            throw DataError(actual < expected ? .truncated : .npyFormat, file: path,
                            "shape \(header.shapeText) of '\(header.descr)' needs \(expected) data bytes, the file holds \(actual)")
        }

        // Column split.
        for (n, j) in targetColumns.enumerated() {
            guard j >= 0 && j < cols else {
                throw DataError(.columnOutOfRange, file: path, "target column index \(j) is out of range for shape \(header.shapeText) (\(cols) columns, indices 0–\(cols - 1))")
            }
            guard !targetColumns[..<n].contains(j) else {
                throw DataError(.duplicateColumn, file: path, "target column \(j) is chosen twice")
            }
        }
        if rows == 0 || cols == 0 {   // no payload (and the header may declare any size for the other axis)
            return Split(features: Matrix(rows: rows, cols: cols - targetColumns.count),
                         targets: Matrix(rows: rows, cols: targetColumns.count), shape: header.shapeText)
        }
        let featureColumns = (0..<cols).filter { !targetColumns.contains($0) }

        if targetColumns.isEmpty && element.size == MemoryLayout<Scalar>.size && !element.swap {
            let elements = try [Scalar](unsafeUninitializedCapacity: rows * cols) { buffer, count in
                let n = try readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), path: path)
                guard n == expected else {
                    throw DataError(.truncated, file: path, "expected \(expected) data bytes, read \(n)")
                }
                count = rows * cols
            }
            return Split(features: Matrix(rows: rows, cols: cols, elements: elements),
                         targets: Matrix(rows: rows, cols: 0), shape: header.shapeText)
        }

        var x = Matrix<Scalar>(rows: rows, cols: featureColumns.count)
        var y = Matrix<Scalar>(rows: rows, cols: targetColumns.count)
        // destination[j] = (is target, column in that matrix)
        var destination = [(Bool, Int)](repeating: (false, 0), count: cols)
        for (k, j) in featureColumns.enumerated() { destination[j] = (false, k) }
        for (k, j) in targetColumns.enumerated() { destination[j] = (true, k) }
        let chunkRows = max(1, (1 << 20) / max(rowBytes, 1))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkRows * rowBytes, 1), alignment: 16)
        defer { scratch.deallocate() }
        try x.withUnsafeMutableBufferPointer { xb in
            try y.withUnsafeMutableBufferPointer { yb in
                var row = 0
                while row < rows {
                    let take = min(chunkRows, rows - row)
                    let want = take * rowBytes
                    let n = try readFully(fd, into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]), path: path)
                    guard n == want else { throw DataError(.truncated, file: path, "expected \(expected) data bytes, the read stopped early") }
                    for r in 0..<take {
                        for j in 0..<cols {
                            let v: Scalar = decode(scratch, at: r * rowBytes + j * element.size, size: element.size, swap: element.swap)
                            let (isTarget, k) = destination[j]
                            if isTarget { yb[(row + r) * targetColumns.count + k] = v }
                            else { xb[(row + r) * featureColumns.count + k] = v }
                        }
                    }
                    row += take
                }
            }
        }
        return Split(features: x, targets: y, shape: header.shapeText)
    }

    /// One stored float32/float64 element (file format, hence the concrete types) as a `Scalar`.
    @inline(__always)
    private static func decode<Scalar: BLASScalar>(_ raw: UnsafeMutableRawBufferPointer, at offset: Int, size: Int, swap: Bool) -> Scalar {
        if size == 8 {
            let bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return Scalar(Double(bitPattern: swap ? bits.byteSwapped : UInt64(littleEndian: bits)))
        }
        let bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return Scalar(Float(bitPattern: swap ? bits.byteSwapped : UInt32(littleEndian: bits)))
    }

    private static func readFully(_ fd: Int32, into bytes: inout [UInt8], path: String) throws -> Int {
        try bytes.withUnsafeMutableBytes { try readFully(fd, into: $0, path: path) }
    }

    /// Reads until `buffer` is full or the file ends; returns the bytes read.
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = Glibc.read(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, file: path, "read failed: \(errnoDescription())")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}
