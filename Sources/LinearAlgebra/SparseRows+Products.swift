/// Products of a sparse batch `X` (`rows × cols`) with dense operands, as loops over the stored
/// entries (OpenBLAS has no sparse routines). Dense operands are row-major views; shapes are
/// checked with preconditions naming both shapes. `β = 0` overwrites the output without reading
/// it (as BLAS does), `β = 1` accumulates. None of them allocates.
extension SparseRows {
    /// `y ← α·X·v + β·y`; `v` has `cols` elements, `y` has `rows`.
    @inlinable
    public func multiply(_ v: UnsafeBufferPointer<Scalar>, into y: UnsafeMutableBufferPointer<Scalar>,
                         alpha: Scalar = 1, beta: Scalar = 0) {
        precondition(v.count == cols, "sparse X·v: X is \(shape) but v has \(v.count) elements")
        precondition(y.count == rows, "sparse X·v: X is \(shape) but y has \(y.count) elements")
        if rows == 0 { return }
        withUnsafeStorage { starts, indices, values in
            for i in 0..<rows {
                var s: Scalar = 0
                var k = starts[i]
                let end = starts[i + 1]
                while k < end { s += values[k] * v[Int(indices[k])]; k += 1 }
                y[i] = beta == 0 ? alpha * s : alpha * s + beta * y[i]
            }
        }
    }

    /// `Y ← α·X·W + β·Y`; `W` is `cols × k`, `Y` is `rows × k`. With a `pool`, large products are
    /// split into row blocks of about equal stored entries, one per thread (each block writes its
    /// own rows of `Y`, so the result is the same with or without the pool).
    @inlinable
    public func multiply(_ w: MatrixView<Scalar>, into y: MutableMatrixView<Scalar>,
                         alpha: Scalar = 1, beta: Scalar = 0, pool: WorkerPool? = nil) {
        precondition(w.rows == cols, "sparse X·W: X is \(shape) but W is \(w.shape)")
        precondition(y.rows == rows && y.cols == w.cols, "sparse X·W: the result should be \(rows)×\(w.cols) but Y is \(y.shape)")
        if rows == 0 || y.cols == 0 { return }
        let parts = Self.parts(work: (nonzeroCount + rows) * w.cols, rows: rows, pool: pool)
        if parts == 1 { multiplyRows(0..<rows, w, y, alpha, beta); return }
        let pool = pool!
        let job = pool.reusableJob { SparseProductJob<Scalar>() }
        job.set(.multiply, self, w, y, alpha: alpha, beta: beta, parts: parts, workspace: nil)
        pool.run(parts: parts, job: job)
        job.clear()
    }

    /// `G ← α·Xᵀ·D + β·G` (a gradient); `D` is `rows × k`, `G` is `cols × k`. Single-threaded; the
    /// variant with a `SparseTransposeWorkspace` uses a pool.
    @inlinable
    public func multiplyTransposed(_ d: MatrixView<Scalar>, into g: MutableMatrixView<Scalar>,
                                   alpha: Scalar = 1, beta: Scalar = 0) {
        checkTransposed(d, g)
        Self.scale(g, beta)
        accumulateTransposed(0..<rows, d, g, alpha)
    }

    /// `G ← α·Xᵀ·D + β·G` over a pool: the rows are split into blocks of about equal stored
    /// entries; block 0 accumulates into `G`, block p > 0 into the workspace's buffer p − 1, and the
    /// buffers are then added to `G` in block order, so a given pool size gives the same result on
    /// every run. The workspace must be for `G`'s shape and at least the pool's thread count.
    @inlinable
    public func multiplyTransposed(_ d: MatrixView<Scalar>, into g: MutableMatrixView<Scalar>,
                                   alpha: Scalar = 1, beta: Scalar = 0,
                                   pool: WorkerPool, workspace: SparseTransposeWorkspace<Scalar>) {
        checkTransposed(d, g)
        precondition(workspace.rows == g.rows && workspace.cols == g.cols && workspace.threads >= pool.threadCount,
                     "sparse Xᵀ·D: the workspace is for \(workspace.threads) threads and \(workspace.rows)×\(workspace.cols), G is \(g.shape) on \(pool.threadCount) threads")
        Self.scale(g, beta)
        let parts = Self.parts(work: (nonzeroCount + rows) * d.cols, rows: rows, pool: pool)
        if parts == 1 { accumulateTransposed(0..<rows, d, g, alpha); return }
        let job = pool.reusableJob { SparseProductJob<Scalar>() }
        job.set(.transposed, self, d, g, alpha: alpha, beta: 1, parts: parts, workspace: workspace)
        pool.run(parts: parts, job: job)
        job.clear()
        for p in 1..<parts {
            let buffer = workspace.buffer(p - 1).readOnly
            for j in 0..<g.rows { Scalar.rowAxpy(1, buffer.base! + j * buffer.stride, g.base! + j * g.stride, g.cols) }
        }
    }

    /// `g ← α·Xᵀ·d + β·g`; `d` has `rows` elements, `g` has `cols`.
    @inlinable
    public func multiplyTransposed(_ d: UnsafeBufferPointer<Scalar>, into g: UnsafeMutableBufferPointer<Scalar>,
                                   alpha: Scalar = 1, beta: Scalar = 0) {
        precondition(d.count == rows && g.count == cols, "sparse Xᵀ·d: X is \(shape), d has \(d.count) elements, g \(g.count)")
        multiplyTransposed(MatrixView(d, rows: rows, cols: 1), into: MutableMatrixView(g, rows: cols, cols: 1),
                           alpha: alpha, beta: beta)
    }

    // MARK: Kernels

    @inlinable
    func checkTransposed(_ d: MatrixView<Scalar>, _ g: MutableMatrixView<Scalar>) {
        precondition(d.rows == rows, "sparse Xᵀ·D: X is \(shape) but D is \(d.shape)")
        precondition(g.rows == cols && g.cols == d.cols, "sparse Xᵀ·D: the result should be \(cols)×\(d.cols) but G is \(g.shape)")
    }

    /// `m ← β·m` (zeros without reading when β = 0).
    @inlinable
    static func scale(_ m: MutableMatrixView<Scalar>, _ beta: Scalar) {
        if beta == 1 || m.cols == 0 { return }
        for i in 0..<m.rows {
            if beta == 0 { m.row(i).update(repeating: 0) } else { Scalar.rowScal(beta, m.base! + i * m.stride, m.cols) }
        }
    }

    /// Rows `range` of `Y ← α·X·W + β·Y`.
    @inlinable
    func multiplyRows(_ range: Range<Int>, _ w: MatrixView<Scalar>, _ y: MutableMatrixView<Scalar>, _ alpha: Scalar, _ beta: Scalar) {
        let k = w.cols
        let (wb, yb, ws, ys) = (w.base, y.base!, w.stride, y.stride)
        withUnsafeStorage { starts, indices, values in
            if k == 1 {
                for i in range {
                    var s: Scalar = 0
                    var e = starts[i]
                    let end = starts[i + 1]
                    while e < end { s += values[e] * wb![Int(indices[e]) * ws]; e += 1 }
                    yb[i * ys] = beta == 0 ? alpha * s : alpha * s + beta * yb[i * ys]
                }
                return
            }
            for i in range {
                let out = yb + i * ys
                if beta == 0 { out.update(repeating: 0, count: k) } else if beta != 1 { Scalar.rowScal(beta, out, k) }
                var e = starts[i]
                let end = starts[i + 1]
                while e < end {
                    let a = alpha * values[e]
                    let src = wb! + Int(indices[e]) * ws
                    for c in 0..<k { out[c] += a * src[c] }
                    e += 1
                }
            }
        }
    }

    /// `G += α·X[range]ᵀ·D[range]`.
    @inlinable
    func accumulateTransposed(_ range: Range<Int>, _ d: MatrixView<Scalar>, _ g: MutableMatrixView<Scalar>, _ alpha: Scalar) {
        let k = d.cols
        if k == 0 || range.isEmpty { return }
        let (db, gb, ds, gs) = (d.base!, g.base!, d.stride, g.stride)
        withUnsafeStorage { starts, indices, values in
            if k == 1 {
                for i in range {
                    let a = alpha * db[i * ds]
                    var e = starts[i]
                    let end = starts[i + 1]
                    while e < end { gb[Int(indices[e]) * gs] += a * values[e]; e += 1 }
                }
                return
            }
            for i in range {
                let src = db + i * ds
                var e = starts[i]
                let end = starts[i + 1]
                while e < end {
                    let a = alpha * values[e]
                    let out = gb + Int(indices[e]) * gs
                    for c in 0..<k { out[c] += a * src[c] }
                    e += 1
                }
            }
        }
    }

    /// Products below this many multiply-adds run on one thread (a pool hand-off costs a few µs).
    @inlinable static var parallelThreshold: Int { 1 << 16 }

    @inlinable
    static func parts(work: Int, rows: Int, pool: WorkerPool?) -> Int {
        guard let pool, pool.threadCount > 1, work >= parallelThreshold else { return 1 }
        return Swift.max(1, Swift.min(pool.threadCount, rows, work / (parallelThreshold / 2)))
    }

    /// Block `part` of `parts`: consecutive rows whose stored entries are about `1/parts` of the
    /// batch's (found by binary search on the row starts).
    @inlinable
    func blockRows(part: Int, of parts: Int) -> Range<Int> {
        func firstRow(atEntry target: Int) -> Int {
            // The first row i with starts[i] ≥ target, among 0…rows.
            var (lo, hi) = (0, rows)
            while lo < hi {
                let mid = (lo + hi) / 2
                if matrix.rowStarts[rowRange.lowerBound + mid] - matrix.rowStarts[rowRange.lowerBound] < target { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        if part == parts - 1 { return firstRow(atEntry: nonzeroCount * part / parts)..<rows }
        let lo = part == 0 ? 0 : firstRow(atEntry: nonzeroCount * part / parts)
        return lo..<Swift.max(lo, firstRow(atEntry: nonzeroCount * (part + 1) / parts))
    }
}

/// The parts of a pooled sparse product as a `WorkerPoolJob`, kept by the pool
/// (`WorkerPool.reusableJob`, one per scalar type) so that a pooled product allocates nothing after
/// the pool's first. `.multiply`: part p writes its row block of `Y ← α·X·W + β·Y`. `.transposed`:
/// part 0 accumulates its block of `α·Xᵀ·D` into `G`, part p > 0 into the workspace's buffer p − 1
/// (zeroed first); the caller adds the buffers in part order.
@usableFromInline
final class SparseProductJob<Scalar: BLASScalar>: WorkerPoolJob {
    @usableFromInline enum Kind { case multiply, transposed }
    @usableFromInline var kind = Kind.multiply
    @usableFromInline var x: SparseRows<Scalar>? = nil
    @usableFromInline var operand: MatrixView<Scalar>? = nil
    @usableFromInline var result: MutableMatrixView<Scalar>? = nil
    @usableFromInline var workspace: SparseTransposeWorkspace<Scalar>? = nil
    @usableFromInline var alpha: Scalar = 1
    @usableFromInline var beta: Scalar = 0
    @usableFromInline var parts = 1

    @usableFromInline init() {}

    @inlinable
    func set(_ kind: Kind, _ x: SparseRows<Scalar>, _ operand: MatrixView<Scalar>, _ result: MutableMatrixView<Scalar>,
             alpha: Scalar, beta: Scalar, parts: Int, workspace: SparseTransposeWorkspace<Scalar>?) {
        self.kind = kind; self.x = x; self.operand = operand; self.result = result
        self.alpha = alpha; self.beta = beta; self.parts = parts; self.workspace = workspace
    }

    /// Drops the references to the batch and the workspace (the views are left: never read again).
    @inlinable
    func clear() { x = nil; workspace = nil }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline
    func runPart(_ part: Int) {
        guard let x, let operand, let result else { return }
        let block = x.blockRows(part: part, of: parts)
        switch kind {
        case .multiply:
            x.multiplyRows(block, operand, result, alpha, beta)
        case .transposed:
            if part == 0 { x.accumulateTransposed(block, operand, result, alpha); return }
            let buffer = workspace!.buffer(part - 1)
            buffer.fill(0)
            x.accumulateTransposed(block, operand, buffer, alpha)
        }
    }
}
