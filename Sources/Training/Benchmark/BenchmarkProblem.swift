import LinearAlgebra

/// A generated regression problem for the throughput benchmark: X (n×d) with independent entries
/// uniform on [−√3, √3) (mean 0, variance 1; uniform rather than Gaussian so that a gigabyte
/// generates in a fraction of a second), and Y = X·W* + 0.1·noise (n×k) with W* uniform on
/// [−√(3/d), √(3/d)) so that every target has variance about 1. Seeded: the same seed gives the
/// same values in Float and in Double (up to the rounding to Float).
struct BenchmarkProblem<S: BLASScalar> {
    let x: Matrix<S>
    let y: Matrix<S>

    var rows: Int { x.rows }
    var features: Int { x.cols }
    var outputs: Int { y.cols }

    /// Throws `BenchmarkError` when X cannot be allocated.
    init(rows n: Int, features d: Int, outputs k: Int, seed: UInt64) throws {
        precondition(n >= 1 && d >= 1 && k >= 1, "a benchmark problem needs at least one row, feature and output")
        var generator = SeededGenerator(seed: seed)
        let root3 = Double(3).squareRoot()
        guard let x = Matrix<S>(tryingRows: n, cols: d, initializingWith: { e in
            Self.fillUniform(e, halfWidth: root3, generator: &generator)
        }) else {
            let bytes = Double(n) * Double(d) * Double(MemoryLayout<S>.stride)
            throw BenchmarkError("cannot allocate a \(n)×\(d) \(BenchmarkScalar.of(S.self).rawValue) problem (\(Int(bytes / 1048576)) MiB); use fewer rows")
        }
        let weights = Matrix<S>(rows: d, cols: k, initializingWith: { e in
            Self.fillUniform(e, halfWidth: (3 / Double(d)).squareRoot(), generator: &generator)
        })
        var y = Matrix<S>(rows: n, cols: k, initializingWith: { e in Self.fillUniform(e, halfWidth: 0.1 * root3, generator: &generator) })
        // Y ← X·W* + Y (gemv for one output: it reads X once, where gemm would pack a copy of it).
        x.withView { xv in
            if k == 1 {
                weights.withUnsafeBufferPointer { w in y.withUnsafeMutableBufferPointer { BLAS.gemv(xv, .none, w, into: $0, beta: 1) } }
            } else {
                weights.withView { wv in y.withMutableView { yv in BLAS.gemm(xv, .none, wv, .none, into: yv, alpha: 1, beta: 1) } }
            }
        }
        self.x = x
        self.y = y
    }

    /// Initialises every element to a uniform value on [−halfWidth, halfWidth): two values per draw,
    /// from the draw's two 32-bit halves (a gigabyte of X takes a fraction of a second).
    static func fillUniform(_ e: UnsafeMutableBufferPointer<S>, halfWidth: Double, generator: inout SeededGenerator) {
        guard let base = e.baseAddress else { return }
        let scale = 2 * halfWidth / 4_294_967_296.0
        var i = 0
        while i < e.count {
            let r = generator.next()
            (base + i).initialize(to: S(Double(r >> 32) * scale - halfWidth))
            if i + 1 < e.count { (base + i + 1).initialize(to: S(Double(r & 0xFFFF_FFFF) * scale - halfWidth)) }
            i += 2
        }
    }
}
