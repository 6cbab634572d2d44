import Testing
import Descent
import _TestSupport

/// Step-by-step traces on the 3×4 least-squares problem of `LRFreeGoldenProblem`, printed by
/// `scripts/reference/lr_free_golden.py` (`python3 scripts/reference/lr_free_golden.py`), which runs
/// the reference implementations the optimizers cite in float64: `dog-optimizer` 1.0.3
/// (`dog/dog.py`), `dadaptation` 3.2 (`dadaptation/dadapt_sgd.py`) and `schedulefree` 1.4.1
/// (`schedulefree/sgd_schedulefree.py`). The script prints all five steps (row k is read after
/// step k), coordinates as %.10f and step sizes, distances and sums as %.10e; the L-DoG step sizes
/// below are written in fixed point (%.10f), which is why they are compared only to 1e-8. The long
/// traces of `LRFreeTraceTests` come from `scripts/reference/lr_free_traces.py`. Double must match to 1e-10
/// (scaled by max(1, |value|); step sizes relatively); Float to what single precision allows. Every
/// test also checks that each of its rows was reached.
struct LRFreeGoldenTests {
    func dogDefault<T: BLASScalar>(_: T.Type) throws {
        var opt = try DoG<T>(parameterCount: 4)
        var checked = Set<Int>()
        let x = LRFreeGoldenProblem.run(&opt) { k, _, o in
            if k == 0 {
                checked.insert(k)
                #expect(lrFreeRelativelyClose(o.stepSizes[0], 4.8065426438e-07, tol: lrFreeTolerance(T.self, double: 1e-9, float: 1e-5)))
                #expect(lrFreeRelativelyClose(o.maxDistances[0], 3.7386127875e-06, tol: lrFreeTolerance(T.self, double: 1e-9, float: 1e-5)))
                #expect(lrFreeRelativelyClose(o.gradientSquareSums[0], 60.500000010, tol: lrFreeTolerance(T.self, double: 1e-10, float: 1e-6)))
            }
            if k == 1 {
                checked.insert(k)
                #expect(lrFreeRelativelyClose(o.stepSizes[0], 3.3987418273e-07, tol: lrFreeTolerance(T.self, double: 1e-9, float: 1e-5)))
                #expect(o.maxDistances[0] == 3.7386127875e-06 || lrFreeRelativelyClose(o.maxDistances[0], 3.7386127875e-06, tol: 1e-9))
            }
            if k == 4 {
                checked.insert(k)
                // Float cannot resolve 1e-5 moves of O(1) coordinates to better than ~1e-2 relative.
                #expect(lrFreeRelativelyClose(o.stepSizes[0], 8.6821761139e-07, tol: lrFreeTolerance(T.self, double: 1e-9, float: 5e-2)))
                #expect(lrFreeRelativelyClose(o.maxDistances[0], 1.5100449217e-05, tol: lrFreeTolerance(T.self, double: 1e-9, float: 5e-2)))
            }
        }
        #expect(checked == [0, 1, 4])
        let expected: [Double] = [0.4999887616, -0.9999873568, 1.9999943808, 1.4999873568]
        #expect(maxScaledDifference(lrFreeDoubles(x), expected) <= lrFreeTolerance(T.self, double: 1e-10, float: 1e-6))
    }

    func dogLargeReps<T: BLASScalar>(_: T.Type) throws {
        let table: [Int: (eta: Double, rbar: Double, x: [Double])] = [
            0: (4.8065426438e-03, 3.7386127875e-02, [0.4807738294, -0.9783705581, 1.9903869147, 1.4783705581]),
            1: (3.4280320983e-03, 3.7386127875e-02, [0.4674901026, -0.9629938446, 1.9837944822, 1.4631915684]),
            2: (4.7935985835e-03, 6.3591103233e-02, [0.4493270057, -0.9415439141, 1.9748292209, 1.4422067866]),
            4: (8.8158892906e-03, 1.4853407706e-01, [0.3942219222, -0.8731664465, 1.9480087235, 1.3767574961]),
        ]
        var opt = try DoG<T>(parameterCount: 4, relativeInitialDistance: 1e-2)
        var checked = Set<Int>()
        _ = LRFreeGoldenProblem.run(&opt) { (k: Int, x: [T], o: DoG<T>) in
            guard let row = table[k] else { return }
            checked.insert(k)
            #expect(lrFreeRelativelyClose(o.stepSizes[0], row.eta, tol: lrFreeTolerance(T.self, double: 1e-9, float: 1e-4)), "k=\(k)")
            #expect(lrFreeRelativelyClose(o.maxDistances[0], row.rbar, tol: lrFreeTolerance(T.self, double: 1e-9, float: 1e-4)), "k=\(k)")
            #expect(maxScaledDifference(lrFreeDoubles(x), row.x) <= lrFreeTolerance(T.self, double: 1e-10, float: 1e-6), "k=\(k)")
        }
        #expect(checked == Set(table.keys))
    }

    /// L-DoG with two "layers" x[0:2], x[2:4], once as two groups and once as two layers of one group.
    func ldog<T: BLASScalar>(_: T.Type) throws {
        let twoGroups = [ParameterGroup(name: "a", range: 0..<2), ParameterGroup(name: "b", range: 2..<4)]
        let byGroups = try LDoG<T>(parameterCount: 4, groups: twoGroups, relativeInitialDistance: 1e-2)
        let byLayers = try LDoG<T>(parameterCount: 4, layers: [0..<2, 2..<4], relativeInitialDistance: 1e-2)
        let tol = lrFreeTolerance(T.self, double: 1e-10, float: 1e-6)
        for var opt in [byGroups, byLayers] {
            var checked = Set<Int>()
            let x = LRFreeGoldenProblem.run(&opt) { k, x, o in
                guard k == 0 else { return }
                checked.insert(k)
                #expect(lrFreeRelativelyClose(o.stepSizes[0], 0.0035178630, tol: lrFreeTolerance(T.self, double: 1e-8, float: 1e-5)))
                #expect(lrFreeRelativelyClose(o.stepSizes[1], 0.0071074232, tol: lrFreeTolerance(T.self, double: 1e-8, float: 1e-5)))
                #expect(maxScaledDifference(lrFreeDoubles(x), [0.4859285481, -0.9841696166, 1.9857851537, 1.4680165958]) <= tol)
            }
            #expect(checked == [0])
            #expect(maxScaledDifference(lrFreeDoubles(x), [0.4229034154, -0.9068172621, 1.9237059792, 1.3188332187]) <= tol)
        }
    }

    func dadapt<T: BLASScalar>(_: T.Type) throws {
        let tol = lrFreeTolerance(T.self, double: 1e-10, float: 1e-6)
        let table: [Int: (d: Double, x: [Double])] = [
            0: (1.0e-02, [0.4948574052, -0.9942145809, 1.9974287026, 1.4942145809]),
            1: (1.0e-02, [0.4897577857, -0.9884341204, 1.9948838515, 1.4884539552]),
            2: (1.9907879702e-02, [0.4847007375, -0.9826586952, 1.9923651874, 1.4827179698]),
            4: (6.1871624456e-02, [0.4571097641, -0.9506066341, 1.9786855059, 1.4511291294]),
        ]
        var large = try DAdaptSGD<T>(parameterCount: 4, initialDistance: 1e-2)
        var checked = Set<Int>()
        _ = LRFreeGoldenProblem.run(&large) { k, x, o in
            guard let row = table[k] else { return }
            checked.insert(k)
            #expect(lrFreeRelativelyClose(o.distance, row.d, tol: lrFreeTolerance(T.self, double: 1e-9, float: 1e-4)), "k=\(k)")
            #expect(maxScaledDifference(lrFreeDoubles(x), row.x) <= tol, "k=\(k)")
        }
        #expect(checked == Set(table.keys))
        let ds = [1e-6, 1e-6, 1.9999990777e-06, 3.5999970119e-06, 6.2790604794e-06]
        var small = try DAdaptSGD<T>(parameterCount: 4)
        var steps: [Int] = []
        _ = LRFreeGoldenProblem.run(&small) { k, _, o in
            steps.append(k)
            #expect(lrFreeRelativelyClose(o.distance, ds[k], tol: lrFreeTolerance(T.self, double: 1e-9, float: 1e-3)), "k=\(k)")
        }
        #expect(steps == Array(ds.indices))
        var withMomentum = try DAdaptSGD<T>(parameterCount: 4, momentum: 0.9)
        let x = LRFreeGoldenProblem.run(&withMomentum)
        #expect(maxScaledDifference(lrFreeDoubles(x), [0.4999990926, -0.9999989792, 1.9999995463, 1.4999989792]) <= tol)
    }

    func scheduleFree<T: BLASScalar>(_: T.Type) throws {
        let tol = lrFreeTolerance(T.self, double: 1e-10, float: 1e-6)
        let table: [Int: [Double]] = [
            0: [0.3000000000, -0.7750000000, 1.9000000000, 1.2750000000],
            1: [0.2257500000, -0.6553750000, 1.8670000000, 1.1718750000],
            4: [0.0533139735, -0.3129120340, 1.7980284218, 0.8983977741],
        ]
        var opt = try ScheduleFreeSGD<T>(parameterCount: 4, momentum: 0.9)
        var checked = Set<Int>()
        var y = LRFreeGoldenProblem.run(&opt, learningRate: 0.05) { k, y, _ in
            if let row = table[k] { checked.insert(k); #expect(maxScaledDifference(lrFreeDoubles(y), row) <= tol, "k=\(k)") }
        }
        #expect(checked == Set(table.keys))
        let xEval: [Double] = [0.0721873382, -0.3536415957, 1.8051890691, 0.9300231958]
        #expect(maxScaledDifference(lrFreeDoubles(LRFreeTwoGroupModel.evaluation(opt, y)), xEval) <= tol)
        // The explicit switch: the buffer becomes x, evaluationPoint is then the buffer itself,
        // and train() brings y back.
        let yBefore = y
        y.withUnsafeMutableBufferPointer { opt.eval(parameters: $0) }
        #expect(!opt.isTraining)
        #expect(maxScaledDifference(lrFreeDoubles(y), xEval) <= tol)
        #expect(maxScaledDifference(lrFreeDoubles(LRFreeTwoGroupModel.evaluation(opt, y)), xEval) <= tol)
        y.withUnsafeMutableBufferPointer { opt.train(parameters: $0) }
        #expect(maxScaledDifference(y, yBefore) <= T(lrFreeTolerance(T.self, double: 1e-14, float: 1e-6)))

        var warm = try ScheduleFreeSGD<T>(parameterCount: 4, momentum: 0.9, warmupSteps: 3)
        var checkedWarm = Set<Int>()
        let yw = LRFreeGoldenProblem.run(&warm, learningRate: 0.05) { k, y, _ in
            if k == 0 { checkedWarm.insert(k); #expect(maxScaledDifference(lrFreeDoubles(y), [0.4333333333, -0.9250000000, 1.9666666667, 1.4250000000]) <= tol) }
        }
        #expect(checkedWarm == [0])
        #expect(maxScaledDifference(lrFreeDoubles(LRFreeTwoGroupModel.evaluation(warm, yw)),
                                    [0.1058458433, -0.4231244512, 1.8183597618, 0.9848718119]) <= tol)
    }

    @Test func dogDefaultDouble() throws { try dogDefault(Double.self) }
    @Test func dogDefaultFloat() throws { try dogDefault(Float.self) }
    @Test func dogLargeRepsDouble() throws { try dogLargeReps(Double.self) }
    @Test func dogLargeRepsFloat() throws { try dogLargeReps(Float.self) }
    @Test func ldogDouble() throws { try ldog(Double.self) }
    @Test func ldogFloat() throws { try ldog(Float.self) }
    @Test func dadaptDouble() throws { try dadapt(Double.self) }
    @Test func dadaptFloat() throws { try dadapt(Float.self) }
    @Test func scheduleFreeDouble() throws { try scheduleFree(Double.self) }
    @Test func scheduleFreeFloat() throws { try scheduleFree(Float.self) }
}
