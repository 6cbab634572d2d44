/// Per-thread `cols × k` buffers for the threaded `SparseRows.multiplyTransposed` (Xᵀ·D): made once
/// (allocation), reused every step. Holds `threads − 1` buffers (thread 0 writes the result itself).
public final class SparseTransposeWorkspace<Scalar: BLASScalar>: @unchecked Sendable {
    /// The most threads the workspace serves.
    public let threads: Int
    /// The result's rows (the sparse matrix's columns).
    public let rows: Int
    /// The result's columns (D's columns).
    public let cols: Int
    @usableFromInline let storage: UnsafeMutablePointer<Scalar>

    /// Buffers for a result of `rows × cols` (the sparse matrix's columns × D's columns) on up to `threads` threads.
    public init(threads: Int, rows: Int, cols: Int) {
        precondition(threads >= 1 && rows >= 0 && cols >= 0, "workspace for \(threads) threads of \(rows)×\(cols) is invalid")
        self.threads = threads; self.rows = rows; self.cols = cols
        let count = Swift.max(1, (threads - 1) * rows * cols)
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
    }

    deinit { storage.deallocate() }

    /// Buffer `p` (0 ..< threads − 1).
    @inlinable
    func buffer(_ p: Int) -> MutableMatrixView<Scalar> {
        MutableMatrixView(storage + p * rows * cols, rows: rows, cols: cols)
    }
}

extension SparseMatrix {
    /// `X·W` as a new matrix (`W` is `cols × k`).
    public func multiplied(by w: Matrix<Scalar>, pool: WorkerPool? = nil) -> Matrix<Scalar> {
        var y = Matrix<Scalar>(rows: rows, cols: w.cols)
        w.withView { wv in y.withMutableView { allRows.multiply(wv, into: $0, pool: pool) } }
        return y
    }

    /// `Xᵀ·D` as a new matrix (`D` is `rows × k`).
    public func transposedMultiplied(by d: Matrix<Scalar>) -> Matrix<Scalar> {
        var g = Matrix<Scalar>(rows: cols, cols: d.cols)
        d.withView { dv in g.withMutableView { allRows.multiplyTransposed(dv, into: $0) } }
        return g
    }

    /// `X·v` as a new array.
    public func multiplied(by v: [Scalar]) -> [Scalar] {
        var y = [Scalar](repeating: 0, count: rows)
        v.withUnsafeBufferPointer { vb in y.withUnsafeMutableBufferPointer { allRows.multiply(vb, into: $0) } }
        return y
    }
}
