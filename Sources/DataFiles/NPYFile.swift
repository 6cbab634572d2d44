#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LinearAlgebra

/// Reads NumPy `.npy` arrays of float, integer or bool dtype and writes float32/float64 ones, in C
/// order (see `NPYHeader`, and `NPYElement` for the dtypes read and how integers convert).
///
/// A 1-D array of length n reads as an n×1 matrix, a 2-D array (n, d) as n×d. When the file's
/// dtype is the requested scalar's and no target columns are split off, the payload is read
/// straight into the matrix's storage (one copy, from the file); otherwise rows are read through a
/// scratch buffer of about 512 KiB and converted/scattered into the output matrices, so no whole
/// second copy of the data is ever held.
///
/// The `visitingRows` variants hand each block of rows to a caller as soon as it is in the output
/// matrices, so that the caller's own pass over the data (a finiteness check, statistics, a
/// digest: `DataScan`) runs while the block is in cache. Blocks come in order, cover every row
/// once, hold about 512 KiB, and every block but the last holds a multiple of 64 rows.
public enum NPYFile {
    /// A block of rows just read: its row range, and those rows of the features and the targets
    /// (n × 0 when no target columns are split off).
    public typealias RowVisitor<Scalar: BLASScalar> =
        (_ rows: Range<Int>, _ features: MatrixView<Scalar>, _ targets: MatrixView<Scalar>) throws -> Void

    /// The whole array.
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self) throws -> Matrix<Scalar> {
        try readSplit(url, targetColumns: [], as: Scalar.self, visit: { _, _, _ in }).features
    }

    /// The whole array, each block of rows handed to `visit` as it arrives (see the type's notes).
    public static func read<Scalar: BLASScalar>(_ url: URL, as _: Scalar.Type = Scalar.self,
                                                visitingRows visit: RowVisitor<Scalar>) throws -> Matrix<Scalar> {
        try readSplit(url, targetColumns: [], as: Scalar.self, visit: visit).features
    }

    /// One file holding features and targets: `targetColumns` (0-based, in output order) become the
    /// targets, the other columns, in file order, the features.
    public static func read<Scalar: BLASScalar>(_ url: URL, targetColumns: [Int], as _: Scalar.Type = Scalar.self)
        throws -> (features: Matrix<Scalar>, targets: Matrix<Scalar>) {
        let r = try readSplit(url, targetColumns: targetColumns, as: Scalar.self, visit: { _, _, _ in })
        return (r.features, r.targets)
    }

    /// `read(_:targetColumns:as:)`, each block of rows handed to `visit` as it arrives.
    public static func read<Scalar: BLASScalar>(_ url: URL, targetColumns: [Int], as _: Scalar.Type = Scalar.self,
                                                visitingRows visit: RowVisitor<Scalar>)
        throws -> (features: Matrix<Scalar>, targets: Matrix<Scalar>) {
        let r = try readSplit(url, targetColumns: targetColumns, as: Scalar.self, visit: visit)
        return (r.features, r.targets)
    }

    /// Rows `rows` of the array only (one process's shard: the file is read from the header length
    /// plus `rows.lowerBound` × the row's bytes), optionally split into features and targets as
    /// `read(_:targetColumns:as:)` does; row numbers given to `visit` count from `rows.lowerBound`.
    public static func read<Scalar: BLASScalar>(_ url: URL, rows: Range<Int>, targetColumns: [Int] = [], as _: Scalar.Type = Scalar.self,
                                                visitingRows visit: RowVisitor<Scalar>)
        throws -> (features: Matrix<Scalar>, targets: Matrix<Scalar>) {
        let r = try readSplit(url, targetColumns: targetColumns, as: Scalar.self, rows: rows, visit: visit)
        return (r.features, r.targets)
    }

    /// Features and targets from two files, whose row counts must agree.
    public static func read<Scalar: BLASScalar>(features: URL, targets: URL, as _: Scalar.Type = Scalar.self)
        throws -> (features: Matrix<Scalar>, targets: Matrix<Scalar>) {
        let x = try readSplit(features, targetColumns: [], as: Scalar.self, visit: { _, _, _ in })
        let y = try readSplit(targets, targetColumns: [], as: Scalar.self, visit: { _, _, _ in })
        guard x.features.rows == y.features.rows else {
            throw DataError(.rowCountMismatch, file: targets.path,
                            "targets have shape \(y.shape) but the features in \(features.path) have shape \(x.shape): their row counts \(y.features.rows) and \(x.features.rows) differ")
        }
        return (x.features, y.features)
    }

    /// The array's shape as `read` returns it (a 1-D array of length n is n × 1), from the header
    /// alone: the payload is not read (its size is checked against the header).
    public static func shape(of url: URL) throws -> (rows: Int, columns: Int) {
        let a = try ArrayFile(url.path)
        defer { close(a.fd) }
        return (a.rows, a.cols)
    }

    /// The byte size of the array's elements when they are floats (4 for float32, 8 for float64),
    /// nil for integer and bool arrays; from the header alone, as `shape(of:)`.
    public static func floatElementSize(of url: URL) throws -> Int? {
        let a = try ArrayFile(url.path)
        defer { close(a.fd) }
        return a.element.kind == .float ? a.element.size : nil
    }

    /// Writes `matrix` as a version 1.0 `.npy` file (`<f4` or `<f8` by the scalar, C order),
    /// atomically. `asVector` writes an n×1 matrix with shape `(n,)`.
    public static func write<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, to url: URL, asVector: Bool = false) throws {
        precondition(!asVector || matrix.cols == 1, "only an n×1 matrix can be written as a vector, got \(matrix.shape)")
        precondition(1.littleEndian == 1, ".npy writing assumes a little-endian host")
        let header = NPYHeader(descr: "<f\(MemoryLayout<Scalar>.size)", fortranOrder: false,
                               shape: asVector ? [matrix.rows] : [matrix.rows, matrix.cols])
        try write(header: header, to: url) { out in
            try matrix.withUnsafeBufferPointer { try out.write(UnsafeRawBufferPointer($0)) }
        }
    }

    // MARK: Reading

    private struct Split<Scalar: BLASScalar> {
        var features: Matrix<Scalar>
        var targets: Matrix<Scalar>
        var shape: String
    }

    /// An open `.npy` file positioned at its payload, with the header checked.
    struct ArrayFile {
        var fd: Int32
        var path: String
        var header: NPYHeader
        var element: NPYElement
        var rows: Int, cols: Int, rowBytes: Int, expected: Int
        /// File offset of the payload.
        var dataStart: Int

        init(_ path: String) throws {
            let fd = try InputFile.open(path)   // a regular file only (a pipe cannot be mapped or sized)
            do { try self.init(fd: fd, path: path) } catch { close(fd); throw error }
        }

        private init(fd: Int32, path: String) throws {
            self.fd = fd; self.path = path
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw DataError(.io, file: path, "cannot stat: \(errnoDescription())") }
            let fileSize = Int(info.st_size)
            guard fileSize > 0 else { throw DataError(.emptyFile, file: path, "the file is empty") }

            // Magic, version, header length.
            var lead = [UInt8](repeating: 0, count: 10)
            let got = try NPYFile.readFully(fd, into: &lead, path: path)
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
                guard try NPYFile.readFully(fd, into: &more, path: path) == 2 else {
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
            _ = try NPYFile.readFully(fd, into: &dictBytes, path: path)
            header = try NPYHeader.parse(String(decoding: dictBytes, as: UTF8.self)) {
                DataError(.npyFormat, file: path, $0)
            }

            // dtype, order, shape.
            guard let e = NPYElement(descr: header.descr) else {
                throw DataError(.npyDtype, file: path, "dtype '\(header.descr)' is not supported: float ('<f4' '<f8'), integer ('<i8' '<i4' '<i2' '|i1' '<u8' '<u4' '<u2' '|u1') and bool ('|b1') arrays are read")
            }
            element = e
            guard !header.fortranOrder else {
                throw DataError(.npyOrder, file: path, "the array is in Fortran (column-major) order; save a C-ordered array (numpy.ascontiguousarray)")
            }
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
            self.rowBytes = rowBytes; self.expected = expected; self.dataStart = dataStart
        }
    }

    /// Payloads from this size up are read by two threads (`ParallelFileRead`).
    static let parallelReadThreshold = 64 << 20

    /// Rows per visited block: about 512 KiB, a multiple of 64 rows.
    static func blockRows(rowBytes: Int) -> Int {
        max(64, (512 << 10) / max(rowBytes, 1) / 64 * 64)
    }

    /// How stored elements become `Scalar`s (chosen once per file).
    private enum Decoding { case copy, float32, float64, float32Swapped, float64Swapped, signed(size: Int, swap: Bool), unsigned(size: Int, swap: Bool), bool }

    /// A run of consecutive file columns that land in consecutive columns of one output matrix.
    private struct Run { var sourceByte: Int; var isTarget: Bool; var column: Int; var count: Int }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func readSplit<Scalar: BLASScalar>(_ url: URL, targetColumns: [Int], as _: Scalar.Type,
                                                      rows rowRange: Range<Int>? = nil,
                                                      visit: RowVisitor<Scalar>) throws -> Split<Scalar> {
        var file = try ArrayFile(url.path)
        defer { close(file.fd) }
        if let r = rowRange {
            // Only these rows: the payload from header + lower·rowBytes (visited row numbers count
            // from the range's start).
            guard r.lowerBound >= 0 && r.upperBound <= file.rows else {
                throw DataError(.npyShape, file: file.path, "rows \(r.lowerBound)..<\(r.upperBound) asked for, the array has \(file.rows)")
            }
            file.dataStart += r.lowerBound * file.rowBytes
            file.rows = r.count
            file.expected = r.count * file.rowBytes
            guard lseek(file.fd, off_t(file.dataStart), SEEK_SET) >= 0 else {
                throw DataError(.io, file: file.path, "cannot seek to row \(r.lowerBound): \(errnoDescription())")
            }
        }
        let (fd, path, header, element) = (file.fd, file.path, file.header, file.element)
        let (rows, cols, rowBytes, expected) = (file.rows, file.cols, file.rowBytes, file.expected)

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
        let (fc, tc) = (featureColumns.count, targetColumns.count)
        let step = blockRows(rowBytes: rowBytes)
        func outOfMemory() -> DataError {
            DataError(.io, file: path, "cannot allocate memory for \(header.shapeText) '\(header.descr)' (\(expected) bytes as \(Scalar.self))")
        }

        if targetColumns.isEmpty && element.kind == .float && element.size == MemoryLayout<Scalar>.size && !element.swap {
            // Straight into the matrix's (huge-page) storage, a block at a time: no intermediate
            // array, and the visitor sees each block while it is in cache.
            let features = try Matrix<Scalar>(tryingRows: rows, cols: cols) { buffer in
                let base = buffer.baseAddress!
                if expected >= parallelReadThreshold {
                    // Two threads share the kernel's work (see `ParallelFileRead`); blocks of
                    // `step` rows are still visited in order.
                    let reader = ParallelFileRead(fd: fd, path: path, fileOffset: file.dataStart, total: expected,
                                                  into: UnsafeMutableRawPointer(base), chunkBytes: step * rowBytes)
                    defer { reader.finish() }
                    while let k = try reader.next() {
                        let r = reader.range(of: k)
                        let first = r.lowerBound / rowBytes, count = r.count / rowBytes
                        try visit(first..<(first + count), MatrixView(base + first * cols, rows: count, cols: cols),
                                  MatrixView(nil, rows: count, cols: 0))
                    }
                    return
                }
                var row = 0
                while row < rows {
                    let take = min(step, rows - row)
                    let want = take * rowBytes
                    let n = try readFully(fd, into: UnsafeMutableRawBufferPointer(start: base + row * cols, count: want), path: path)
                    guard n == want else {
                        throw DataError(.truncated, file: path, "expected \(expected) data bytes, read \(row * rowBytes + n)")
                    }
                    try visit(row..<(row + take), MatrixView(base + row * cols, rows: take, cols: cols), MatrixView(nil, rows: take, cols: 0))
                    row += take
                }
            }
            guard let features else { throw outOfMemory() }
            return Split(features: features, targets: Matrix(rows: rows, cols: 0), shape: header.shapeText)
        }

        // Through a scratch block: runs of file columns that stay together, decoded once per run.
        var runs: [Run] = []
        var destination = [(Bool, Int)](repeating: (false, 0), count: cols)
        for (k, j) in featureColumns.enumerated() { destination[j] = (false, k) }
        for (k, j) in targetColumns.enumerated() { destination[j] = (true, k) }
        for j in 0..<cols {
            let (isTarget, k) = destination[j]
            if let last = runs.last, last.isTarget == isTarget, last.column + last.count == k,
               last.sourceByte + last.count * element.size == j * element.size {
                runs[runs.count - 1].count += 1
            } else {
                runs.append(Run(sourceByte: j * element.size, isTarget: isTarget, column: k, count: 1))
            }
        }
        let decoding: Decoding = switch (element.kind, element.size, element.swap) {
        case (.float, MemoryLayout<Scalar>.size, false): .copy
        case (.float, 4, false): .float32
        case (.float, 8, false): .float64
        case (.float, 4, true): .float32Swapped
        case (.float, _, _): .float64Swapped
        case (.signed, _, _): .signed(size: element.size, swap: element.swap)
        case (.unsigned, _, _): .unsigned(size: element.size, swap: element.swap)
        case (.bool, _, _): .bool
        }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: step * rowBytes, alignment: 64)
        defer { scratch.deallocate() }

        var targets: Matrix<Scalar>? = nil
        let features = try Matrix<Scalar>(tryingRows: rows, cols: fc) { xb in
            targets = try Matrix<Scalar>(tryingRows: rows, cols: tc) { yb in
                let (xs, ys) = (xb.baseAddress, yb.baseAddress)
                var row = 0
                while row < rows {
                    let take = min(step, rows - row)
                    let want = take * rowBytes
                    let n = try readFully(fd, into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]), path: path)
                    guard n == want else { throw DataError(.truncated, file: path, "expected \(expected) data bytes, the read stopped early") }
                    let src = UnsafeRawPointer(scratch.baseAddress!)
                    for r in 0..<take {
                        let line = src + r * rowBytes
                        for run in runs {
                            let out = run.isTarget ? ys! + (row + r) * tc + run.column : xs! + (row + r) * fc + run.column
                            decode(run.count, from: line + run.sourceByte, into: out, decoding)
                        }
                    }
                    try visit(row..<(row + take), MatrixView(xs.map { $0 + row * fc }, rows: take, cols: fc),
                               MatrixView(ys.map { $0 + row * tc }, rows: take, cols: tc))
                    row += take
                }
            }
            guard targets != nil else { throw outOfMemory() }
        }
        guard let features, let targets else { throw outOfMemory() }
        return Split(features: features, targets: targets, shape: header.shapeText)
    }

    /// `count` stored elements at `source` (file format, hence the concrete types) as `Scalar`s.
    @inline(__always)
    private static func decode<Scalar: BLASScalar>(_ count: Int, from source: UnsafeRawPointer,
                                                   into out: UnsafeMutablePointer<Scalar>, _ decoding: Decoding) {
        switch decoding {
        case .copy:
            UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: count * MemoryLayout<Scalar>.size)
        case .float32:
            for k in 0..<count { out[k] = Scalar(Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))) }
        case .float64:
            for k in 0..<count { out[k] = Scalar(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)))) }
        case .float32Swapped:
            for k in 0..<count { out[k] = Scalar(Float(bitPattern: source.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self).byteSwapped)) }
        case .float64Swapped:
            for k in 0..<count { out[k] = Scalar(Double(bitPattern: source.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self).byteSwapped)) }
        case .signed(let size, let swap):
            // Rounded to the nearest Scalar (ties to even), as numpy's astype and sklearn's check_array do.
            for k in 0..<count { out[k] = Scalar(signedInteger(at: source + size * k, size: size, swap: swap)) }
        case .unsigned(let size, let swap):
            for k in 0..<count { out[k] = Scalar(unsignedInteger(at: source + size * k, size: size, swap: swap)) }
        case .bool:
            for k in 0..<count { out[k] = source.load(fromByteOffset: k, as: UInt8.self) != 0 ? 1 : 0 }
        }
    }

    /// The stored two's-complement integer of `size` bytes at `p` (little-endian unless `swap`).
    @inline(__always)
    private static func signedInteger(at p: UnsafeRawPointer, size: Int, swap: Bool) -> Int64 {
        switch size {
        case 1: Int64(p.load(as: Int8.self))
        case 2: Int64(Int16(bitPattern: swap ? p.loadUnaligned(as: UInt16.self).byteSwapped : UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
        case 4: Int64(Int32(bitPattern: swap ? p.loadUnaligned(as: UInt32.self).byteSwapped : UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
        default: Int64(bitPattern: swap ? p.loadUnaligned(as: UInt64.self).byteSwapped : UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        }
    }

    /// The stored unsigned integer of `size` bytes at `p` (little-endian unless `swap`).
    @inline(__always)
    private static func unsignedInteger(at p: UnsafeRawPointer, size: Int, swap: Bool) -> UInt64 {
        switch size {
        case 1: UInt64(p.load(as: UInt8.self))
        case 2: UInt64(swap ? p.loadUnaligned(as: UInt16.self).byteSwapped : UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
        case 4: UInt64(swap ? p.loadUnaligned(as: UInt32.self).byteSwapped : UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        default: swap ? p.loadUnaligned(as: UInt64.self).byteSwapped : UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        }
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
