/// A non-owning, read-only, row-major window on memory: `rows × cols` elements whose rows start
/// `stride` elements apart. Views are how a mini-batch of consecutive rows, or a layer's weights
/// inside the flat parameter buffer, are handed to BLAS without copying. The memory must outlive
/// the view (obtain it inside a `withUnsafe…` closure).
public struct MatrixView<Scalar: BLASScalar> {
    /// The first element; nil only for an empty view.
    public let base: UnsafePointer<Scalar>?
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let cols: Int
    /// Elements between the starts of consecutive rows (BLAS's leading dimension), `≥ cols`.
    public let stride: Int

    /// A view of `rows × cols` elements at `base` whose rows start `stride` elements apart (`cols` when nil).
    @inlinable
    public init(_ base: UnsafePointer<Scalar>?, rows: Int, cols: Int, stride: Int? = nil) {
        precondition(rows >= 0 && cols >= 0, "matrix view shape \(rows)×\(cols) is negative")
        let s = stride ?? cols
        precondition(s >= cols, "row stride \(s) is smaller than the column count \(cols)")
        precondition(base != nil || rows * cols == 0, "a non-empty \(rows)×\(cols) view needs memory")
        self.base = base; self.rows = rows; self.cols = cols; self.stride = s
    }

    /// A view of `count` elements of a buffer starting at `offset`, shaped `rows × cols`.
    @inlinable
    public init(_ buffer: UnsafeBufferPointer<Scalar>, offset: Int = 0, rows: Int, cols: Int) {
        precondition(offset >= 0 && offset + rows * cols <= buffer.count,
                     "a \(rows)×\(cols) view at offset \(offset) needs \(offset + rows * cols) elements, the buffer has \(buffer.count)")
        self.init(buffer.baseAddress.map { $0 + offset }, rows: rows, cols: cols)
    }

    /// BLAS requires a leading dimension of at least 1 even for empty matrices.
    @inlinable public var ld: Int { Swift.max(1, stride) }
    /// The shape as text, `rows×cols`, for messages.
    @inlinable public var shape: String { "\(rows)×\(cols)" }

    /// The element at `row`, `col` (0-based; out of range is a precondition failure).
    @inlinable
    public subscript(row: Int, col: Int) -> Scalar {
        precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) outside \(shape)")
        return base![row * stride + col]
    }

    /// Consecutive rows, without copying.
    @inlinable
    public func rows(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside \(shape)")
        return MatrixView(base.map { $0 + range.lowerBound * stride }, rows: range.count, cols: cols, stride: stride)
    }

    /// One row as a buffer.
    @inlinable
    public func row(_ i: Int) -> UnsafeBufferPointer<Scalar> {
        precondition(i >= 0 && i < rows, "row \(i) outside \(shape)")
        return UnsafeBufferPointer(start: base! + i * stride, count: cols)
    }
}

/// A non-owning, mutable, row-major window on memory; see `MatrixView`.
public struct MutableMatrixView<Scalar: BLASScalar> {
    /// The first element; nil only for an empty view.
    public let base: UnsafeMutablePointer<Scalar>?
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let cols: Int
    /// Elements between the starts of consecutive rows (BLAS's leading dimension), `≥ cols`.
    public let stride: Int

    /// A view of `rows × cols` elements at `base` whose rows start `stride` elements apart (`cols` when nil).
    @inlinable
    public init(_ base: UnsafeMutablePointer<Scalar>?, rows: Int, cols: Int, stride: Int? = nil) {
        precondition(rows >= 0 && cols >= 0, "matrix view shape \(rows)×\(cols) is negative")
        let s = stride ?? cols
        precondition(s >= cols, "row stride \(s) is smaller than the column count \(cols)")
        precondition(base != nil || rows * cols == 0, "a non-empty \(rows)×\(cols) view needs memory")
        self.base = base; self.rows = rows; self.cols = cols; self.stride = s
    }

    /// A view of `rows × cols` elements of a buffer starting at `offset`.
    @inlinable
    public init(_ buffer: UnsafeMutableBufferPointer<Scalar>, offset: Int = 0, rows: Int, cols: Int) {
        precondition(offset >= 0 && offset + rows * cols <= buffer.count,
                     "a \(rows)×\(cols) view at offset \(offset) needs \(offset + rows * cols) elements, the buffer has \(buffer.count)")
        self.init(buffer.baseAddress.map { $0 + offset }, rows: rows, cols: cols)
    }

    /// The same window, read-only.
    @inlinable public var readOnly: MatrixView<Scalar> {
        MatrixView(base.map { UnsafePointer($0) }, rows: rows, cols: cols, stride: stride)
    }
    /// BLAS's leading dimension: `stride`, and at least 1 even for empty matrices.
    @inlinable public var ld: Int { Swift.max(1, stride) }
    /// The shape as text, `rows×cols`, for messages.
    @inlinable public var shape: String { "\(rows)×\(cols)" }

    /// The element at `row`, `col`; setting it writes the memory.
    @inlinable
    public subscript(row: Int, col: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) outside \(shape)")
            return base![row * stride + col]
        }
        nonmutating set {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) outside \(shape)")
            base![row * stride + col] = newValue
        }
    }

    /// The rows in `range`, as a view on the same memory.
    @inlinable
    public func rows(_ range: Range<Int>) -> MutableMatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside \(shape)")
        return MutableMatrixView(base.map { $0 + range.lowerBound * stride }, rows: range.count, cols: cols, stride: stride)
    }

    /// Row `i` as a mutable buffer on the same memory.
    @inlinable
    public func row(_ i: Int) -> UnsafeMutableBufferPointer<Scalar> {
        precondition(i >= 0 && i < rows, "row \(i) outside \(shape)")
        return UnsafeMutableBufferPointer(start: base! + i * stride, count: cols)
    }

    /// Sets every element to `value`.
    @inlinable
    public func fill(_ value: Scalar) {
        for i in 0..<rows { row(i).update(repeating: value) }
    }
}
