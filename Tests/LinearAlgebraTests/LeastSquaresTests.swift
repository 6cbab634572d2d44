import Testing
import Descent
import _TestSupport

struct LeastSquaresTests {
    func recoversKnownWeights<T: BLASScalar>(_: T.Type, tol: T) throws {
        // Y = X·W* + 1·b*ᵀ exactly (no noise): the solve must return W*, b*.
        let x: Matrix<T> = randomMatrix(50, 4, seed: 21)
        let w = Matrix<T>([[1, -2], [0.5, 3], [-1.5, 0], [2, 0.25]])
        let b: [T] = [0.7, -1.2]
        var y = x.matmul(w)
        for i in 0..<y.rows { for j in 0..<2 { y[i, j] += b[j] } }
        let sol = try LeastSquares.solve(x, y)
        #expect(sol.rank == 4)
        #expect(allClose(sol.weights.elements, w.elements, tol: tol))
        #expect(allClose(sol.bias, b, tol: tol))
    }

    @Test func float() throws { try recoversKnownWeights(Float.self, tol: 1e-4) }
    @Test func double() throws { try recoversKnownWeights(Double.self, tol: 1e-12) }

    @Test func noisyMatchesNormalEquations() throws {
        // Closed-form check: the residual of the LS solution is orthogonal to [X, 1].
        var g = SeededGenerator(seed: 5)
        let x: Matrix<Double> = randomMatrix(40, 3, seed: 22)
        let y = Matrix<Double>(rows: 40, cols: 1) { i, _ in x[i, 0] - x[i, 2] + 0.3 * g.nextGaussian() }
        let sol = try LeastSquares.solve(x, y)
        var r = x.matmul(sol.weights)
        for i in 0..<40 { r[i, 0] = r[i, 0] + sol.bias[0] - y[i, 0] }
        let xtR = x.matmul(r, transposeSelf: true)
        for j in 0..<3 { #expect(abs(xtR[j, 0]) < 1e-11) }
        #expect(abs(r.elements.reduce(0, +)) < 1e-11)
    }

    @Test func rankDeficientGivesMinimumNorm() throws {
        // Two identical columns: the minimum-norm solution splits the weight evenly.
        let base: Matrix<Double> = randomMatrix(30, 1, seed: 23)
        let x = Matrix<Double>(rows: 30, cols: 2) { i, _ in base[i, 0] }
        let y = Matrix<Double>(rows: 30, cols: 1) { i, _ in 4 * base[i, 0] }
        let sol = try LeastSquares.solve(x, y, intercept: false)
        #expect(sol.rank == 1)
        #expect(allClose(sol.weights.elements, [2, 2], tol: 1e-10))
        #expect(sol.bias == [0])
    }

    @Test func wideSystem() throws {
        // More features than rows (b must be padded to max(n, d) rows internally).
        let x: Matrix<Double> = randomMatrix(3, 6, seed: 24)
        let y: Matrix<Double> = randomMatrix(3, 2, seed: 25)
        let sol = try LeastSquares.solve(x, y, intercept: false)
        let fit = x.matmul(sol.weights)
        #expect(allClose(fit.elements, y.elements, tol: 1e-10))   // interpolates exactly
    }
}
