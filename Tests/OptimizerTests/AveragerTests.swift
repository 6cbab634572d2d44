import Testing
import Descent
import _TestSupport

/// `PolynomialAveraging` against closed forms, driven by a stub optimizer whose t-th step sets
/// every parameter to t (so the iterates are known exactly).
struct AveragerTests {
    struct CounterState: Decodable { var t: Int }

    struct Counter<Scalar: BLASScalar>: Optimizer {
        var name: String { "counter" }
        let parameterCount: Int
        var t = 0
        mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>, learningRate: Double) {
            t += 1
            for i in parameters.indices { parameters[i] = Scalar(t) + Scalar(i) }
        }
        func saveState() -> OptimizerState { OptimizerState(kind: name, version: 1, payload: ["t": .number(Double(t))]) }
        mutating func restore(_ state: OptimizerState) throws {
            try state.expect(kind: name)
            t = try state.decodePayload(CounterState.self).t
        }
    }

    func closedForms<T: BLASScalar>(_: T.Type) throws {
        let tol = T(lrFreeTolerance(T.self, double: 1e-13, float: 1e-5))
        // γ = 0: w_t = 1/t, the running arithmetic mean of x_1…x_T = (T+1)/2 + i.
        var uniform = try PolynomialAveraging(Counter<T>(parameterCount: 3), gamma: 0)
        var p = [T](repeating: 0, count: 3), g = p
        let before = LRFreeTwoGroupModel.evaluation(uniform, [7, 8, 9])
        #expect(before == [7, 8, 9])  // before any step: the base's evaluation point (a copy)
        for _ in 0..<10 { uniform.step(parameters: &p, gradient: &g, learningRate: 1) }
        #expect(allClose(LRFreeTwoGroupModel.evaluation(uniform, p), [5.5, 6.5, 7.5], tol: tol))

        // γ = 8: x̄_T = Σ_t a_t x_t with a_t = w_t Π_{s>t}(1 − w_s), w_t = 9/(t+8); computed by the product form.
        var poly = try PolynomialAveraging(Counter<T>(parameterCount: 2), gamma: 8)
        var q = [T](repeating: 0, count: 2), h = q
        let steps = 25
        for _ in 0..<steps { poly.step(parameters: &q, gradient: &h, learningRate: 1) }
        var expected = 0.0
        for t in 1...steps {
            var a = 9.0 / (Double(t) + 8)
            for s in (t + 1)...max(t + 1, steps) where s <= steps { a *= 1 - 9.0 / (Double(s) + 8) }
            expected += a * Double(t)
        }
        let avg = LRFreeTwoGroupModel.evaluation(poly, q)
        #expect(isClose(avg[0], T(expected), tol: tol))
        #expect(isClose(avg[1], T(expected + 1), tol: tol))
        #expect(poly.averagedParameters == avg)
        #expect(poly.t == steps + 1)
    }

    @Test func closedFormsDouble() throws { try closedForms(Double.self) }
    @Test func closedFormsFloat() throws { try closedForms(Float.self) }
}
