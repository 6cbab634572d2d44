import Testing
import Descent
import _TestSupport

/// Iterate averaging (`PolynomialAveraging` with γ = 0, from update 5) against the closed form. GD with rate η on f(x) = ½·Σ aᵢ(xᵢ − cᵢ)² gives
/// x_k,i = cᵢ + (x₀,i − cᵢ)·qᵢᵏ with qᵢ = 1 − η·aᵢ, so the mean of x_{s+1} … x_K is
/// cᵢ + (x₀,i − cᵢ)·(Σ_{k=s+1…K} qᵢᵏ)/(K − s).
struct LoopAveragingTests {
    let a = [1.0, 0.5, 2.0], c = [1.0, -2.0, 3.0], x0 = [0.0, 0.5, -1.0], eta = 0.3

    func closedFormMean(from first: Int, to last: Int) -> [Double] {
        (0..<3).map { i in
            let q = 1 - eta * a[i]
            var s = 0.0
            for k in first...last { s += Double.pow(q, k) }
            return c[i] + (x0[i] - c[i]) * s / Double(last - first + 1)
        }
    }

    func closedFormIterate(_ k: Int) -> [Double] {
        (0..<3).map { i in c[i] + (x0[i] - c[i]) * Double.pow(1 - eta * a[i], k) }
    }

    func averaging<T: BLASScalar>(_: T.Type, tol: T) throws {
        let (a, c) = (self.a.map { T($0) }, self.c.map { T($0) })
        let objective = ClosureObjective<T>(parameterCount: 3) { p, g in
            var f = 0.0
            for i in 0..<3 { g[i] = a[i] * (p[i] - c[i]); f += Double(a[i] * (p[i] - c[i]) * (p[i] - c[i])) / 2 }
            return f
        }
        var evaluated: [[T]] = []
        let config = try TrainingConfiguration(epochs: 20, batchSize: .full, learningRate: eta)
        let averaged = try PolynomialAveraging(PlainGradientStep<T>(parameterCount: 3), gamma: 0, start: 5)
        let result = try Trainer(objective: objective, optimizer: averaged,
                                 configuration: config, validation: { p in evaluated.append(Array(p)); return Evaluation(sampleCount: 1, loss: 0) },
                                 initialParameters: x0.map { T($0) }).run()
        #expect(result.steps == 20)
        // Updates 5…19 produce x₆ … x₂₀.
        #expect(maxScaledDifference(result.parameters, closedFormMean(from: 6, to: 20).map { T($0) }) <= tol)
        // Before the start the evaluator sees the iterate; afterwards the running mean so far.
        #expect(maxScaledDifference(evaluated[3], closedFormIterate(4).map { T($0) }) <= tol)
        #expect(maxScaledDifference(evaluated[5], closedFormIterate(6).map { T($0) }) <= tol)
        #expect(maxScaledDifference(evaluated[10], closedFormMean(from: 6, to: 11).map { T($0) }) <= tol)
        #expect(evaluated[19] == result.parameters)
    }

    @Test func averagingDouble() throws { try averaging(Double.self, tol: 1e-13) }
    @Test func averagingFloat() throws { try averaging(Float.self, tol: 1e-6) }

    /// γ = 0 weighs every averaged point alike: m points give their arithmetic mean; γ > 0 weighs
    /// later points more (w_t = (1 + γ)/(t + γ)).
    @Test func uniformAndPolynomialWeights() throws {
        let xs: [[Double]] = [[1, -2], [4, 0.5], [-3, 7], [10, 1]]
        func run(gamma: Double) throws -> [Double] {
            var avg = try PolynomialAveraging(PlainGradientStep<Double>(parameterCount: 2), gamma: gamma)
            var out = [Double](repeating: 0, count: 2)
            for x in xs {
                var p = x, g = [0.0, 0.0]   // a zero gradient: the step leaves p = x
                avg.step(parameters: &p, gradient: &g, learningRate: 1)
            }
            out.withUnsafeMutableBufferPointer { o in [0.0, 0].withUnsafeBufferPointer { avg.evaluationPoint(parameters: $0, into: o) } }
            return out
        }
        #expect(allClose(try run(gamma: 0), [3, 1.625], tol: 1e-15))
        // γ = 1: weights 1, 2/3, 2/4, 2/5 give x̄ = Σ_t (2t/(n(n+1)))·x_t for n = 4.
        let n = 4.0
        let expected = (0..<2).map { j in (0..<4).reduce(0.0) { $0 + 2 * Double($1 + 1) / (n * (n + 1)) * xs[$1][j] } }
        #expect(allClose(try run(gamma: 1), expected, tol: 1e-14))
    }
}
