import Testing
import Descent
import _TestSupport

/// LFM has no reference implementation (see its doc comment), so it is checked against an
/// independent scalar-loop transcription of its equation, a hand-worked first step, and a
/// convergence run under per-epoch reshuffling.
struct LFMTests {
    /// The LFM equation written with plain loops in Double, one group at a time.
    struct NaiveLFM {
        let groups: [ParameterGroup]; let beta, eps, repsRel, wd: Double
        var x0: [Double] = [], m: [Double], rbar: [Double], sum: [Double], k = 0
        init(groups: [ParameterGroup], count: Int, beta: Double, eps: Double, repsRel: Double, wd: Double) {
            self.groups = groups; self.beta = beta; self.eps = eps; self.repsRel = repsRel; self.wd = wd
            m = Array(repeating: 0, count: count); rbar = Array(repeating: 0, count: groups.count); sum = rbar
        }
        mutating func step(_ x: inout [Double], _ grad: [Double], lr: Double) {
            if k == 0 { x0 = x }
            for (j, gr) in groups.enumerated() {
                var dist = 0.0, mm = 0.0
                for i in gr.range { dist += (x[i] - x0[i]) * (x[i] - x0[i]) }
                if k == 0 {
                    var n0 = 0.0
                    for i in gr.range { n0 += x0[i] * x0[i] }
                    rbar[j] = repsRel * (1 + n0.squareRoot())
                } else {
                    rbar[j] = max(rbar[j], dist.squareRoot())
                }
                let decay = gr.weightDecay ?? wd
                for i in gr.range {
                    m[i] = beta * m[i] + (1 - beta) * (grad[i] + decay * x[i])
                    mm += m[i] * m[i]
                }
                sum[j] += mm
                let eta = lr * gr.learningRateScale * rbar[j] / (eps + sum[j]).squareRoot()
                for i in gr.range { x[i] -= eta * m[i] }
            }
            k += 1
        }
    }

    func matchesNaive<T: BLASScalar>(_: T.Type) throws {
        let groups = [ParameterGroup(name: "weight", range: 0..<LRFreeTwoGroupModel.weightCount, weightDecay: 1e-2),
                      ParameterGroup(name: "bias", range: LRFreeTwoGroupModel.weightCount..<LRFreeTwoGroupModel.count, learningRateScale: 0.5)]
        var opt = try LFM<T>(parameterCount: LRFreeTwoGroupModel.count, groups: groups, momentum: 0.8,
                             relativeInitialDistance: 1e-3, epsilon: 1e-8, weightDecay: 0)
        var naive = NaiveLFM(groups: groups, count: LRFreeTwoGroupModel.count, beta: 0.8, eps: 1e-8, repsRel: 1e-3, wd: 0)
        var p = LRFreeFixtures.initial.map { T($0) }
        var q = LRFreeFixtures.initial
        let tol = lrFreeTolerance(T.self, double: 1e-12, float: 1e-4)
        for k in 0..<60 {
            naive.step(&q, LRFreeTwoGroupModel.gradient(q, step: k), lr: 0.7)
            var g: [T] = LRFreeTwoGroupModel.gradient(p, step: k)
            opt.step(parameters: &p, gradient: &g, learningRate: 0.7)
            #expect(maxScaledDifference(lrFreeDoubles(p), q) <= tol, "step \(k)")
        }
        for j in 0..<2 { #expect(lrFreeRelativelyClose(opt.maxDistances[j], naive.rbar[j], tol: lrFreeTolerance(T.self, double: 1e-10, float: 1e-2))) }
    }

    /// Step 0: m₀ = (1−β)g₀, η₀ = r_ε/√(ε + ‖m₀‖²), so ‖x₁ − x₀‖ = r_ε·‖m₀‖/√(ε + ‖m₀‖²) ≈ r_ε = reps_rel·(1 + ‖x₀‖).
    func firstStep<T: BLASScalar>(_: T.Type) throws {
        var opt = try LFM<T>(parameterCount: 4, momentum: 0.9, relativeInitialDistance: 1e-2, epsilon: 1e-8)
        let x = LRFreeGoldenProblem.run(&opt, steps: 1)
        let g0 = LRFreeGoldenProblem.gradient(LRFreeGoldenProblem.x0.map { T($0) }).map { 0.1 * Double($0) }
        let m2 = g0.reduce(0) { $0 + $1 * $1 }
        let rEps = 1e-2 * (1 + LRFreeGoldenProblem.x0.reduce(0) { $0 + $1 * $1 }.squareRoot())
        let eta = rEps / (1e-8 + m2).squareRoot()
        let expected = zip(LRFreeGoldenProblem.x0, g0).map { $0 - eta * $1 }
        #expect(maxScaledDifference(lrFreeDoubles(x), expected) <= lrFreeTolerance(T.self, double: 1e-14, float: 1e-6))
        #expect(lrFreeRelativelyClose(opt.stepSizes[0], eta, tol: lrFreeTolerance(T.self, double: 1e-14, float: 1e-6)))
    }

    /// Under per-epoch reshuffling (the training default) LFM with its defaults must bring the
    /// two-group model's full-data loss down to near the least-squares optimum.
    func convergesWithReshuffling<T: BLASScalar>(_: T.Type) throws {
        typealias F = LRFreeFixtures
        func fullLoss(_ p: [T]) -> Double {
            var s = 0.0
            for i in 0..<F.samples {
                for o in 0..<F.outputs {
                    var r = Double(p[LRFreeTwoGroupModel.weightCount + o]) - F.y[i * F.outputs + o]
                    for f in 0..<F.features { r += Double(p[o * F.features + f]) * F.x[i * F.features + f] }
                    s += 0.5 * r * r
                }
            }
            return s / Double(F.samples)
        }
        var opt = try LFM<T>(parameterCount: LRFreeTwoGroupModel.count, groups: LRFreeTwoGroupModel.groups())
        var sampler = BatchSampler(sampleCount: F.samples, batchSize: F.batchSize, mode: .reshuffle, seed: 3)
        var p = F.initial.map { T($0) }
        let start = fullLoss(p)
        var grad = [T](repeating: 0, count: LRFreeTwoGroupModel.count)
        for _ in 0..<150 {
            sampler.startEpoch()
            for j in 0..<sampler.batchesPerEpoch {
                for i in grad.indices { grad[i] = 0 }
                let rows = sampler.positions(j).map { sampler.order[$0] }
                for i in rows {
                    for o in 0..<F.outputs {
                        var r = Double(p[LRFreeTwoGroupModel.weightCount + o]) - F.y[i * F.outputs + o]
                        for f in 0..<F.features { r += Double(p[o * F.features + f]) * F.x[i * F.features + f] }
                        for f in 0..<F.features { grad[o * F.features + f] += T(r * F.x[i * F.features + f] / Double(rows.count)) }
                        grad[LRFreeTwoGroupModel.weightCount + o] += T(r / Double(rows.count))
                    }
                }
                opt.step(parameters: &p, gradient: &grad, learningRate: 1)
            }
        }
        // The noise level of the data is 0.1 per output, so the optimum's loss is about 2·½·0.01 = 0.01.
        let end = fullLoss(p)
        print("LFM \(T.self) full loss \(start) → \(end), step sizes \(opt.stepSizes)")
        #expect(end < 0.05 && end < start / 50, "LFM loss \(start) → \(end)")
    }

    @Test func matchesNaiveDouble() throws { try matchesNaive(Double.self) }
    @Test func matchesNaiveFloat() throws { try matchesNaive(Float.self) }
    @Test func firstStepDouble() throws { try firstStep(Double.self) }
    @Test func firstStepFloat() throws { try firstStep(Float.self) }
    @Test func reshufflingDouble() throws { try convergesWithReshuffling(Double.self) }
    @Test func reshufflingFloat() throws { try convergesWithReshuffling(Float.self) }
}
