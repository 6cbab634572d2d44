import Testing
import Descent
import _TestSupport

/// Each body is generic and runs for Float and Double. Tolerances: `blasTolerance` (1e-5 Float,
/// 1e-12 Double, relative to max(1, |value|)) against loops accumulated in Double.
struct BLASLevel1Tests {
    func level1<T: BLASScalar>(_: T.Type) {
        let tol = blasTolerance(T.self)
        let x: [T] = randomVector(37, seed: 1), y0: [T] = randomVector(37, seed: 2)
        let alpha = T(0.75)

        var y = y0
        y.axpy(alpha, x)
        #expect(allClose(y, zip(x, y0).map { T(Double(alpha) * Double($0) + Double($1)) }, tol: tol))

        var s = x
        s.scale(by: alpha)
        #expect(allClose(s, x.map { T(Double(alpha) * Double($0)) }, tol: tol))

        let dot = zip(x, y0).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(isClose(x.dot(y0), T(dot), tol: tol))
        let dd = x.withUnsafeBufferPointer { a in y0.withUnsafeBufferPointer { BLAS.dotDouble(a, $0) } }
        #expect(isClose(dd, dot, tol: Double(tol)))

        let norm = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(isClose(x.norm, T(norm), tol: tol))
        let asum = x.withUnsafeBufferPointer { BLAS.asum($0) }
        #expect(isClose(asum, T(x.reduce(0.0) { $0 + abs(Double($1)) }), tol: tol))

        var c = [T](repeating: 0, count: 37)
        x.withUnsafeBufferPointer { a in c.withUnsafeMutableBufferPointer { BLAS.copy(a, $0) } }
        #expect(c == x)  // copy moves bits; exact equality is the specification here

        // Empty buffers are no-ops, not BLAS errors.
        var e: [T] = []
        e.axpy(2, [])
        e.scale(by: 3)
        #expect(e.norm == 0 && e.dot([]) == 0)
    }

    @Test func float() { level1(Float.self) }
    @Test func double() { level1(Double.self) }

    @Test func nrm2DoesNotOverflow() {
        let big: [Float] = [3e30, 4e30]
        #expect(isClose(big.norm, 5e30, tol: 1e-6))
    }
}
