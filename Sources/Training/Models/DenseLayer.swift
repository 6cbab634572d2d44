import LinearAlgebra

/// The affine layer shared by `LinearModel` and `MLP`: Z = A·Wᵀ + 1·bᵀ with A (B × n), the weight
/// stored as W (m × n, out × in: PyTorch's `nn.Linear.weight` layout), b (m), and its reverse-mode
/// derivatives. One output column (m = 1) uses gemv, otherwise gemm.
///
/// The out × in layout makes the forward an A·Wᵀ product and the weight gradient a δᵀ·A product.
/// Measured with an malloc-counting LD_PRELOAD shim on this machine: OpenBLAS 0.3.21's
/// Cooper Lake/SkylakeX dgemm small-matrix kernels allocate a packing buffer on every
/// non-transposed·non-transposed call (X·W with W in × out did), while the transposed forms used
/// here did not; only the input gradient δ·W of a hidden layer remains a plain product.
///
/// `@_specialize` on the element-wise loops: callers reach them through `any Model<Scalar>`, so
/// they would otherwise run unspecialized (every element through witness tables, measured 7×
/// slower for an MLP). The attribute only adds pre-compiled copies; there is one code path.
enum DenseLayer {
    /// Z ← A·Wᵀ + 1·bᵀ (b optional): the product with β = 0 (gemv for m = 1, else gemm), then b added
    /// to each row in one specialized pass (no per-row broadcast call before the product).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func forward<S: BLASScalar>(input a: MatrixView<S>, weight w: MatrixView<S>,
                                       bias b: UnsafeBufferPointer<S>?, output z: MutableMatrixView<S>) {
        precondition(a.cols == w.cols && z.rows == a.rows && z.cols == w.rows,
                     "dense layer: input \(a.shape), weight (out × in) \(w.shape), output \(z.shape)")
        if z.cols == 1 && z.stride == 1 {
            BLAS.gemv(a, .none, w.row(0), into: mutableColumn(z))
        } else {
            BLAS.gemm(a, .none, w, .transpose, into: z)
        }
        if let b, z.cols > 0 {
            precondition(b.count == z.cols, "dense layer: bias has \(b.count) elements, output is \(z.shape)")
            addBias(b.baseAddress!, to: z)
        }
    }

    /// Z ← Z + 1·bᵀ.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func addBias<S: BLASScalar>(_ b: UnsafePointer<S>, to z: MutableMatrixView<S>) {
        let (m, base, stride) = (z.cols, z.base!, z.stride)
        if m == 1 {
            let b0 = b[0]
            for i in 0..<z.rows { base[i * stride] += b0 }
            return
        }
        for i in 0..<z.rows {
            let row = base + i * stride
            for j in 0..<m { row[j] += b[j] }
        }
    }

    /// ∂L/∂W ← δᵀ·A (m × n) and ∂L/∂b ← δᵀ·1 (the column sums of δ), with δ = ∂L/∂Z (B × m).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func parameterGradient<S: BLASScalar>(input a: MatrixView<S>, delta: MatrixView<S>,
                                                 weightGradient dw: MutableMatrixView<S>,
                                                 biasGradient db: UnsafeMutableBufferPointer<S>?) {
        precondition(a.rows == delta.rows && dw.rows == delta.cols && dw.cols == a.cols,
                     "dense layer backward: input \(a.shape), δ \(delta.shape), weight gradient (out × in) \(dw.shape)")
        if delta.cols == 1 && delta.stride == 1 {
            BLAS.gemv(a, .transpose, column(delta), into: dw.row(0))
        } else {
            BLAS.gemm(delta, .transpose, a, .none, into: dw)
        }
        if let db {
            precondition(db.count == delta.cols, "dense layer backward: bias gradient has \(db.count) elements, δ is \(delta.shape)")
            columnSums(delta, into: db)
        }
    }

    /// s ← δᵀ·1, the column sums of δ (B × m): for m = 1 one sum accumulated in Double, otherwise
    /// row by row into s (a vectorisable pass; no ones vector, no BLAS call).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func columnSums<S: BLASScalar>(_ delta: MatrixView<S>, into s: UnsafeMutableBufferPointer<S>) {
        let (rows, m, stride) = (delta.rows, delta.cols, delta.stride)
        if m == 0 { return }
        if rows == 0 { s.update(repeating: 0); return }
        let base = delta.base!
        if m == 1 {
            var total = 0.0
            for i in 0..<rows { total += Double(base[i * stride]) }
            s[0] = S(total)
            return
        }
        let out = s.baseAddress!
        out.update(from: base, count: m)
        for i in 1..<rows {
            let row = base + i * stride
            for j in 0..<m { out[j] += row[j] }
        }
    }

    /// ∂L/∂A ← δ·W.
    static func inputGradient<S: BLASScalar>(delta: MatrixView<S>, weight w: MatrixView<S>,
                                             into da: MutableMatrixView<S>) {
        BLAS.gemm(delta, .none, w, .none, into: da)
    }

    /// A ← max(A, 0), in place (ReLU).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func relu<S: BLASScalar>(_ a: MutableMatrixView<S>) {
        for i in 0..<a.rows {
            let r = a.row(i)
            for j in r.indices where !(r[j] > 0) { r[j] = 0 }
        }
    }

    /// δ ← δ ⊙ 1[A > 0], the ReLU derivative taken from the post-activation A (A > 0 exactly when
    /// the pre-activation is > 0; at 0 the derivative is taken as 0, as PyTorch does).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func reluBackward<S: BLASScalar>(activation a: MatrixView<S>, delta: MutableMatrixView<S>) {
        precondition(a.rows == delta.rows && a.cols == delta.cols, "relu backward: activation \(a.shape), δ \(delta.shape)")
        for i in 0..<a.rows {
            let ar = a.row(i), dr = delta.row(i)
            for j in dr.indices where !(ar[j] > 0) { dr[j] = 0 }
        }
    }

    /// A single-column view (contiguous, stride 1) as a vector.
    static func column<S>(_ v: MatrixView<S>) -> UnsafeBufferPointer<S> {
        UnsafeBufferPointer(start: v.base, count: v.rows)
    }
    static func mutableColumn<S>(_ v: MutableMatrixView<S>) -> UnsafeMutableBufferPointer<S> {
        UnsafeMutableBufferPointer(start: v.base, count: v.rows)
    }
}
