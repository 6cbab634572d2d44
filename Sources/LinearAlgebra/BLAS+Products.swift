extension BLAS {
    /// `C ← α·op(A)·op(B) + βC` (gemm). Shapes are checked: `op(A)` is `m × k`, `op(B)` is `k × n`,
    /// `C` is `m × n`; a mismatch traps with both shapes in the message. Zero-sized dimensions are
    /// handled here (BLAS would reject `ld = 0`): an empty `C` is untouched, and `k = 0` leaves `βC`.
    @inlinable
    public static func gemm<T: BLASScalar>(_ a: MatrixView<T>, _ transA: Transpose = .none,
                                           _ b: MatrixView<T>, _ transB: Transpose = .none,
                                           into c: MutableMatrixView<T>, alpha: T = 1, beta: T = 0) {
        let (m, k) = transA.applied(rows: a.rows, cols: a.cols)
        let (kb, n) = transB.applied(rows: b.rows, cols: b.cols)
        precondition(k == kb, "gemm: op(A) is \(m)×\(k) but op(B) is \(kb)×\(n) (A \(a.shape)\(transA == .transpose ? "ᵀ" : ""), B \(b.shape)\(transB == .transpose ? "ᵀ" : ""))")
        precondition(c.rows == m && c.cols == n, "gemm: result should be \(m)×\(n) but C is \(c.shape)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { scal(beta, c.row(i)) }
            return
        }
        T.blasGemm(transA, transB, m, n, k, alpha, a.base!, a.ld, b.base!, b.ld, beta, c.base!, c.ld)
    }

    /// `y ← α·op(A)·x + βy` (gemv), with `op(A)` of shape `m × n`, `x` of length `n`, `y` of length `m`.
    @inlinable
    public static func gemv<T: BLASScalar>(_ a: MatrixView<T>, _ trans: Transpose = .none,
                                           _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>,
                                           alpha: T = 1, beta: T = 0) {
        let (m, n) = trans.applied(rows: a.rows, cols: a.cols)
        precondition(x.count == n, "gemv: op(A) is \(m)×\(n) (A \(a.shape)\(trans == .transpose ? "ᵀ" : "")) but x has \(x.count) elements")
        precondition(y.count == m, "gemv: op(A) is \(m)×\(n) (A \(a.shape)\(trans == .transpose ? "ᵀ" : "")) but y has \(y.count) elements")
        if m == 0 { return }
        if n == 0 { scal(beta, y); return }
        T.blasGemv(trans, a.rows, a.cols, alpha, a.base!, a.ld, x.baseAddress!, 1, beta, y.baseAddress!, 1)
    }

    /// Copies the rows named by `indices` (in that order) into the first rows of `destination`.
    /// This is how a shuffled mini-batch is assembled in a buffer the caller owns and reuses.
    ///
    /// The copy is bound by memory latency (each row is a random place in a large X), so the rows
    /// `gatherPrefetchDistance` positions ahead are prefetched into the cache while the current row
    /// is copied.
    @inlinable
    public static func gather<T: BLASScalar>(
        rows indices: UnsafeBufferPointer<Int>, of source: MatrixView<T>, into destination: MutableMatrixView<T>
    ) {
        precondition(destination.cols == source.cols,
                     "gather: source is \(source.shape) but the destination is \(destination.shape)")
        precondition(indices.count <= destination.rows,
                     "gather: \(indices.count) rows do not fit a \(destination.shape) destination")
        if source.cols == 0 || indices.isEmpty { return }
        // Integer positions into the index buffer, not a generic collection's iterator and indices:
        // unspecialised (a debug build) those allocated on every row.
        let (src, dst, cols, n) = (source.base!, destination.base!, source.cols, indices.count)
        let index = indices.baseAddress!
        if cols == 1 {  // one element a row (a single target column): a plain load and store
            for r in 0..<n {
                let i = index[r]
                precondition(i >= 0 && i < source.rows, "gather: row \(i) outside \(source.shape)")
                dst[r * destination.stride] = src[i * source.stride]
            }
            return
        }
        let rowBytes = cols * MemoryLayout<T>.stride
        for r in 0..<n {
            if r + gatherPrefetchDistance < n {
                let j = index[r + gatherPrefetchDistance]
                if j >= 0 && j < source.rows { prefetch(UnsafeRawPointer(src + j * source.stride), bytes: rowBytes) }
            }
            let i = index[r]
            precondition(i >= 0 && i < source.rows, "gather: row \(i) outside \(source.shape)")
            (dst + r * destination.stride).update(from: src + i * source.stride, count: cols)
        }
    }

    /// `gather` for any collection of row indices: through its contiguous storage when it has one
    /// (an array, a slice of one), else through a copy of the indices.
    @inlinable
    public static func gather<T: BLASScalar, Indices: Collection<Int>>(
        rows indices: Indices, of source: MatrixView<T>, into destination: MutableMatrixView<T>
    ) {
        if indices.withContiguousStorageIfAvailable({ gather(rows: $0, of: source, into: destination) }) != nil { return }
        Array(indices).withUnsafeBufferPointer { gather(rows: $0, of: source, into: destination) }
    }

    /// How many rows ahead `gather` prefetches.
    @usableFromInline static let gatherPrefetchDistance = 8

    /// Hints the CPU to load `bytes` bytes from `address` into the cache (one hint per 64-byte line;
    /// a hint never faults).
    @inlinable
    public static func prefetch(_ address: UnsafeRawPointer, bytes: Int) {
        var offset = 0
        while offset < bytes {
            llvmPrefetch(address + offset, 0, 3, 1)
            offset += 64
        }
    }
}

/// LLVM's `llvm.prefetch` intrinsic (address, 0 = read, locality 3 = keep in all cache levels,
/// 1 = data cache); it compiles to the target's prefetch instruction (`prefetcht0` on x86-64).
@usableFromInline
@_silgen_name("llvm.prefetch.p0")
func llvmPrefetch(_ address: UnsafeRawPointer, _ readWrite: Int32, _ locality: Int32, _ cacheType: Int32)
