/// Consecutive rows of a `SparseMatrix` (a mini-batch), sharing its storage: making one copies
/// nothing. Row `i` of the batch is row `rowRange.lowerBound + i` of `matrix`. The products
/// (`SparseRows+Products.swift`) work on batches; a whole matrix is `matrix.allRows`.
public struct SparseRows<Scalar: BLASScalar>: @unchecked Sendable {
    /// The matrix the rows belong to.
    public let matrix: SparseMatrix<Scalar>
    /// The rows of `matrix` in the batch.
    public let rowRange: Range<Int>

    /// Rows `range` of `matrix` (which must lie inside it).
    @inlinable
    public init(_ matrix: SparseMatrix<Scalar>, rows range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= matrix.rows, "rows \(range) outside \(matrix.shape)")
        self.matrix = matrix; self.rowRange = range
    }

    /// The number of rows in the batch.
    @inlinable public var rows: Int { rowRange.count }
    /// The number of columns (the matrix's).
    @inlinable public var cols: Int { matrix.cols }
    /// The shape as text, `rows×cols`, for messages.
    @inlinable public var shape: String { "\(rows)×\(cols)" }
    /// The stored entries of these rows.
    @inlinable public var nonzeroCount: Int { matrix.rowStarts[rowRange.upperBound] - matrix.rowStarts[rowRange.lowerBound] }

    /// Rows of this batch (indices relative to it), without copying.
    @inlinable
    public func rows(_ range: Range<Int>) -> SparseRows {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside \(shape)")
        return SparseRows(matrix, rows: (rowRange.lowerBound + range.lowerBound)..<(rowRange.lowerBound + range.upperBound))
    }

    /// The batch as a matrix of its own (copies the rows' entries; for tests and saving).
    public func toMatrix() -> SparseMatrix<Scalar> {
        let (lo, hi) = (matrix.rowStarts[rowRange.lowerBound], matrix.rowStarts[rowRange.upperBound])
        return SparseMatrix(unchecked: rows, cols: cols,
                            rowStarts: matrix.rowStarts[rowRange.lowerBound...rowRange.upperBound].map { $0 - lo },
                            columnIndices: Array(matrix.columnIndices[lo..<hi]), values: Array(matrix.values[lo..<hi]))
    }

    /// Raw read access for the kernels: `starts[i]..<starts[i + 1]` are row `i`'s entries (absolute
    /// positions in `indices`/`values`), for `i` in `0..<rows`.
    @inlinable
    public func withUnsafeStorage<R>(_ body: (_ starts: UnsafePointer<Int>, _ indices: UnsafePointer<Int32>,
                                              _ values: UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try matrix.rowStarts.withUnsafeBufferPointer { s in
            try matrix.columnIndices.withUnsafeBufferPointer { c in
                try matrix.values.withUnsafeBufferPointer { v in
                    // Empty arrays may have no base address; nothing is read through them then.
                    let dummyIndex = UnsafePointer<Int32>(bitPattern: MemoryLayout<Int32>.alignment)!
                    let dummyValue = UnsafePointer<Scalar>(bitPattern: MemoryLayout<Scalar>.alignment)!
                    return try body(s.baseAddress! + rowRange.lowerBound, c.baseAddress ?? dummyIndex, v.baseAddress ?? dummyValue)
                }
            }
        }
    }
}

extension SparseMatrix {
    /// Consecutive rows as a batch sharing this matrix's storage (no copy).
    @inlinable
    public func rows(_ range: Range<Int>) -> SparseRows<Scalar> { SparseRows(self, rows: range) }

    /// All rows as a batch (for the products).
    @inlinable public var allRows: SparseRows<Scalar> { SparseRows(self, rows: 0..<rows) }
}
