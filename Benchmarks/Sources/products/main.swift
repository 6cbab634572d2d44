// gemm and gemv at the shapes of a mini-batch gradient, through Descent's checked layer
// (`BLAS.gemm`/`BLAS.gemv` on views) and through the raw `cblas_*` forward in the same run.
// The ratio shows what the Swift layer costs; GFLOP/s and GB/s show where the kernels stand.
//
//   swift run -c release products [threads]      (default: 1 BLAS thread)
import BenchmarkSupport
import Descent

let threads = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1 : 1
BLASRuntime.threads = threads
print("OpenBLAS core \(BLASRuntime.coreName), \(BLASRuntime.threads) thread(s)")
print("median of 7 repetitions; ratio = Descent time / raw cblas time (1.00 = no overhead)\n")
print("| kernel | shape | type | Descent GFLOP/s | raw GFLOP/s | ratio | GB/s (matrix read) |")
print("|---|---|---|---|---|---|---|")

func gemmCase<T: BLASScalar>(_: T.Type, m: Int, k: Int, n: Int, transA: Transpose, label: String) {
    let aRows = transA == .none ? m : k, aCols = transA == .none ? k : m
    var g = SeededGenerator(seed: 1)
    let a = (0..<(aRows * aCols)).map { _ in T(g.nextUnit()) }
    let b = (0..<(k * n)).map { _ in T(g.nextUnit()) }
    var c = [T](repeating: 0, count: m * n)
    let inner = max(1, 20_000_000 / (m * n * k))
    let ours = a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
        measure(inner: inner) {
            BLAS.gemm(MatrixView(ap, rows: aRows, cols: aCols), transA, MatrixView(bp, rows: k, cols: n),
                      into: MutableMatrixView(cp, rows: m, cols: n))
        }
    } } }
    let raw = a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
        measure(inner: inner) {
            T.blasGemm(transA, .none, m, n, k, 1, ap.baseAddress!, aCols, bp.baseAddress!, n, 0, cp.baseAddress!, n)
        }
    } } }
    let flops = 2.0 * Double(m * n * k)
    let bytes = Double(m * k * MemoryLayout<T>.stride)
    print("| gemm\(transA == .transpose ? " Aᵀ" : "") | \(label) | \(T.self) | \(fmt(flops / ours.median / 1e9)) | \(fmt(flops / raw.median / 1e9)) | \(fmt(ours.median / raw.median)) | \(fmt(bytes / ours.median / 1e9)) |")
    blackHole(c)
}

func gemvCase<T: BLASScalar>(_: T.Type, rows: Int, cols: Int, trans: Transpose, label: String) {
    var g = SeededGenerator(seed: 2)
    let a = (0..<(rows * cols)).map { _ in T(g.nextUnit()) }
    let xLen = trans == .none ? cols : rows, yLen = trans == .none ? rows : cols
    let x = (0..<xLen).map { _ in T(g.nextUnit()) }
    var y = [T](repeating: 0, count: yLen)
    let inner = max(1, 20_000_000 / (rows * cols))
    let ours = a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
        measure(inner: inner) { BLAS.gemv(MatrixView(ap, rows: rows, cols: cols), trans, xp, into: yp) }
    } } }
    let raw = a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
        measure(inner: inner) {
            T.blasGemv(trans, rows, cols, 1, ap.baseAddress!, cols, xp.baseAddress!, 1, 0, yp.baseAddress!, 1)
        }
    } } }
    let flops = 2.0 * Double(rows * cols)
    let bytes = Double(rows * cols * MemoryLayout<T>.stride)
    print("| gemv\(trans == .transpose ? " Aᵀ" : "") | \(label) | \(T.self) | \(fmt(flops / ours.median / 1e9)) | \(fmt(flops / raw.median / 1e9)) | \(fmt(ours.median / raw.median)) | \(fmt(bytes / ours.median / 1e9)) |")
    blackHole(y)
}

func all<T: BLASScalar>(_ t: T.Type) {
    // Single-output regression (P1: d = 256): forward X_b·w and backward X_bᵀ·r per batch size.
    for b in [32, 256, 1024, 8192] {
        gemvCase(t, rows: b, cols: 256, trans: .none, label: "\(b)×256 · w")
        gemvCase(t, rows: b, cols: 256, trans: .transpose, label: "(\(b)×256)ᵀ · r")
    }
    // Multi-output regression (P2: d = 512, k = 64, batch 4096): forward X_b·W, backward X_bᵀ·R.
    gemmCase(t, m: 4096, k: 512, n: 64, transA: .none, label: "(4096×512)·(512×64)")
    gemmCase(t, m: 512, k: 4096, n: 64, transA: .transpose, label: "(4096×512)ᵀ·(4096×64)")
    // A small MLP layer: batch 256, 64 → 64.
    gemmCase(t, m: 256, k: 64, n: 64, transA: .none, label: "(256×64)·(64×64)")
}

all(Float.self)
all(Double.self)
