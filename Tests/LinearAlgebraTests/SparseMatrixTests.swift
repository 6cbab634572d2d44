import Testing
import Descent
import _TestSupport
import _AllocationCounter

/// A reproducible sparse matrix: each element nonzero with probability `density`, values in
/// [-1, 1); rows in `emptyRows` and columns in `emptyColumns` hold nothing.
func randomSparse<T: BLASScalar>(_ rows: Int, _ cols: Int, density: Double, seed: UInt64,
                                 emptyRows: Set<Int> = [], emptyColumns: Set<Int> = [], as: T.Type = T.self) -> SparseMatrix<T> {
    var g = SeededGenerator(seed: seed)
    let dense = Matrix<T>(rows: rows, cols: cols) { i, j in
        let keep = g.nextUnit() < density
        let v = T(2 * g.nextUnit() - 1)
        return keep && !emptyRows.contains(i) && !emptyColumns.contains(j) ? v : 0
    }
    return SparseMatrix(dense: dense)
}

struct SparseMatrixTests {
    func productsMatchGemm<T: BLASScalar>(_: T.Type) throws {
        let tol = blasTolerance(T.self) * 10
        let pool = try WorkerPool(threads: 2)
        for (n, d, k, density, seed) in [(9, 7, 3, 0.3, 1), (40, 25, 1, 0.1, 2), (1, 5, 4, 0.5, 3), (600, 300, 5, 0.05, 4), (3000, 50, 1, 0.2, 5),
                                                    (2000, 400, 4, 0.05, 6), (5000, 300, 1, 0.1, 7)] as [(Int, Int, Int, Double, UInt64)] {
            let x: SparseMatrix<T> = randomSparse(n, d, density: density, seed: seed, emptyRows: [0, n / 2], emptyColumns: [1, d - 1])
            let dense = x.toDense()
            #expect(dense.rows == n && dense.cols == d)
            #expect(SparseMatrix(dense: dense) == x)
            let w: Matrix<T> = randomMatrix(d, k, seed: seed + 10)
            let want = dense * w
            #expect(allClose(x.multiplied(by: w).elements, want.elements, tol: tol), "X·W \(n)×\(d)×\(k)")
            #expect(allClose(x.multiplied(by: w, pool: pool).elements, want.elements, tol: tol), "X·W pooled \(n)×\(d)×\(k)")
            // Pooled and serial agree bit for bit (each row is computed the same way).
            #expect(x.multiplied(by: w, pool: pool) == x.multiplied(by: w))

            let v: [T] = randomVector(d, seed: seed + 20)
            #expect(allClose(x.multiplied(by: v), dense.matvec(v), tol: tol), "X·v")

            let dm: Matrix<T> = randomMatrix(n, k, seed: seed + 30)
            let wantG = dense.matmul(dm, transposeSelf: true)
            #expect(allClose(x.transposedMultiplied(by: dm).elements, wantG.elements, tol: tol), "Xᵀ·D")

            // Accumulating variants: α, β, threaded Xᵀ·D with a workspace.
            let g0: Matrix<T> = randomMatrix(d, k, seed: seed + 40)
            let (alpha, beta) = (T(0.5), T(-2))
            let wantAcc = zip(wantG.elements, g0.elements).map { T(Double(alpha) * Double($0) + Double(beta) * Double($1)) }
            for threaded in [false, true] {
                var g = g0
                let ws = SparseTransposeWorkspace<T>(threads: 2, rows: d, cols: k)
                dm.withView { dv in g.withMutableView { gv in
                    if threaded { x.allRows.multiplyTransposed(dv, into: gv, alpha: alpha, beta: beta, pool: pool, workspace: ws) }
                    else { x.allRows.multiplyTransposed(dv, into: gv, alpha: alpha, beta: beta) }
                } }
                #expect(allClose(g.elements, wantAcc, tol: tol), "Xᵀ·D accumulate threaded=\(threaded)")
            }
            let y0: Matrix<T> = randomMatrix(n, k, seed: seed + 50)
            var y = y0
            w.withView { wv in y.withMutableView { x.allRows.multiply(wv, into: $0, alpha: alpha, beta: beta, pool: pool) } }
            let wantY = zip(want.elements, y0.elements).map { T(Double(alpha) * Double($0) + Double(beta) * Double($1)) }
            #expect(allClose(y.elements, wantY, tol: tol), "X·W accumulate")
            // Vector forms with α, β.
            var yv: [T] = randomVector(n, seed: seed + 60)
            let yv0 = yv
            v.withUnsafeBufferPointer { vb in yv.withUnsafeMutableBufferPointer { x.allRows.multiply(vb, into: $0, alpha: alpha, beta: beta) } }
            #expect(allClose(yv, zip(dense.matvec(v), yv0).map { T(Double(alpha) * Double($0) + Double(beta) * Double($1)) }, tol: tol))
            let dv: [T] = randomVector(n, seed: seed + 70)
            var gv = [T](repeating: 7, count: d)
            dv.withUnsafeBufferPointer { db in gv.withUnsafeMutableBufferPointer { x.allRows.multiplyTransposed(db, into: $0) } }
            #expect(allClose(gv, dense.matvec(dv, .transpose), tol: tol), "Xᵀ·d (β = 0 overwrites)")
        }
    }

    @Test func productsMatchGemmFloat() throws { try productsMatchGemm(Float.self) }
    @Test func productsMatchGemmDouble() throws { try productsMatchGemm(Double.self) }

    func batchesAndGather<T: BLASScalar>(_: T.Type) {
        let x: SparseMatrix<T> = randomSparse(30, 12, density: 0.25, seed: 9, emptyRows: [4, 5])
        let dense = x.toDense()
        let w: Matrix<T> = randomMatrix(12, 2, seed: 11)
        let batch = x.rows(3..<17)
        #expect(batch.rows == 14 && batch.cols == 12)
        #expect(batch.toMatrix().toDense() == dense.rows(3..<17))
        #expect(batch.rows(2..<5).toMatrix().toDense() == dense.rows(5..<8))
        var y = Matrix<T>(rows: 14, cols: 2)
        w.withView { wv in y.withMutableView { batch.multiply(wv, into: $0) } }
        #expect(allClose(y.elements, (dense.rows(3..<17) * w).elements, tol: blasTolerance(T.self)))
        let d: Matrix<T> = randomMatrix(14, 2, seed: 12)
        var g = Matrix<T>(rows: 12, cols: 2)
        d.withView { dv in g.withMutableView { batch.multiplyTransposed(dv, into: $0) } }
        #expect(allClose(g.elements, dense.rows(3..<17).matmul(d, transposeSelf: true).elements, tol: blasTolerance(T.self)))

        let order = [7, 0, 29, 4, 7, 13]
        var buffer = SparseMatrix<T>(rows: 0, cols: 0)
        buffer.reserveCapacity(rows: order.count, nonzeros: x.maximumNonzeros(inRows: order.count))
        x.gatherRows(order, into: &buffer)
        var expected = Matrix<T>(rows: order.count, cols: 12)
        dense.gatherRows(order, into: &expected)
        #expect(buffer.toDense() == expected)
        x.gatherRows([2, 5], into: &buffer)
        #expect(buffer.rows == 2 && buffer.toDense() == Matrix(rows: 2, cols: 12) { i, j in dense[[2, 5][i], j] })
    }

    @Test func batchesAndGatherFloat() { batchesAndGather(Float.self) }
    @Test func batchesAndGatherDouble() { batchesAndGather(Double.self) }

    @Test func emptyShapes() {
        let z = SparseMatrix<Double>(rows: 0, cols: 4)
        #expect(z.multiplied(by: Matrix(rows: 4, cols: 2)).rows == 0)
        #expect(z.transposedMultiplied(by: Matrix(rows: 0, cols: 2)) == Matrix(rows: 4, cols: 2))
        let e = SparseMatrix<Float>(rows: 3, cols: 0)
        #expect(e.multiplied(by: Matrix(rows: 0, cols: 2)) == Matrix(rows: 3, cols: 2))
        #expect(SparseMatrix<Float>(rows: 3, cols: 5).toDense() == Matrix(rows: 3, cols: 5))
    }

    @Test func cscConversion() throws {
        // [[1, 0, 2], [0, 0, 0], [0, 3, 4]] by columns.
        let m = try SparseMatrix<Double>(rows: 3, cols: 3, columnStarts: [0, 1, 2, 4], rowIndices: [0, 2, 0, 2], values: [1, 3, 2, 4])
        #expect(m.rowStarts == [0, 2, 2, 4])
        #expect(m.columnIndices == [0, 2, 1, 2])
        #expect(m.values == [1, 2, 3, 4])
        let random: SparseMatrix<Float> = randomSparse(20, 9, density: 0.3, seed: 4, emptyRows: [3], emptyColumns: [0])
        let t = random.toDense().transposed
        let asCSC = SparseMatrix(dense: t)   // the CSR of Xᵀ is the CSC of X
        let back = try SparseMatrix<Float>(rows: 20, cols: 9, columnStarts: asCSC.rowStarts,
                                           rowIndices: asCSC.columnIndices, values: asCSC.values)
        #expect(back == random)
    }

    @Test func validationMessages() {
        func message(_ body: () throws -> SparseMatrix<Double>) -> String? {
            do { _ = try body(); return nil } catch let e as SparseMatrixError { return e.description } catch { return "\(error)" }
        }
        #expect(message { try SparseMatrix(rows: 2, cols: 3, rowStarts: [0, 1], columnIndices: [0] as [Int32], values: [1]) }
                == "a 2×3 matrix needs 3 row starts, got 2")
        #expect(message { try SparseMatrix(rows: 1, cols: 3, rowStarts: [1, 1], columnIndices: [] as [Int32], values: []) }
                == "row starts must begin at 0, the first is 1")
        #expect(message { try SparseMatrix(rows: 2, cols: 3, rowStarts: [0, 2, 1], columnIndices: [0, 1] as [Int32], values: [1, 2]) }
                == "row starts decrease at row 1: 2 then 1")
        #expect(message { try SparseMatrix(rows: 1, cols: 3, rowStarts: [0, 2], columnIndices: [0, 1] as [Int32], values: [1]) }
                == "the last row start is 2 but there are 1 values")
        #expect(message { try SparseMatrix(rows: 1, cols: 3, rowStarts: [0, 2], columnIndices: [0] as [Int32], values: [1, 2]) }
                == "1 column indices for 2 values")
        #expect(message { try SparseMatrix(rows: 2, cols: 3, rowStarts: [0, 1, 3], columnIndices: [0, 1, 3] as [Int32], values: [1, 2, 3]) }
                == "column index 3 at position 2 (row 1) is outside 0..<3")
        #expect(message { try SparseMatrix(rows: 1, cols: 3, rowStarts: [0, 1], columnIndices: [-1] as [Int], values: [1]) }
                == "column index -1 at position 0 is outside 0..<3")
        #expect(message { try SparseMatrix(rows: 2, cols: 2, columnStarts: [0, 1, 2], rowIndices: [0, 2], values: [1, 2]) }
                == "row index 2 at position 1 (column 1) is outside 0..<2")
        #expect(message { try SparseMatrix(rows: 2, cols: 3, rowStarts: [0, 1, 1], columnIndices: [2] as [Int32], values: [5]) } == nil)
    }

    /// The per-step kernels allocate nothing: products (serial and pooled, after a warm-up call that
    /// makes the pool's job object)
    /// and a gather into a buffer with room.
    func kernelsAllocateNothing<T: BLASScalar>(_: T.Type) throws {
        let x: SparseMatrix<T> = randomSparse(2000, 400, density: 0.05, seed: 21)
        let pool = try WorkerPool(threads: 2)
        let w: Matrix<T> = randomMatrix(400, 3, seed: 22), d: Matrix<T> = randomMatrix(64, 3, seed: 23), dAll: Matrix<T> = randomMatrix(2000, 3, seed: 24)
        var y = Matrix<T>(rows: 2000, cols: 3), g = Matrix<T>(rows: 400, cols: 3)
        let ws = SparseTransposeWorkspace<T>(threads: 2, rows: 400, cols: 3)
        let order = Array((0..<64).map { ($0 * 37) % 2000 })
        var buffer = SparseMatrix<T>(rows: 0, cols: 0)
        buffer.reserveCapacity(rows: 64, nonzeros: x.maximumNonzeros(inRows: 64))
        let batch = x.allRows
        let steps: [(String, () -> Void)] = [
            ("X·W pooled", { w.withView { wv in y.withMutableView { batch.multiply(wv, into: $0, pool: pool) } } }),
            ("X·W", { w.withView { wv in y.withMutableView { batch.multiply(wv, into: $0) } } }),
            ("gather", { x.gatherRows(order, into: &buffer) }),
            ("Xᵀ·D", { let b = buffer.allRows; d.withView { dv in g.withMutableView { b.multiplyTransposed(dv, into: $0, beta: 1) } } }),
            ("Xᵀ·D pooled", { dAll.withView { dv in g.withMutableView { batch.multiplyTransposed(dv, into: $0, beta: 1, pool: pool, workspace: ws) } } }),
        ]
        for (name, step) in steps {
            step()
            descent_allocations_start()
            for _ in 0..<3 { step() }
            let count = descent_allocations_stop()
            // The pooled products run as the pool's reusable job object (WorkerPool.reusableJob), made on the warm-up call.
            #expect(count == 0, "\(name): \(count) allocations in 3 calls")
        }
        let dense = x.toDense()
        #expect(buffer.toDense() == Matrix(rows: 64, cols: 400) { i, j in dense[order[i], j] })
    }

    @Test(.enabled(if: descent_allocations_supported() != 0, "allocations are only counted with glibc's malloc"))
    func kernelsAllocateNothingFloat() throws { try kernelsAllocateNothing(Float.self) }
    @Test(.enabled(if: descent_allocations_supported() != 0, "allocations are only counted with glibc's malloc"))
    func kernelsAllocateNothingDouble() throws { try kernelsAllocateNothing(Double.self) }
}
