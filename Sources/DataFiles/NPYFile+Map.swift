#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LinearAlgebra

extension NPYFile {
    /// The whole array as a matrix over a memory mapping of the file, with no copy: processes on one
    /// machine that map the same file share its pages in the page cache (data-parallel training in
    /// `.exact` mode maps the whole file in every process). The mapping is private and writable, so
    /// changing the matrix (standardising it in place, say) copies just the changed pages for this
    /// process and never touches the file. Each block of rows is handed to `visit` in order, as
    /// `read` does (the first pass reads the file in). Returns nil, so that the caller reads it
    /// instead, when the file's elements are not floating-point `Scalar`s in this machine's byte order at a
    /// `Scalar`-aligned offset. `rows`: only these rows (one process's shard in `.sharded` mode; the
    /// mapping starts at the page holding the first; visited row numbers count from its start).
    public static func map<Scalar: BLASScalar>(_ url: URL, rows range: Range<Int>? = nil, as _: Scalar.Type = Scalar.self,
                                               visitingRows visit: RowVisitor<Scalar>) throws -> Matrix<Scalar>? {
        let file = try ArrayFile(url.path)
        defer { close(file.fd) }
        let r = range ?? 0..<file.rows
        guard r.lowerBound >= 0 && r.upperBound <= file.rows else {
            throw DataError(.npyShape, file: file.path, "rows \(r.lowerBound)..<\(r.upperBound) asked for, the array has \(file.rows)")
        }
        let first = file.dataStart + r.lowerBound * file.rowBytes
        guard file.element.kind == .float, file.element.size == MemoryLayout<Scalar>.size, !file.element.swap,
              first % MemoryLayout<Scalar>.alignment == 0, r.count > 0, file.cols > 0 else { return nil }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = first / page * page
        let length = first + r.count * file.rowBytes - start
        guard let raw = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.fd, off_t(start)), raw != MAP_FAILED else {
            throw DataError(.io, file: file.path, "cannot map the file into memory: \(errnoDescription())")
        }
        _ = madvise(raw, length, MADV_WILLNEED)   // start reading ahead
        let base = (raw + (first - start)).bindMemory(to: Scalar.self, capacity: r.count * file.cols)
        let matrix = Matrix(unsafeExternalElements: base, rows: r.count, cols: file.cols) { _ = munmap(raw, length) }
        let step = blockRows(rowBytes: file.rowBytes)
        var row = 0
        while row < r.count {
            let take = min(step, r.count - row)
            try visit(row..<(row + take), MatrixView(base + row * file.cols, rows: take, cols: file.cols), MatrixView(nil, rows: take, cols: 0))
            row += take
        }
        return matrix
    }
}
