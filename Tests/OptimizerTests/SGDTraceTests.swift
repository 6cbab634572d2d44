import Testing
import Descent
import _TestSupport

/// SGD against golden traces printed by `scripts/reference/sgd_adadelta_traces.py`, which runs
/// `torch.optim.SGD` (float64) on f(x) = ½‖Ax − b‖² (`SGDAdaDeltaFixtures`). Every step of every
/// trace is compared: 1e-12 (relative to max(1, |x|)) in Double, 2e-5 in Float.
struct SGDTraceTests {
    func torchTraces<T: BLASScalar>(_: T.Type) throws {
        let tol = SGDTestProblem.tolerance(T.self)
        for c in SGDAdaDeltaFixtures.sgd {
            var opt = try SGD<T>(parameterCount: 4, learningRate: c.learningRates[0], momentum: c.momentum,
                                 dampening: c.dampening, nesterov: c.nesterov, weightDecay: c.weightDecay,
                                 maximize: c.maximize)
            let trace = SGDTestProblem.run(&opt, learningRates: c.learningRates)
            #expect(trace.count == c.x.count, "\(c.name): \(trace.count) steps run, torch trace has \(c.x.count)")
            for (k, (x, expected)) in zip(trace, c.x).enumerated() {
                let err = maxScaledDifference(x, expected.map { T($0) })
                #expect(err <= tol, "\(c.name), step \(k): \(x) vs torch \(expected) (scaled error \(err))")
            }
            #expect(opt.stepCount == c.learningRates.count)
        }
    }

    @Test func torchTracesDouble() throws { try torchTraces(Double.self) }
    @Test func torchTracesFloat() throws { try torchTraces(Float.self) }

    /// A table of x after five steps at lr 0.05 (printed to 10 decimals), kept independent of the
    /// regenerated fixture; `scripts/reference/sgd_adadelta_traces.py` holds the same table
    /// (`DOCUMENTED`) and checks torch's traces against it.
    @Test func documentedTable() throws {
        let table: [(String, Double, Double, Bool, Double, Bool, [Double])] = [
            ("plain", 0, 0, false, 0, false, [-0.046351875, 0.016026875, 1.77413875, 0.673231875]),
            ("μ=0.9", 0.9, 0, false, 0, false, [-0.649666875, 1.629074375, 1.58189875, -0.502145625]),
            ("μ=0.9 τ=0.5", 0.9, 0.5, false, 0, false, [-0.5646263672, 0.8263391797, 1.5405017969, -0.0350792578]),
            ("nesterov", 0.9, 0, true, 0, false, [-0.4560587194, 1.9394843656, 1.7490584287, -0.5311332119]),
            ("nesterov λ=0.1", 0.9, 0, true, 0.1, false, [-0.3986701825, 1.9514436005, 1.6427113637, -0.5473341898]),
            ("maximize λ=0.1", 0.9, 0, false, 0.1, true, [5.6561688533, -3.9616752692, 4.7776576547, 5.6821337701]),
        ]
        for (name, mu, tau, nesterov, wd, maximize, expected) in table {
            var opt = try SGD<Double>(parameterCount: 4, learningRate: 0.05, momentum: mu, dampening: tau,
                                      nesterov: nesterov, weightDecay: wd, maximize: maximize)
            let trace = SGDTestProblem.run(&opt, learningRates: Array(repeating: 0.05, count: 5))
            #expect(maxScaledDifference(trace[4], expected) <= 1e-9, "\(name): \(trace[4]) vs \(expected)")
            if name == "nesterov" {  // the table's first-step column
                #expect(maxScaledDifference(trace[0], [0.12, -0.5725, 1.81, 1.0725]) <= 1e-12)
            }
        }
        // "f rises to 92.96" under maximize: f at the point of the fifth gradient (x after step 4;
        // after step 5 it is 223.5).
        var opt = try SGD<Double>(parameterCount: 4, learningRate: 0.05, momentum: 0.9, weightDecay: 0.1, maximize: true)
        let x = SGDTestProblem.run(&opt, learningRates: Array(repeating: 0.05, count: 4))[3]
        let a = SGDAdaDeltaFixtures.a, b = SGDAdaDeltaFixtures.b
        let f = 0.5 * a.indices.map { i in let r = zip(a[i], x).map(*).reduce(0, +) - b[i]; return r * r }.reduce(0, +)
        #expect(abs(f - 92.96) < 0.01, "f after maximize = \(f)")
    }

    /// Two groups (torch param groups): weights x[0..<3] with λ = 0.1, a "bias" x[3] with no decay
    /// and twice the scheduled learning rate.
    func groupTrace<T: BLASScalar>(_: T.Type) throws {
        let groups = [ParameterGroup(name: "weights", range: 0..<3),
                      ParameterGroup(name: "bias", range: 3..<4, learningRateScale: 2, weightDecay: 0)]
        var opt = try SGD<T>(parameterCount: 4, groups: groups, momentum: 0.9, weightDecay: 0.1)
        let trace = SGDTestProblem.run(&opt, learningRates: SGDAdaDeltaFixtures.sgdGroupsLearningRates)
        #expect(trace.count == SGDAdaDeltaFixtures.sgdGroups.count, "groups: \(trace.count) steps run, torch trace has \(SGDAdaDeltaFixtures.sgdGroups.count)")
        for (k, (x, expected)) in zip(trace, SGDAdaDeltaFixtures.sgdGroups).enumerated() {
            #expect(maxScaledDifference(x, expected.map { T($0) }) <= SGDTestProblem.tolerance(T.self),
                    "groups, step \(k): \(x) vs torch \(expected)")
        }
    }

    @Test func groupTraceDouble() throws { try groupTrace(Double.self) }
    @Test func groupTraceFloat() throws { try groupTrace(Float.self) }
}
