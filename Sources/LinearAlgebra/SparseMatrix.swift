/// A sparse matrix in compressed sparse row (CSR) form, with value semantics.
///
/// Row `i`'s stored entries are `columnIndices[k]`, `values[k]` for `k` in
/// `rowStarts[i]..<rowStarts[i + 1]`. Column indices need not be sorted within a row and may repeat
/// (a repeated entry counts as the sum of its values, as in scipy.sparse); the readers in DataFiles
/// produce sorted, unique indices. Explicitly stored zeros are kept. The arrays are shared
/// copy-on-write, so copying a matrix or taking a row batch (`rows(_:)`) copies nothing.
///
/// Products (`SparseRows+Products.swift`) are plain loops over the stored entries: BLAS has no
/// sparse routines.
public struct SparseMatrix<Scalar: BLASScalar>: @unchecked Sendable {
    /// The number of rows.
    @inlinable public var rows: Int { _rows }
    /// The number of columns.
    @inlinable public var cols: Int { _cols }
    /// `rows + 1` nondecreasing offsets into `columnIndices`/`values`, from 0 to `nonzeroCount`.
    @inlinable public var rowStarts: [Int] { _rowStarts }
    /// The column of each stored entry, in `0..<cols`.
    @inlinable public var columnIndices: [Int32] { _columnIndices }
    /// The value of each stored entry, in the order of `columnIndices`.
    @inlinable public var values: [Scalar] { _values }

    @usableFromInline var _rows: Int
    @usableFromInline var _cols: Int
    @usableFromInline var _rowStarts: [Int]
    @usableFromInline var _columnIndices: [Int32]
    @usableFromInline var _values: [Scalar]

    /// The stored entries (explicit zeros included).
    @inlinable public var nonzeroCount: Int { _values.count }
    /// The shape as text, `rows×cols`, for messages.
    @inlinable public var shape: String { "\(rows)×\(cols)" }

    /// A CSR matrix over the given arrays, checked: `rowStarts` has `rows + 1` nondecreasing entries
    /// from 0 to `values.count`, `columnIndices` has one entry per value, each in `0..<cols`.
    /// Throws naming the expected shape and the first bad entry.
    public init(rows: Int, cols: Int, rowStarts: [Int], columnIndices: [Int32], values: [Scalar]) throws(SparseMatrixError) {
        try Self.validate(rows: rows, cols: cols, starts: rowStarts, indices: columnIndices,
                          valueCount: values.count, major: "row", minor: "column")
        self.init(unchecked: rows, cols: cols, rowStarts: rowStarts, columnIndices: columnIndices, values: values)
    }

    /// As `init(rows:cols:rowStarts:columnIndices:values:)` with `Int` column indices.
    public init(rows: Int, cols: Int, rowStarts: [Int], columnIndices: [Int], values: [Scalar]) throws(SparseMatrixError) {
        guard cols <= Int(Int32.max) else {
            throw SparseMatrixError("a sparse matrix has at most \(Int32.max) columns, this one \(cols)")
        }
        for (k, j) in columnIndices.enumerated() where j < 0 || j >= cols {
            throw SparseMatrixError("column index \(j) at position \(k) is outside 0..<\(cols)")
        }
        try self.init(rows: rows, cols: cols, rowStarts: rowStarts,
                      columnIndices: columnIndices.map { Int32(truncatingIfNeeded: $0) }, values: values)
    }

    /// Arrays the caller has already checked (the readers, conversions and `gatherRows`).
    @inlinable
    init(unchecked rows: Int, cols: Int, rowStarts: [Int], columnIndices: [Int32], values: [Scalar]) {
        _rows = rows; _cols = cols
        _rowStarts = rowStarts; _columnIndices = columnIndices; _values = values
    }

    /// An empty `rows × cols` matrix (no stored entries).
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0 && cols <= Int(Int32.max), "sparse matrix shape \(rows)×\(cols) is invalid")
        self.init(unchecked: rows, cols: cols, rowStarts: [Int](repeating: 0, count: rows + 1), columnIndices: [], values: [])
    }

    /// The nonzero elements of a dense matrix (zeros are not stored).
    public init(dense: Matrix<Scalar>) {
        precondition(dense.cols <= Int(Int32.max), "a sparse matrix has at most \(Int32.max) columns")
        var starts = [0], indices: [Int32] = [], values: [Scalar] = []
        starts.reserveCapacity(dense.rows + 1)
        for i in 0..<dense.rows {
            for j in 0..<dense.cols where dense[i, j] != 0 {
                indices.append(Int32(j)); values.append(dense[i, j])
            }
            starts.append(values.count)
        }
        self.init(unchecked: dense.rows, cols: dense.cols, rowStarts: starts, columnIndices: indices, values: values)
    }

    /// The dense matrix (repeated entries summed).
    public func toDense() -> Matrix<Scalar> {
        var m = Matrix<Scalar>(rows: rows, cols: cols)
        m.withMutableView { out in
            for i in 0..<rows {
                for k in rowStarts[i]..<rowStarts[i + 1] { out[i, Int(columnIndices[k])] += values[k] }
            }
        }
        return m
    }

    /// Row `i`'s stored entries as (column, value) pairs (a copy; for tests and messages).
    public func row(_ i: Int) -> [(column: Int, value: Scalar)] {
        precondition(i >= 0 && i < rows, "row \(i) outside \(shape)")
        return (rowStarts[i]..<rowStarts[i + 1]).map { (Int(columnIndices[$0]), values[$0]) }
    }

    /// Whether the column indices increase strictly within every row (sorted and unique).
    public var hasSortedIndices: Bool {
        for i in 0..<rows {
            var k = rowStarts[i] + 1
            while k < rowStarts[i + 1] { if columnIndices[k] <= columnIndices[k - 1] { return false }; k += 1 }
        }
        return true
    }

    /// Checks compressed arrays (`major` is "row" for CSR, "column" for CSC).
    static func validate(rows: Int, cols: Int, starts: [Int], indices: [Int32], valueCount: Int,
                         major: String, minor: String) throws(SparseMatrixError) {
        guard rows >= 0, cols >= 0 else { throw SparseMatrixError("sparse matrix shape \(rows)×\(cols) is negative") }
        guard cols <= Int(Int32.max), rows <= Int(Int32.max) else {
            throw SparseMatrixError("sparse matrix shape \(rows)×\(cols) has a dimension above \(Int32.max)")
        }
        let (majorCount, minorCount) = major == "row" ? (rows, cols) : (cols, rows)
        guard starts.count == majorCount + 1 else {
            throw SparseMatrixError("a \(rows)×\(cols) matrix needs \(majorCount + 1) \(major) starts, got \(starts.count)")
        }
        guard starts[0] == 0 else { throw SparseMatrixError("\(major) starts must begin at 0, the first is \(starts[0])") }
        for m in 0..<majorCount where starts[m + 1] < starts[m] {
            throw SparseMatrixError("\(major) starts decrease at \(major) \(m): \(starts[m]) then \(starts[m + 1])")
        }
        guard starts[majorCount] == valueCount else {
            throw SparseMatrixError("the last \(major) start is \(starts[majorCount]) but there are \(valueCount) values")
        }
        guard indices.count == valueCount else {
            throw SparseMatrixError("\(indices.count) \(minor) indices for \(valueCount) values")
        }
        for k in 0..<indices.count where indices[k] < 0 || Int(indices[k]) >= minorCount {
            var m = 0
            while starts[m + 1] <= k { m += 1 }
            throw SparseMatrixError("\(minor) index \(indices[k]) at position \(k) (\(major) \(m)) is outside 0..<\(minorCount)")
        }
    }
}

extension SparseMatrix: Equatable {
    /// The same shape and the same stored arrays (not merely the same dense matrix).
    public static func == (lhs: SparseMatrix, rhs: SparseMatrix) -> Bool {
        lhs.rows == rhs.rows && lhs.cols == rhs.cols && lhs.rowStarts == rhs.rowStarts
            && lhs.columnIndices == rhs.columnIndices && lhs.values == rhs.values
    }
}

extension SparseMatrix: CustomStringConvertible {
    public var description: String { "SparseMatrix<\(Scalar.self)> \(shape), \(nonzeroCount) stored" }
}
