import Testing
import Descent
import _TestSupport

struct ProductTests {
    func gemmAllTransposes<T: BLASScalar>(_: T.Type) {
        let tol = blasTolerance(T.self)
        let (m, k, n) = (5, 7, 3)
        for ta in [false, true] {
            for tb in [false, true] {
                let a: Matrix<T> = ta ? randomMatrix(k, m, seed: 3) : randomMatrix(m, k, seed: 3)
                let b: Matrix<T> = tb ? randomMatrix(n, k, seed: 4) : randomMatrix(k, n, seed: 4)
                let expected = Naive.matmul(a, ta, b, tb)
                let c = a.matmul(b, transposeSelf: ta, transposeOther: tb)
                #expect(c.rows == m && c.cols == n)
                #expect(allClose(c.elements, expected.elements, tol: tol), "ta=\(ta) tb=\(tb)")

                // Accumulation: C ← α·op(A)op(B) + βC.
                let c0: Matrix<T> = randomMatrix(m, n, seed: 5)
                var acc = c0
                acc.multiply(a, ta ? .transpose : .none, b, tb ? .transpose : .none, alpha: 2, beta: T(-0.5))
                let want = zip(expected.elements, c0.elements).map { T(2 * Double($0) - 0.5 * Double($1)) }
                #expect(allClose(acc.elements, want, tol: tol))
            }
        }
    }

    func gemvBothWays<T: BLASScalar>(_: T.Type) {
        let tol = blasTolerance(T.self)
        let a: Matrix<T> = randomMatrix(6, 4, seed: 7)
        let x4: [T] = randomVector(4, seed: 8), x6: [T] = randomVector(6, seed: 9)
        #expect(allClose(a.matvec(x4), Naive.matvec(a, false, x4), tol: tol))
        #expect(allClose(a.matvec(x6, .transpose), Naive.matvec(a, true, x6), tol: tol))
        var y: [T] = randomVector(6, seed: 10)
        let y0 = y
        a.multiply(x4, into: &y, alpha: T(0.5), beta: 3)
        let want = zip(Naive.matvec(a, false, x4), y0).map { T(0.5 * Double($0) + 3 * Double($1)) }
        #expect(allClose(y, want, tol: tol))
    }

    func zeroSized<T: BLASScalar>(_: T.Type) {
        // Inner dimension 0: the product is the zero matrix (β = 0) or βC.
        let a = Matrix<T>(rows: 3, cols: 0), b = Matrix<T>(rows: 0, cols: 2)
        #expect(a.matmul(b) == Matrix(rows: 3, cols: 2, repeating: 0))
        var c = Matrix<T>(rows: 3, cols: 2, repeating: 4)
        c.multiply(a, b, beta: T(0.5))
        #expect(c == Matrix(rows: 3, cols: 2, repeating: 2))
        // Empty result and empty vectors.
        #expect(Matrix<T>(rows: 0, cols: 5).matmul(Matrix<T>(rows: 5, cols: 2)).count == 0)
        #expect(Matrix<T>(rows: 0, cols: 3).matvec([1, 2, 3]).isEmpty)
        #expect(Matrix<T>(rows: 2, cols: 0).matvec([]) == [0, 0])
    }

    func rowViewsAreBatches<T: BLASScalar>(_: T.Type) {
        // A product over a row range equals the same rows of the full product.
        let tol = blasTolerance(T.self)
        let x: Matrix<T> = randomMatrix(10, 4, seed: 11), w: Matrix<T> = randomMatrix(4, 2, seed: 12)
        let full = x.matmul(w), part = x.rows(3..<7).matmul(w)
        #expect(allClose(part.elements, full.rows(3..<7).elements, tol: tol))
    }

    @Test func gemmFloat() { gemmAllTransposes(Float.self) }
    @Test func gemmDouble() { gemmAllTransposes(Double.self) }
    @Test func gemvFloat() { gemvBothWays(Float.self) }
    @Test func gemvDouble() { gemvBothWays(Double.self) }
    @Test func zeroFloat() { zeroSized(Float.self) }
    @Test func zeroDouble() { zeroSized(Double.self) }
    @Test func viewsFloat() { rowViewsAreBatches(Float.self) }
    @Test func viewsDouble() { rowViewsAreBatches(Double.self) }

    @Test func shapeMismatchTraps() async {
        await #expect(processExitsWith: .failure) {
            let a = Matrix<Double>(rows: 2, cols: 3), b = Matrix<Double>(rows: 2, cols: 3)
            _ = a.matmul(b)
        }
    }
}
