import Testing
import Descent
import _TestSupport

/// DoG options not covered by the reference traces, against hand-worked steps of the equation
/// on the golden problem of `LRFreeGoldenProblem` (g₀ = Aᵀ(Ax₀ − b), ‖g₀‖² = 60.5).
struct DoGTests {
    /// `initialStepSize` (dog.py's init_eta): x₁ = x₀ − η₀g₀; r̄ then starts from 0, so
    /// η₁ = ‖x₁ − x₀‖/√(ε + ‖g₀‖² + ‖g₁‖²) = η₀‖g₀‖/√(ε + ‖g₀‖² + ‖g₁‖²).
    func initialStepSize<T: BLASScalar>(_: T.Type) throws {
        var opt = try DoG<T>(parameterCount: 4, initialStepSize: 0.01)
        let x0 = LRFreeGoldenProblem.x0
        let g0 = lrFreeDoubles(LRFreeGoldenProblem.gradient(x0.map { T($0) }))
        let x1 = zip(x0, g0).map { $0 - 0.01 * $1 }
        let g1 = lrFreeDoubles(LRFreeGoldenProblem.gradient(x1.map { T($0) }))
        let n0 = g0.reduce(0) { $0 + $1 * $1 }, n1 = g1.reduce(0) { $0 + $1 * $1 }
        let eta1 = 0.01 * n0.squareRoot() / (1e-8 + n0 + n1).squareRoot()
        let x2 = zip(x1, g1).map { $0 - eta1 * $1 }
        let tol = lrFreeTolerance(T.self, double: 1e-13, float: 1e-5)
        let x = LRFreeGoldenProblem.run(&opt, steps: 2) { k, x, o in
            if k == 0 {
                #expect(o.stepSizes[0] == 0.01)
                #expect(maxScaledDifference(lrFreeDoubles(x), x1) <= tol)
            }
        }
        #expect(lrFreeRelativelyClose(opt.stepSizes[0], eta1, tol: lrFreeTolerance(T.self, double: 1e-12, float: 1e-5)))
        #expect(maxScaledDifference(lrFreeDoubles(x), x2) <= tol)
    }

    /// The multiplier: η = learningRate · learningRateScale · r̄/√G, per group.
    func multiplier<T: BLASScalar>(_: T.Type) throws {
        let groups = [ParameterGroup(name: "a", range: 0..<2), ParameterGroup(name: "b", range: 2..<4, learningRateScale: 0.25)]
        var opt = try DoG<T>(parameterCount: 4, groups: groups, relativeInitialDistance: 1e-2)
        _ = LRFreeGoldenProblem.run(&opt, steps: 1, learningRate: 0.5)
        let x0 = LRFreeGoldenProblem.x0
        let g0 = lrFreeDoubles(LRFreeGoldenProblem.gradient(x0.map { T($0) }))
        for (j, r) in [0..<2, 2..<4].enumerated() {
            let norm0 = r.reduce(0.0) { $0 + x0[$1] * x0[$1] }.squareRoot()
            let gg = r.reduce(0.0) { $0 + g0[$1] * g0[$1] }
            let eta = [0.5, 0.125][j] * 1e-2 * (1 + norm0) / (gg + 1e-8).squareRoot()
            #expect(lrFreeRelativelyClose(opt.stepSizes[j], eta, tol: lrFreeTolerance(T.self, double: 1e-13, float: 1e-5)), "group \(j)")
        }
    }

    @Test func initialStepSizeDouble() throws { try initialStepSize(Double.self) }
    @Test func initialStepSizeFloat() throws { try initialStepSize(Float.self) }
    @Test func multiplierDouble() throws { try multiplier(Double.self) }
    @Test func multiplierFloat() throws { try multiplier(Float.self) }
}
