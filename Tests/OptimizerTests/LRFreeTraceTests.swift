import Testing
import Descent
import _TestSupport

/// 120 mini-batch steps on the two-group linear model against the reference packages
/// (`scripts/reference/lr_free_traces.py` → `LRFreeFixtures`), compared at the recorded
/// checkpoints: Double to 1e-8 (scaled by max(1, |value|)); Float to a precision-limited bound.
struct LRFreeTraceTests {
    typealias F = LRFreeFixtures

    /// Runs the fixture's 120 steps and checks the parameters (and the evaluation point, when
    /// given) at every checkpoint.
    func check<O: Optimizer>(_ optimizer: O, learningRate: Double = 1, expected: [[Double]], evaluation: [[Double]]? = nil,
                             tol: Double, label: String) {
        var opt = optimizer
        var p = F.initial.map { O.Scalar($0) }
        var worst = 0.0
        #expect(expected.count == F.checkpoints.count && (evaluation?.count ?? F.checkpoints.count) == F.checkpoints.count,
                "\(label): one reference row per checkpoint")
        var visited: [Int] = []
        LRFreeTwoGroupModel.run(&opt, parameters: &p, steps: 0..<F.steps, learningRate: learningRate) { done, p, o in
            guard let i = F.checkpoints.firstIndex(of: done) else { return }
            visited.append(done)
            let d = maxScaledDifference(lrFreeDoubles(p), expected[i])
            worst = max(worst, d)
            #expect(d <= tol, "\(label) \(O.Scalar.self) parameters after \(done) steps differ by \(d)")
            if let evaluation {
                let e = maxScaledDifference(lrFreeDoubles(LRFreeTwoGroupModel.evaluation(o, p)), evaluation[i])
                worst = max(worst, e)
                #expect(e <= tol, "\(label) \(O.Scalar.self) evaluation point after \(done) steps differs by \(e)")
            }
        }
        #expect(visited == F.checkpoints, "\(label) \(O.Scalar.self): checkpoints reached \(visited), expected \(F.checkpoints)")
        print("trace \(label) \(O.Scalar.self): worst scaled difference \(worst)")
    }

    func all<T: BLASScalar>(_: T.Type) throws {
        let tol = lrFreeTolerance(T.self, double: 1e-8, float: 2e-4)
        let n = LRFreeTwoGroupModel.count
        // DoG, one η per group; L2 decay 1e-2 on the weights only; averaged with γ = 8.
        let dog = try DoG<T>(parameterCount: n, groups: LRFreeTwoGroupModel.groups(weightDecayOfWeights: 1e-2, weightDecayOfBias: 0),
                             relativeInitialDistance: 1e-4)
        check(try PolynomialAveraging(dog, gamma: 8), expected: F.dog, evaluation: F.dogEvaluation, tol: tol, label: "dog")
        // L-DoG: the reference puts both tensors in one group (one η per tensor) = one η per our group.
        let ldog = try LDoG<T>(parameterCount: n, groups: LRFreeTwoGroupModel.groups(), relativeInitialDistance: 1e-4)
        check(try PolynomialAveraging(ldog), expected: F.ldog, evaluation: F.ldogEvaluation, tol: tol, label: "ldog")
        check(try DAdaptSGD<T>(parameterCount: n, groups: LRFreeTwoGroupModel.groups()), expected: F.dadapt, tol: tol, label: "dadapt")
        check(try DAdaptSGD<T>(parameterCount: n, groups: LRFreeTwoGroupModel.groups(), momentum: 0.9, weightDecay: 1e-3, initialDistance: 1e-4),
              expected: F.dadaptMomentum, tol: tol, label: "dadapt momentum")
        check(try ScheduleFreeSGD<T>(parameterCount: n, groups: LRFreeTwoGroupModel.groups(), momentum: 0.9, weightDecay: 1e-3,
                                     warmupSteps: 10, averagingPower: 0.5, weightLRPower: 2),
              learningRate: 0.5, expected: F.scheduleFree, evaluation: F.scheduleFreeEvaluation, tol: tol, label: "schedule-free")
    }

    @Test func double() throws { try all(Double.self) }
    @Test func float() throws { try all(Float.self) }
}
