import Testing
import Descent
import _TestSupport

/// The steepest-descent suggestion on quadratics f(x) = ½ xᵀHx with known curvature: H = Q·diag(λ)·Q
/// with eigenvalues log-spaced from 1 to κ and Q a Householder reflection (a rotated, not diagonal,
/// Hessian), plain gradient descent. The largest stable rate is 2/λmax = 2/κ; the suggestion must lie
/// between 1/100 and 1 times it, for two random rotations and starting points per κ. Measured ratios suggestion/(2/κ) are printed (see the report).
struct LRFinderQuadraticTests {
    static let kappas: [Double] = [1, 10, 100, 1000]

    /// H = Q diag(λ) Q with Q = I − 2vvᵀ/(vᵀv), in Double.
    static func hessian(n: Int, kappa: Double, seed: UInt64) -> [[Double]] {
        let lambda = (0..<n).map { Double.pow(kappa, Double($0) / Double(n - 1)) }
        let v: [Double] = randomVector(n, seed: seed)
        let vv = v.reduce(0) { $0 + $1 * $1 }
        let q = (0..<n).map { i in (0..<n).map { j in (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv } }
        return (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0.0) { $0 + q[i][$1] * lambda[$1] * q[$1][j] } } }
    }

    func ratios<T: BLASScalar>(_: T.Type) throws -> [Double] {
        let n = 12
        var out: [Double] = []
        for kappa in Self.kappas {
          for seed: UInt64 in [5, 8] {
            let h = Self.hessian(n: n, kappa: kappa, seed: seed)
            var objective = ClosureObjective<T>(parameterCount: n) { p, g in
                var f = 0.0
                for i in 0..<n {
                    let hx = (0..<n).reduce(0.0) { $0 + h[i][$1] * Double(p[$1]) }
                    g[i] = T(hx)
                    f += 0.5 * Double(p[i]) * hx
                }
                return f
            }
            var optimizer = TestGD<T>(parameterCount: n)
            var sampler = BatchSampler(sampleCount: 1, batchSize: 1, mode: .none, seed: 1)
            var x: [T] = randomVector(n, seed: seed + 4)
            let r = try LRRangeTest(sweep: LRSweep(start: 1e-6, end: 10, iterations: 100))
                .run(objective: &objective, optimizer: &optimizer, parameters: &x, sampler: &sampler)
            guard let lr = r.suggest(.steepest).learningRate else {
                Issue.record("κ = \(kappa), seed \(seed): no suggestion: \(r.suggest(.steepest))"); out.append(.nan); continue
            }
            out.append(lr / (2 / kappa))
          }
        }
        return out
    }

    func band<T: BLASScalar>(_: T.Type) throws {
        let r = try ratios(T.self)
        print("LR finder on quadratics (\(T.self)): suggestion/(2/λmax) for κ = \(Self.kappas), two problems each: \(r)")
        for (kappa, ratio) in zip(Self.kappas.flatMap { [$0, $0] }, r) {
            #expect(ratio >= 0.01 && ratio <= 1, "κ = \(kappa): ratio \(ratio)")
        }
    }

    @Test func steepestLiesBelowTheStabilityLimitFloat() throws { try band(Float.self) }
    @Test func steepestLiesBelowTheStabilityLimitDouble() throws { try band(Double.self) }
}
